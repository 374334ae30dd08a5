"""The report's statistics use the app's flag rules, declared options and honest reliability."""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
import pandas as pd
import pytest
from scipy import stats as scipy_stats

from analytics import simulate_responses, test_stats
from questionnaire.reports import psychometrics as psy
from questionnaire.reports.angoff import angoff_cut
from questionnaire.reports.loader import ItemInfo
from questionnaire.reports.period_report import few_copies_warnings
from questionnaire.reports.tables import Column, Kind, Table, format_value

#: 20 candidates: the first t items of Q1–Q8 right; item X (key A, options A–E declared).
TOTALS = [8, 7, 7, 6, 6, 6, 5, 5, 5, 4, 4, 4, 3, 3, 3, 2, 2, 1, 1, 0]
CHOSEN = list("BAAAAAAACACABCDCDCDD")


def _table() -> pd.DataFrame:
    rows = []
    for a, (total, chosen) in enumerate(zip(TOTALS, CHOSEN, strict=True)):
        for i in range(8):
            right = i < total
            rows.append((f"C{a:02d}", f"Q{i + 1}", float(right), "A" if right else "B", "A"))
        rows.append((f"C{a:02d}", "X", float(chosen == "A"), chosen, "A"))
    return pd.DataFrame(rows, columns=["attempt_id", "item_id", "score", "option", "key"])


def _items(table: pd.DataFrame) -> dict[str, ItemInfo]:
    return {
        label: ItemInfo(label, n, label, "sujet", "published", ("A", "B", "C", "D", "E"))
        for n, label in enumerate(table["item_id"].unique())
    }


def test_item_flags_use_the_author_pages_rules_and_declared_options():
    """B is picked by the best candidate (C00) and one middling one (C12).

    Upper group (5.4 copies): C00 is in it, so p_upper(B) = 1/5.4 > p_lower: the bare rule
    says « seconde clé ». But r(B, total) ≈ 0.13 on 20 copies, one-sided p ≈ 0.30 > 0.20: the
    app's rule (THRESHOLDS) does not. E is declared and chosen by nobody: « peu choisi ».
    """
    table = _table()
    picked_b = np.array([c == "B" for c in CHOSEN], dtype=float)
    proportion = (np.array(TOTALS) + np.array([c == "A" for c in CHOSEN])) / 9
    r = np.corrcoef(picked_b, proportion)[0, 1]
    p = scipy_stats.t.sf(r * math.sqrt(18 / (1 - r * r)), 18)
    assert 0 < r < 0.2 and p > 0.20  # independent check of why the app's rule stays silent
    shown = psy.item_table(table, _items(table))
    flags = dict(zip(shown.column("item_id"), shown.column("flags"), strict=True))
    assert flags["X"] == "distracteur E peu choisi"
    assert "seconde clé" not in " ".join(flags.values())


def test_distractor_table_lists_every_declared_option():
    table = _table()
    shown = psy.distractor_table(table, _items(table))
    options = [o for item, o in zip(shown.column("item_id"), shown.column("option"), strict=True)
               if item == "X"]  # fmt: skip
    assert options == ["A", "B", "C", "D", "E", "omission"]
    share = dict(zip(options, [p for i, p in zip(shown.column("item_id"),
                 shown.column("proportion"), strict=True) if i == "X"], strict=True))  # fmt: skip
    assert share["E"] == 0.0 and share["B"] == pytest.approx(2 / 20)


def test_random_forms_show_the_pairwise_alpha_and_hide_tiny_forms():
    """300 copies, 20 of 22 items drawn per copy: every form has fewer than 30 copies."""
    table = simulate_responses(22, 300, seed=1, form_length=20).responses
    stats = test_stats(table, cut=Fraction(3, 5))
    (main,) = psy.reliability_tables(stats)  # no per-form table: no form reaches 30 copies
    row = dict(zip([c.key for c in main.columns], main.rows[0], strict=True))
    assert row["alpha"] == stats.alpha_pairwise and 0.6 < row["alpha"] < 0.9
    assert row["sem"] == pytest.approx(stats.sd * math.sqrt(1 - stats.alpha_pairwise))
    assert row["sem"] < stats.sd
    assert "par paires" in main.columns[1].label
    note = psy.forms_note(stats)
    assert f"dont {len(stats.forms)} de moins de 30 copies" in note


def test_complete_design_keeps_the_cronbach_label():
    table = _table()
    (main,) = psy.reliability_tables(test_stats(table, cut=Fraction(3, 5)))
    assert main.columns[1].label == "Alpha de Cronbach"


def test_small_group_caveat():
    assert psy.few_copies_note(30) is None
    assert "3 copies seulement (moins de 30)" in psy.few_copies_note(3)


def test_period_warns_about_small_sessions_and_drift_halves():
    rows = (("Mars", "01/03/2026", 12, 10), ("Avril", "01/04/2026", 40, 35), ("Mai", "", 5, 0))
    drift = Table(
        "derive",
        "Dérive",
        (Column("item_id", "Item"), Column("n_first", "n1", Kind.INT),
         Column("n_second", "n2", Kind.INT)),
        (("I1", 40, 29), ("I2", 30, 30)),
    )  # fmt: skip
    first, second = few_copies_warnings(rows, drift)
    assert "Mars (10)" in first and "Avril" not in first and "Mai" not in first
    assert "1 item du tableau de dérive" in second
    assert few_copies_warnings(rows[1:], None) == ()


