"""The period dossier: per-session trends, comparability, drift, exposure and revisions."""

from __future__ import annotations

import io
import re
from datetime import date
from fractions import Fraction

import openpyxl
import pytest
from pypdf import PdfReader
from scipy.stats import chi2_contingency
from sqlalchemy import select

from analytics import item_stats, test_stats
from questionnaire.attempts.grading import rekey_item
from questionnaire.auth.models import Role
from questionnaire.banks.models import Item, ItemVersion
from questionnaire.banks.services import load_banks
from questionnaire.reports.loader import load_session
from questionnaire.reports.period_report import build_period_report
from questionnaire.reports.render_html import trend_geometry
from questionnaire.reports.tables import Trend, format_value
from tests.conftest import login
from tests.reports.conftest import PATTERNS

#: The second session finds item 1 hard: each answer to it is flipped (facility 0.7 → 0.3).
PATTERNS_LATER = [[None if p[0] is None else not p[0], *p[1:]] for p in PATTERNS]
MARCH = {"theme": "fiscalite", "start": "2026-03-01", "end": "2026-03-31"}


@pytest.fixture
def two_sessions(sit_session, clock):
    early, _, _ = sit_session()
    clock.advance(days=20)  # 22 March: second half of the month
    later, _, _ = sit_session(PATTERNS_LATER)
    return early, later


def test_sessions_trend_equals_the_library_per_session(two_sessions, clock):
    early, later = two_sessions
    theme = early.questionnaire.theme
    report = build_period_report(theme, date(2026, 3, 1), date(2026, 3, 31), clock())
    table = report.table("sessions")
    rows = table.rows
    assert [r[1] for r in rows] == [early.opens_at, later.opens_at]  # a date, shown in Paris
    assert [format_value(r[1], table.columns[1]) for r in rows] == ["02/03/2026", "22/03/2026"]
    for row, session in zip(rows, (early, later), strict=True):
        stats = test_stats(load_session(session).table, cut=Fraction(3, 5))
        assert row[2:5] == (10, stats.n_attempts, stats.pass_rate)
        assert row[8] == stats.alpha
    # pass / fail by hand: 4 / 6, then only the first pattern keeps 3 right of 4: 1 / 9
    assert [r[4] for r in rows] == [0.4, 0.1]
    trend = report.section("sessions").trend
    assert [c[:10] for c in trend.categories] == ["02/03/2026", "22/03/2026"]
    assert trend.series[0] == ("Taux de réussite", (0.4, 0.1))
    assert trend.series[1][1] == tuple(r[8] for r in rows)
    chi = report.table("comparabilite").rows[0]
    assert chi[2] == pytest.approx(chi2_contingency([[4, 6], [1, 9]]).pvalue)


def test_drift_and_exposure(two_sessions, clock):
    early, later = two_sessions
    report = build_period_report(
        early.questionnaire.theme, date(2026, 3, 1), date(2026, 3, 31), clock()
    )
    before = item_stats(load_session(early).table).set_index("item_id")["facility"]
    after = item_stats(load_session(later).table).set_index("item_id")["facility"]
    drift = {row[0]: row for row in report.table("derive").rows}
    assert drift["TST-0001 v1"][2:6] == (
        before["TST-0001 v1"],
        10,
        after["TST-0001 v1"],
        pytest.approx(-0.4),
    )
    # 10 copies in each half: too few for a drift class, whatever the raw change
    assert drift["TST-0001 v1"][10:] == ("non évaluable", "")
    assert drift["TST-0002 v1"][5] == pytest.approx(0.0) and drift["TST-0002 v1"][11] == ""
    assert report.table("exposition").rows == tuple(
        (f"TST-000{i} v1", 20, 1.0) for i in (1, 2, 3, 4)
    )


def test_revised_items_are_listed(two_sessions, clock, db, write_bank, bank_yaml_text):
    early, _ = two_sessions
    revised = bank_yaml_text.replace("Justification de la question 1.", "Justification revue.")
    load_banks(write_bank({"fiscalite.yaml": revised}), clock())
    db.session.commit()
    report = build_period_report(
        early.questionnaire.theme, date(2026, 3, 1), date(2026, 3, 31), clock()
    )
    (row,) = report.table("revisions").rows
    assert row[:3] == ("TST-0001 v1", "remplacée", 2)


