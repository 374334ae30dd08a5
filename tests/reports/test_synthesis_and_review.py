"""The « Synthèse », items to review, DIF labels and order, reliability wording, terminology."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from questionnaire.reports.dif import _by_size, _dif_row
from questionnaire.reports.review import reason, stem_start
from questionnaire.reports.session_report import build_session_report
from questionnaire.reports.synthesis import alpha_reading, consistency_sentence


def test_session_synthesis_comes_first_with_the_key_figures(sit_session, clock):
    session, _, _ = sit_session(leave_open=1)
    report = build_session_report(session, clock())
    assert report.sections[0].key == "synthese"
    row = dict(zip((c.key for c in report.table("synthese").columns),
                   report.table("synthese").rows[0], strict=True))  # fmt: skip
    # PATTERNS: 10 graded copies, 4 reach the 60 % mark; 1 copy left open; 20 of 40 answers right
    assert row["graded"] == 10 and row["in_progress"] == 1
    assert row["pass_rate"] == pytest.approx(0.4)
    assert row["pass_rate_low"] == pytest.approx(0.168180, abs=1e-6)
    assert row["pass_rate_high"] == pytest.approx(0.687326, abs=1e-6)
    assert row["mean_score"] == pytest.approx(0.5)
    assert row["neutralised"] == 0
    text = " ".join(report.sections[0].paragraphs)
    assert "1 copie en cours : chiffres provisoires" in text
    assert "petit échantillon (10 copies" in text
    assert "40,0 % (IC 95 % de Wilson : 16,8 % à 68,7 %)" in text
    assert "des candidats recevraient la même décision" in text


def test_alpha_and_consistency_readings():
    assert alpha_reading(0.85).endswith("fidélité suffisante.")
    assert "0,62 < 0,80" in alpha_reading(0.62)
    assert alpha_reading(0.62).endswith("fidélité insuffisante pour une décision individuelle.")
    assert consistency_sentence(0.8234).startswith("82,3 % des candidats recevraient la même")


def _mh(item, n_ref, n_foc, d_dif, ets):
    return SimpleNamespace(
        item_id=item, n_reference=n_ref, n_focal=n_foc, mh_alpha=1.0, mh_chi2=0.0,
        mh_p=0.9, mh_d_dif=d_dif, mh_d_dif_se=0.5, ets_class=ets,
    )  # fmt: skip


def test_dif_labels_and_order():
    rows = sorted(
        (
            _dif_row(_mh("I1", 40, 40, float("nan"), "A")),  # undefined D-DIF, library says A
            _dif_row(_mh("I2", 40, 40, -0.4, "A")),
            _dif_row(_mh("I3", 40, 19, 1.8, "C")),  # 19 focal copies
            _dif_row(_mh("I4", 40, 40, 1.2, "B")),
        ),
        key=_by_size,
    )
    assert [(r[0], r[8]) for r in rows] == [
        ("I3", "non évaluable"),
        ("I4", "B"),
        ("I2", "A"),
        ("I1", "n.d."),
    ]


def test_review_reasons_and_stem():
    assert reason("unused_distractor:C") == "l'option C n'est presque jamais choisie"
    assert stem_start("a" * 70) == "a" * 60 + "…"
    assert stem_start("Quel  est\nle taux ?") == "Quel est le taux ?"


@pytest.mark.parametrize(
    ("stored", "quoted"),
    [  # a question's text as the bank stores it (sanitised HTML), as the report must quote it
        (
            "<p>Un client <strong>fortuné</strong> &amp; sa femme</p><p>Quel taux ?</p>",
            "Un client fortuné & sa femme Quel taux ?",
        ),
        ("Le taux <em>normal</em> : x &lt; 3 &amp; y &gt; 2 ?", "Le taux normal : x < 3 & y > 2 ?"),
        (
            "<table><tbody><tr><th>Revenu</th><td>30 000</td></tr></tbody></table><p>Tranche ?</p>",
            "Revenu 30 000 Tranche ?",
        ),
        ("Ligne 1<br>Ligne 2", "Ligne 1 Ligne 2"),
        ("<p>" + "é" * 70 + "</p>", "é" * 60 + "…"),  # cut on the text, not on the markup
    ],
)
def test_the_stem_is_quoted_without_its_markup(stored, quoted):
    # the jury read « <table><tbody><tr><th>Revenu</th><td>30 000</td></tr></tbody… » and
    # « x &lt; 3 &amp; y » in « Items à revoir », in every format
    assert stem_start(stored) == quoted


def test_items_to_review_precede_the_item_table_sorted_by_severity(sit_session, clock):
    session, _, _ = sit_session()
    report = build_session_report(session, clock())
    keys = [s.key for s in report.sections]
    assert keys.index("items_a_revoir") == keys.index("items") - 1
    table = report.table("items_a_revoir")
    severities = table.column("severity")
    assert severities == sorted(severities)
    flagged = [i for i, f in zip(*[report.table("items").column(k) for k in ("item_id", "flags")],
                                 strict=True) if f]  # fmt: skip
    assert sorted(table.column("item_id")) == sorted(flagged)
    assert set(table.column("reliability")) <= {"indicatif"}  # 10 copies < 30
    assert all(stem for stem in table.column("stem"))


def test_reliability_wording_units_band_and_kr21_on_a_common_form(sit_session, clock):
    session, _, _ = sit_session()
    report = build_session_report(session, clock())
    fidelity = report.table("fidelite")
    labels = [c.label for c in fidelity.columns]
    assert "Erreur type de mesure (SEM, points sur 4)" in labels
    row = dict(zip((c.key for c in fidelity.columns), fidelity.rows[0], strict=True))
    assert row["sem_band"] == pytest.approx(1.96 * row["sem"])
    assert row["csem_band"] == pytest.approx(1.96 * row["csem"])
    assert "kr21" in row  # one common form
    text = " ".join(report.section("fidelite").paragraphs)
    assert "sur 4 ; bande à 95 %" in text and "des candidats recevraient la même décision" in text


@pytest.mark.parametrize(
    ("value", "digits", "said"),
    [(0.9, 1, "0,9 point"), (1.96, 2, "1,96 point"), (1.96, 1, "2,0 points"), (12.5, 1,
     "12,5 points"), (0.0, 1, "0,0 point")],
)  # fmt: skip
def test_points_are_singular_below_two(value, digits, said):
    from questionnaire.reports.psychometrics import in_points

    assert in_points(value, digits) == said


def test_terminology(sit_session, clock):
    session, _, _ = sit_session()
    report = build_session_report(session, clock())
    assert [c.label for c in report.table("sujets").columns][-1] == (
        "Score moyen (% de bonnes réponses)"
    )
    assert "Score (%)" in [c.label for c in report.table("candidats").columns]
    labels = [c.label for t in report.tables for c in t.columns if "Réussite" in c.label]
    assert labels == ["Réussite devenue échec"]  # about a pass decision


def test_kr21_dropped_when_forms_are_drawn_at_random():
    from questionnaire.reports.psychometrics import reliability_tables

    stats = SimpleNamespace(
        design="incomplete", alpha=0.7, alpha_ci=None, sem=2.0, max_total=20.0, forms=(),
        csem_at_cut=SimpleNamespace(score=12.0, value=2.5),
        decision_consistency=SimpleNamespace(p=0.8, kappa=0.5, kr21=0.6),
    )  # fmt: skip
    (main,) = reliability_tables(stats)
    row = dict(zip((c.key for c in main.columns), main.rows[0], strict=True))
    assert "kr21" not in row
    assert row["sem_band"] == pytest.approx(3.92) and row["csem_band"] == pytest.approx(4.9)
    assert "Erreur type de mesure (SEM, points sur 20)" in [c.label for c in main.columns]


def test_items_to_review_of_one_severity_follow_the_item_table_order():
    """Q2 and Q10, both answered right by everyone (too easy): the items-to-review table put
    « Q10 » before « Q2 » (text order) while the item table, like the library, lists Q2 first."""
    import pandas as pd

    from questionnaire.reports.loader import ItemInfo
    from questionnaire.reports.review import flagged_items

    rows = [(f"C{a}", item, score, "A" if score else "B", "A")
            for a in range(6) for item, score in (("Q1", float(a % 2)), ("Q2", 1.0), ("Q10", 1.0))]  # fmt: skip
    table = pd.DataFrame(rows, columns=["attempt_id", "item_id", "score", "option", "key"])
    items = {i: ItemInfo(i, n, i, "sujet", "published", ("A", "B")) for n, i in enumerate(("Q1", "Q2", "Q10"))}  # fmt: skip
    easy = [item for severity, item, _n, text in flagged_items(table, items) if severity == 2]
    assert easy == ["Q2", "Q10"]


def test_dif_and_drift_rows_without_a_delta_follow_the_natural_item_order():
    """Rows with no D-DIF (or drift D) were listed as text: « I10 » before « I2 »."""
    from questionnaire.reports import drift

    rows = sorted(
        (_dif_row(_mh(i, 40, 40, float("nan"), "")) for i in ("I10", "I2", "I1")), key=_by_size
    )
    assert [r[0] for r in rows] == ["I1", "I2", "I10"]
    drift_rows = [(i, 30, 0.5, 30, 0.5, 0.0, None, None, None, None, "n.d.", "") for i in ("I10", "I2")]  # fmt: skip
    assert [r[0] for r in sorted(drift_rows, key=drift._by_size)] == ["I2", "I10"]
