"""The HTML report pages print every table cell as `format_value` shows it, in the same
semantic table markup (caption, column and row headers), whatever prepares the cells."""

from __future__ import annotations

import math
from datetime import UTC, datetime
from decimal import ROUND_HALF_UP, Decimal
from html.parser import HTMLParser

import pytest

from questionnaire.auth.models import Role
from questionnaire.reports import views
from questionnaire.reports.render_html import TRANSPOSE_FROM, render_report_html
from questionnaire.reports.tables import Column, Kind, Report, Section, Table, format_value
from tests.conftest import login
from tests.reports.test_period_report import PATTERNS_LATER


class _Tables(HTMLParser):
    """Each ``<table>`` of a page: id, caption and rows of (tag, attributes, text) cells."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tables: list[dict] = []
        self._cell: list | None = None
        self._in_caption = False

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self.tables.append({"id": dict(attrs).get("id"), "caption": "", "rows": []})
        elif tag == "caption":
            self._in_caption = True
        elif tag == "tr":
            self.tables[-1]["rows"].append([])
        elif tag in ("th", "td"):
            self._cell = [tag, dict(attrs), ""]

    def handle_endtag(self, tag):
        if tag == "caption":
            self._in_caption = False
        elif tag in ("th", "td") and self._cell is not None:
            tag, attributes, text = self._cell
            self.tables[-1]["rows"][-1].append((tag, attributes, text))
            self._cell = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell[2] += data
        elif self._in_caption:
            self.tables[-1]["caption"] += data


def printed_tables(html: str) -> list[dict]:
    parser = _Tables()
    parser.feed(html)
    return [table for table in parser.tables if (table["id"] or "").startswith("table-")]


def expected_table(table: Table) -> dict:
    """The markup a report table must have, each cell as `format_value` prints it."""
    if len(table.rows) == 1 and len(table.columns) >= TRANSPOSE_FROM:
        rows = [
            [
                ("th", {"scope": "row"}, column.label),
                ("td", {"data-key": column.key}, format_value(value, column)),
            ]
            for value, column in zip(table.rows[0], table.columns, strict=True)
        ]
    else:
        rows = [[("th", {"scope": "col"}, column.label) for column in table.columns]]
        rows += [
            [("th", {"scope": "row"}, format_value(row[0], table.columns[0]))]
            + [
                ("td", {}, format_value(value, column))
                for value, column in zip(row[1:], table.columns[1:], strict=True)
            ]
            for row in table.rows
        ]
        if not table.rows:
            rows.append([("td", {"colspan": str(len(table.columns))}, "Aucune ligne.")])
    return {"id": f"table-{table.name}", "caption": table.title, "rows": rows}


def assert_prints(html: str, tables: list[Table]) -> None:
    assert printed_tables(html) == [expected_table(table) for table in tables]


@pytest.fixture
def rendered(monkeypatch):
    """The reports the views render, kept to compare the page with."""
    reports = []
    render = views.render_report_html

    def keep(report, template, **context):
        reports.append(report)
        return render(report, template, **context)

    monkeypatch.setattr(views, "render_report_html", keep)
    return reports


def test_session_page_prints_every_cell_of_every_table(sit_session, client, make_user, rendered):
    session, _, _ = sit_session()
    login(client, make_user(Role.ADMIN).email)
    html = client.get(f"/rapports/sessions/{session.id}").get_data(as_text=True)
    (report,) = rendered
    assert len(report.tables) > 10 and sum(len(t.rows) for t in report.tables) > 30
    assert_prints(html, report.tables)


def test_period_page_prints_every_cell_of_every_table(
    sit_session, clock, client, make_user, rendered
):
    early, _, _ = sit_session()
    clock.advance(days=20)
    sit_session(PATTERNS_LATER)
    login(client, make_user(Role.JURY).email)
    query = {"theme": early.questionnaire.theme.slug, "start": "2026-03-01", "end": "2026-03-31"}
    html = client.get("/rapports/periode", query_string=query).get_data(as_text=True)
    (report,) = rendered
    assert {"sessions", "derive", "exposition"} <= {t.name for t in report.tables}
    assert_prints(html, report.tables)


AWKWARD = Table(
    "awkward",
    "Cellules <difficiles> & caractères",
    (
        Column("name", "Nom <b>"),
        Column("count", "Effectif", Kind.INT),
        Column("ratio", "Rapport", Kind.DECIMAL, 2),
        Column("rate", "Taux", Kind.PERCENT),
        Column("day", "Jour", Kind.DATE),
        Column("moment", "Moment", Kind.DATETIME),
        Column("flag", "Drapeau"),
    ),
    (
        ("Tom & « Jerry » <script>", 3, 0.125, 0.5625, datetime(2026, 3, 2, 8, tzinfo=UTC), None, True),
        ("", 0, -0.0004, float("nan"), None, datetime(2026, 12, 31, 23, 30, tzinfo=UTC), False),
        ("n", None, None, math.inf, None, None, "texte"),
    ),
)  # fmt: skip


def test_awkward_cells_are_escaped_and_formatted_like_every_other_format(app):
    """Text with markup characters, undefined numbers, dates, booleans, an empty table, a
    one-row table shown as label / value pairs and a table of one column."""
    facts = Table("facts", "Faits", AWKWARD.columns, AWKWARD.rows[:1])
    empty = Table("empty", "Vide", AWKWARD.columns[:3], ())
    single = Table("single", "Une colonne", AWKWARD.columns[:1], (("a < b",), ("c",)))
    tables = (AWKWARD, facts, empty, single)
    report = Report(
        "session",
        "Rapport",
        "Périmètre",
        datetime(2026, 3, 2, tzinfo=UTC),
        "0" * 64,
        (Section("a", "A", tables=tables[:2]), Section("b", "B", tables=tables[2:])),
    )
    with app.test_request_context("/"):
        html = render_report_html(report, "reports/_report.html")
    assert "&lt;script&gt;" in html and "<script>" not in html
    assert_prints(html, list(tables))


def _printed_decimal(value: float, digits: int, percent: bool) -> str:
    """The rule, written out: the printed value (repr) rounded half up with Decimal, no
    negative zero, decimal comma."""
    printed = repr(100 * value if percent else value)
    number = Decimal(printed).quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)
    text = f"{number:f}"
    if text.startswith("-") and not text.strip("-0."):
        text = text[1:]
    return text.replace(".", ",") + ("\u00a0%" if percent else "")


def _awkward_floats() -> list[float]:
    """Ties of every number of digits and their neighbours, signs, zeros, values printed with
    an exponent, large values, and a spread of ordinary ones."""
    values = [0.0, -0.0, 5e-05, -5e-05, 1.5e-7, 1e15, 9999999999999998.0, 1e16, 1e22, 123.0]
    for digits in range(1, 6):
        for k in range(-300, 300):
            tie = (k + 0.5) / 10**digits
            values += [tie, math.nextafter(tie, math.inf), math.nextafter(tie, -math.inf)]
    step = 0.000917
    values += [i * step for i in range(-1100, 1100)]
    values += [1 / n for n in range(1, 400)] + [k / 500 for k in range(501)]
    return values


@pytest.mark.parametrize("digits", [1, 2, 3, 4])
def test_decimals_and_percentages_are_rounded_as_the_written_rule(digits):
    decimal = Column("x", "x", Kind.DECIMAL, digits)
    percent = Column("x", "x", Kind.PERCENT)
    for value in _awkward_floats():
        assert format_value(value, decimal) == _printed_decimal(value, digits, False), value
        assert format_value(value, percent) == _printed_decimal(value, 1, True), value


def test_the_chart_cut_reads_as_the_table_and_the_pdf():
    """A cut of 3,125 points (62,5 % of 5): the page's chart said « seuil 3,12 » (Python's
    half to even), the « Score de coupure » table and the PDF chart « 3,13 »."""
    from questionnaire.reports.render_html import chart_geometry
    from questionnaire.reports.tables import Histogram

    chart = chart_geometry(Histogram((0, 1, 2, 3, 4, 5), (1, 1, 2, 2, 2, 2), 3.125, "x"))
    assert chart.cut_label == "3,13"
    assert chart.cut_label == format_value(3.125, Column("cut", "", Kind.DECIMAL, 2))


def test_the_trend_values_read_as_the_sessions_table():
    """An alpha of 0.8125 read « 0,812 » on the trend chart, « 0,813 » in the sessions table."""
    from questionnaire.reports.render_html import trend_geometry
    from questionnaire.reports.tables import Trend

    chart = trend_geometry(Trend(("S1", "S2"), (("Fidélité (alpha)", (0.8125, 0.5)),), "x"))
    shown = [value for _x, _y, value in chart.lines[0].points]
    assert shown == ["0,813", "0,500"]
    assert shown[0] == format_value(0.8125, Column("alpha", "", Kind.DECIMAL, 3))