def test_period_without_sessions(sit_session, clock):
    early, _, _ = sit_session()
    report = build_period_report(
        early.questionnaire.theme, date(2025, 1, 1), date(2025, 12, 31), clock()
    )
    assert report.table("sessions").rows == ()
    assert [s.key for s in report.sections] == ["synthese", "sessions", "revisions"]


def test_period_page_and_exports(client, make_user, two_sessions):
    login(client, make_user(Role.JURY, email="jury@example.org").email)
    assert "<form" in client.get("/rapports/periode").get_data(as_text=True)
    html = client.get("/rapports/periode", query_string=MARCH).get_data(as_text=True)
    assert "<polyline" in html and "Tendance du taux de réussite" in html
    assert "Dérive des items" in html and "40,0\u00a0%" in html and "10,0\u00a0%" in html
    response = client.get("/rapports/periode/export/xlsx", query_string=MARCH)
    workbook = openpyxl.load_workbook(io.BytesIO(response.data))
    assert workbook.sheetnames == [
        "Rapport", "Synthèse de la période", "Sessions de la période", "Comparabilité des sessions",
        "Comparabilité des formes", "Dérive des items", "Exposition des items",
        "Items retirés ou révisés",
    ]  # fmt: skip
    assert [
        r[4] for r in workbook["Sessions de la période"].iter_rows(min_row=2, values_only=True)
    ] == [0.4, 0.1]
    pdf = PdfReader(io.BytesIO(client.get("/rapports/periode/export/pdf", query_string=MARCH).data))
    text = "\n".join(page.extract_text() for page in pdf.pages)
    assert "Rapport de période" in text and "TST-0001 v1" in text and "dérive" in text
    bad = client.get("/rapports/periode", query_string={**MARCH, "end": "2026-02-01"})
    assert "précède son début" in bad.get_data(as_text=True)
    assert (
        client.get("/rapports/periode/export/pdf", query_string={"theme": "x"}).status_code == 404
    )


def test_period_is_for_the_jury_and_administrators(client, make_user):
    login(client, make_user(Role.AUTHOR, email="auteur@example.org").email)
    assert client.get("/rapports/periode", query_string=MARCH).status_code == 403
    assert client.get("/rapports/periode/export/csv", query_string=MARCH).status_code == 403


def test_cli_period(app, two_sessions, tmp_path):
    output = tmp_path / "periode.xlsx"
    args = ["reports", "period", "--theme", "fiscalite", "--from", "2026-03-01", "--to",
            "2026-03-31", "--format", "xlsx", "-o", str(output)]  # fmt: skip
    result = app.test_cli_runner().invoke(args=args)
    assert result.exit_code == 0, result.output
    assert "Sessions de la période" in openpyxl.load_workbook(output).sheetnames
    args[3] = "inconnu"
    result = app.test_cli_runner().invoke(args=args)
    assert result.exit_code == 1 and "Thème inconnu" in result.output


def test_trend_scale_goes_below_zero_for_a_negative_alpha():
    trend = Trend(("a", "b"), (("Alpha", (0.5, -0.583)),), "T")
    assert trend.floor == -0.6
    chart = trend_geometry(trend)
    ys = [y for _, y, _ in chart.lines[0].points]
    assert all(chart.top <= y <= chart.baseline for y in ys)
    assert chart.bottom == "-0,6"


def test_sessions_without_attempts_stay_out_of_the_trend(two_sessions, make_session, clock):
    from questionnaire.reports.services import export_bytes

    early, _ = two_sessions
    make_session(theme=early.questionnaire.theme)  # 22 March, nobody has sat it
    report = build_period_report(
        early.questionnaire.theme, date(2026, 3, 1), date(2026, 3, 31), clock()
    )
    assert [row[3] for row in report.table("sessions").rows] == [10, 10, 0]
    assert len(report.section("sessions").trend.categories) == 2
    assert PdfReader(io.BytesIO(export_bytes(report, "pdf"))).pages  # no single-point line