def test_negative_zero_prints_as_zero():
    decimal, percent = Column("alpha", "Alpha", Kind.DECIMAL), Column("p", "p", Kind.PERCENT)
    assert format_value(-2.7755575615628914e-16, decimal) == "0,000"
    assert format_value(-0.0004, decimal) == "0,000"
    assert format_value(-0.0004, percent) == "0,0\u00a0%"
    assert format_value(-0.0006, decimal) == "-0,001"


def test_angoff_without_items_gives_no_cut_and_no_judge():
    result = angoff_cut({"Juge A": {1: 0.5, 2: 0.7}}, [])
    assert result.cut is None and result.n_judges == 0 and result.incomplete_judges == 0
    assert result.standard_error is None and result.judge_cuts == ()


@pytest.mark.parametrize(
    ("pass_mark", "shown"),
    [
        (Fraction(5, 8), "62,5\u00a0%"),
        (Fraction(6667, 10000), "66,67\u00a0%"),
        (Fraction(3, 5), "60\u00a0%"),
    ],
)
def test_the_distribution_names_the_pass_mark_as_set_when_maxima_differ(pass_mark, shown):
    """Copies out of 4 and out of 3 points (an item neutralised on one form): the column said
    « Atteint le seuil (62% du score maximal de la copie) » for a pass mark of 62,5 %, rounded
    half to even and with no comma, unlike the « Seuil de réussite » of the results table."""
    rows = []
    for a, total in enumerate([4, 3, 2, 1, 0, 3, 2, 1]):
        items = 4 if a < 5 else 3
        rows += [(f"C{a}", f"Q{i + 1}", float(i < total), "A" if i < total else "B", "A")
                 for i in range(items)]  # fmt: skip
    table = pd.DataFrame(rows, columns=["attempt_id", "item_id", "score", "option", "key"])
    stats = test_stats(table, cut=pass_mark)
    shown_table = psy.histogram_table(stats, psy.prepare(table), pass_mark)
    assert (
        shown_table.columns[2].label == f"Atteint le seuil ({shown} du score maximal de la copie)"
    )


def test_reliability_sentences_round_as_the_table_beside_them():
    """Pass mark 62,5 % on 5 items: the cut is 3,125 points exactly. The table rounds it half
    up (« 3,13 »), the sentence said « À la coupure (3,12 points) » (Python's round half to
    even on the binary value), so the same report gave two cuts."""
    rows = [(f"C{a}", f"Q{i + 1}", float(i < total), "A" if i < total else "B", "A")
            for a, total in enumerate([5, 4, 4, 3, 3, 2, 2, 1, 1, 0]) for i in range(5)]  # fmt: skip
    table = pd.DataFrame(rows, columns=["attempt_id", "item_id", "score", "option", "key"])
    stats = test_stats(table, cut=Fraction(5, 8))
    assert stats.csem_at_cut.score == 3.125  # 5/8 of 5 points
    (main,) = psy.reliability_tables(stats)
    cut_column = next(c for c in main.columns if c.key == "cut_score")
    assert format_value(main.column("cut_score")[0], cut_column) == "3,13"
    sentences = " ".join(psy.reliability_sentences(stats))
    assert "À la coupure (3,13 points)" in sentences, sentences


@pytest.mark.parametrize(
    ("p", "shown"),
    [
        (3e-20, "< 0,0001"),  # was « 0,0000 », a p-value no test gives
        (0.0123, "0,0123"),
        (0.049996, "0,049996"),  # was « 0,0500 » beside an ETS class B (significant at 5 %)
        (0.05, "0,0500"),
        (0.3, "0,3000"),
        (None, "n.d."),
    ],
)
def test_p_values_in_the_tables_read_as_a_test_gives_them(p, shown):
    assert format_value(p, Column("p", "p", Kind.PVALUE)) == shown


def test_the_dif_drift_and_comparability_p_columns_are_p_values():
    from questionnaire.reports.drift import COLUMNS as DRIFT_COLUMNS
    from questionnaire.reports.period_report import comparability_table

    table = dif_table_of_nothing()
    for columns in (table.columns, DRIFT_COLUMNS, comparability_table([]).columns):
        assert {c.kind for c in columns if c.label == "p"} == {Kind.PVALUE}


def dif_table_of_nothing():
    """The DIF table of two groups of 5 copies on one item (its columns are what counts)."""
    from questionnaire.reports.dif import dif_table

    rows = [(f"C{a}", "Q1", float(a % 2), "A" if a % 2 else "B", "A", "G1" if a < 5 else "G2")
            for a in range(10)]  # fmt: skip
    frame = pd.DataFrame(rows, columns=["attempt_id", "item_id", "score", "option", "key", "group"])
    return dif_table(psy.prepare(frame), "G1", "G2")