def test_random_forms_use_the_pairwise_alpha():
    import math

    import pandas as pd

    from analytics import test_stats as library_stats
    from questionnaire.reports.psychometrics import reliability_tables, summarise

    # six attempts, each on three of four items (every pair of items seen together)
    rows = []
    for a, (skip, right) in enumerate([(0, 3), (1, 2), (2, 1), (3, 0), (0, 1), (1, 3)]):
        shown = [i for i in range(4) if i != skip]
        rows += [(f"a{a}", f"i{i}", float(n < right)) for n, i in enumerate(shown)]
    table = pd.DataFrame(rows, columns=["attempt_id", "item_id", "score"])
    stats = library_stats(table, cut=Fraction(3, 5))
    summary = summarise(table, Fraction(3, 5))
    assert stats.design == "incomplete" and stats.alpha_pairwise is not None
    assert summary.reliability == stats.alpha_pairwise
    row = dict(zip([c.key for c in reliability_tables(stats)[0].columns],
                   reliability_tables(stats)[0].rows[0], strict=True))  # fmt: skip
    assert row["alpha"] == stats.alpha_pairwise
    assert row["sem"] == pytest.approx(
        stats.sd * math.sqrt(1 - min(max(stats.alpha_pairwise, 0), 1))
    )


@pytest.mark.parametrize(
    ("start", "end"), [("0001-01-01", "9999-12-31"), ("2026-03-01", "9999-12-31")]
)
def test_dates_out_of_range_are_refused_in_french(client, make_user, app, loaded_bank, start, end):
    loaded_bank()
    login(client, make_user(Role.JURY, email="jury@example.org").email)
    query = {**MARCH, "start": start, "end": end}
    page = client.get("/rapports/periode", query_string=query)
    assert page.status_code == 200
    assert "Indiquez une date entre le 01/01/2000 et le 31/12/2099." in page.get_data(as_text=True)
    assert re.search(
        r'<div class="error-summary" role="alert" tabindex="-1"', page.get_data(as_text=True)
    )
    assert client.get("/rapports/periode/export/csv", query_string=query).status_code == 404
    args = ["reports", "period", "--theme", "fiscalite", "--from", start, "--to", end,
            "--format", "csv", "-o", "inutile.zip"]  # fmt: skip
    result = app.test_cli_runner().invoke(args=args)
    assert result.exit_code == 1 and "entre le 01/01/2000" in result.output


def test_small_sessions_are_flagged_in_every_format(two_sessions, clock):
    import zipfile

    from questionnaire.reports.services import export_bytes

    early, _ = two_sessions
    report = build_period_report(
        early.questionnaire.theme, date(2026, 3, 1), date(2026, 3, 31), clock()
    )
    sessions, drift = report.warnings  # two sessions of 10 copies; drift halves of 10
    assert "sessions de moins de 30 copies" in sessions and sessions.count("(10)") == 2
    assert "tableau de dérive" in drift
    archive = zipfile.ZipFile(io.BytesIO(export_bytes(report, "csv")))
    assert "Avertissement" in archive.read("rapport.csv").decode("utf-8")
    cover = openpyxl.load_workbook(io.BytesIO(export_bytes(report, "xlsx")))["Rapport"]
    assert sessions in [row[1] for row in cover.iter_rows(values_only=True)]
    text = "".join(
        p.extract_text() for p in PdfReader(io.BytesIO(export_bytes(report, "pdf"))).pages
    )
    assert "moins de 30" in " ".join(text.split())


def test_the_period_report_reads_the_scoring_decisions_of_all_its_sessions_at_once(
    app, db, client, make_user, two_sessions, sit_session, clock
):
    from sqlalchemy import event

    login(client, make_user(Role.JURY, email="jury@example.org").email)
    statements: list[str] = []

    def count(*args) -> None:
        statements.append(args[2])

    def statements_of_the_page() -> int:
        statements.clear()
        event.listen(db.engine, "before_cursor_execute", count)
        try:
            with app.app_context():  # a fresh session, as for a request in production
                html = client.get("/rapports/periode", query_string=MARCH).get_data(as_text=True)
        finally:
            event.remove(db.engine, "before_cursor_execute", count)
        assert "Sessions de la période" in html
        return len(statements)

    with_two = statements_of_the_page()
    for _ in range(8):
        clock.advance(hours=6)  # still in March
        sit_session(PATTERNS_LATER)
    with_ten = statements_of_the_page()
    assert with_ten == with_two


def test_a_key_corrected_for_one_session_is_its_own_item_in_the_period(
    client, make_user, two_sessions, db, clock
):
    """The jury corrects item 1's key (B) to A for the second session only: the period pools
    the first session's answers under the version, the second's under an item of its own,
    each scored as its session was (before: the period page failed, two keys for one item)."""
    early, later = two_sessions
    jury = make_user(Role.JURY, email="jury@example.org")
    version = db.session.execute(
        select(ItemVersion).join(Item).where(Item.external_id == "TST-0001")
    ).scalar_one()
    rekey_item(version, ["A"], jury, "Clé erronée", clock(), later)
    db.session.commit()
    report = build_period_report(
        early.questionnaire.theme, date(2026, 3, 1), date(2026, 3, 31), clock()
    )
    before = item_stats(load_session(early).table).set_index("item_id")["facility"]
    after = item_stats(load_session(later).table).set_index("item_id")["facility"]
    exposure = {row[0]: row[1] for row in report.table("exposition").rows}
    assert exposure == {
        "TST-0001 v1": 10, "TST-0001 v1 (clé A)": 10,
        "TST-0002 v1": 20, "TST-0003 v1": 20, "TST-0004 v1": 20,
    }  # fmt: skip
    drift = {row[0]: row for row in report.table("derive").rows}
    assert drift["TST-0002 v1"][2] == before["TST-0002 v1"]
    assert drift["TST-0002 v1"][4] == after["TST-0002 v1"]
    # each of item 1's scorings was seen in one half of the period only: no drift to measure
    assert "TST-0001 v1" not in drift and "TST-0001 v1 (clé A)" not in drift
    login(client, jury.email)
    page = client.get("/rapports/periode", query_string=MARCH)
    assert page.status_code == 200 and "TST-0001 v1 (clé A)" in page.get_data(as_text=True)
    # a single session keeps the version's label, whatever its key
    assert "TST-0001 v1" in set(load_session(later).table["item_id"])


def test_an_open_session_reads_provisional_figures_in_agreement(two_sessions, clock):
    # the column « Chiffres » read « provisoire (ouverte) »: « Chiffres provisoire » in the page
    early, _ = two_sessions
    theme = early.questionnaire.theme
    # the first session (2 March) is closed by now (22 March), the second still open
    report = build_period_report(theme, date(2026, 3, 1), date(2026, 3, 31), clock())
    table = report.table("sessions")
    assert table.columns[-1].label == "Chiffres"
    assert [row[-1] for row in table.rows] == ["", "provisoires (session ouverte)"]


def test_a_session_whose_every_item_is_neutralised_counts_its_graded_copies(
    two_sessions, clock, make_user, db
):
    """The later session's four items all neutralised: its row read « Copies notées 0 » and it
    was left out as « sans copie », under a scope counting its 10 graded copies."""
    from questionnaire.reports.services import export_bytes, neutralise_in_session

    early, later = two_sessions
    jury = make_user(Role.JURY, email="jury@example.org")
    for info in load_session(later).items.values():
        neutralise_in_session(later, info.version_id, jury, "Hors programme", clock())
    db.session.commit()
    report = build_period_report(
        early.questionnaire.theme, date(2026, 3, 1), date(2026, 3, 31), clock()
    )
    assert "copies remises ou échues et notées : 20" in report.scope
    sessions = report.table("sessions")
    graded = dict(zip([r[1] for r in sessions.rows], sessions.column("attempts"), strict=True))
    assert graded == {early.opens_at: 10, later.opens_at: 10}
    state = sessions.column("state")[1]
    assert state == "aucun score : tous les items neutralisés", state
    assert report.section("sessions").trend is None  # one session with figures: no trend
    small = next(w for w in report.warnings if w.startswith("Attention : session"))
    assert small.count("Session test (10)") == 1  # the session with figures only
    for fmt in ("pdf", "xlsx", "csv"):
        assert export_bytes(report, fmt)
