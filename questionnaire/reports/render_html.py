"""HTML rendering of a report through the `templates/reports/` templates."""

from __future__ import annotations

from dataclasses import dataclass

from flask import render_template

from questionnaire.reports.tables import (
    Column,
    Histogram,
    Kind,
    Report,
    Section,
    Table,
    Trend,
    format_value,
)

#: How the chart prints its cut (raw points, two decimals as « Score de coupure »).
CUT_COLUMN = Column("cut", "Seuil", Kind.DECIMAL, 2)
#: How the trend chart prints a value (three decimals, as the sessions table).
TREND_COLUMN = Column("value", "", Kind.DECIMAL, 3)
#: Tables of one row and many columns are shown as label / value pairs.
TRANSPOSE_FROM = 4
CHART_WIDTH, CHART_HEIGHT, CHART_MARGIN = 640, 220, 30


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    label: str
    count: int


@dataclass(frozen=True)
class Chart:
    """SVG geometry of the score histogram (the cut is a vertical line)."""

    width: int
    height: int
    bars: tuple[Bar, ...]
    cut_x: float
    baseline: float
    cut_label: str


def chart_geometry(histogram: Histogram) -> Chart:
    n = max(len(histogram.counts), 1)
    top = max(max(histogram.counts, default=0), 1)
    plot_height = CHART_HEIGHT - 2 * CHART_MARGIN
    step = (CHART_WIDTH - 2 * CHART_MARGIN) / n
    baseline = CHART_HEIGHT - CHART_MARGIN
    bars = []
    for i, (score, count) in enumerate(zip(histogram.scores, histogram.counts, strict=True)):
        height = plot_height * count / top
        bars.append(
            Bar(
                round(CHART_MARGIN + i * step + step * 0.1, 2),
                round(baseline - height, 2),
                round(step * 0.8, 2),
                round(height, 2),
                f"{score:g}",
                count,
            )
        )
    first_pass = next(
        (i for i, s in enumerate(histogram.scores) if s >= histogram.cut_score - 1e-9), n
    )
    return Chart(
        CHART_WIDTH,
        CHART_HEIGHT,
        tuple(bars),
        round(CHART_MARGIN + first_pass * step, 2),
        baseline,
        format_value(histogram.cut_score, CUT_COLUMN),  # rounded as the tables and the PDF
    )


SERIES_COLOURS = ("#1f5c99", "#b00020")


@dataclass(frozen=True)
class Line:
    name: str
    colour: str
    points: tuple[tuple[float, float, str], ...]  # x, y, value shown

    @property
    def polyline(self) -> str:
        return " ".join(f"{x},{y}" for x, y, _ in self.points)


@dataclass(frozen=True)
class TrendChart:
    width: int
    height: int
    baseline: float
    top: float
    bottom: str
    labels: tuple[tuple[float, str], ...]
    lines: tuple[Line, ...]


def trend_geometry(trend: Trend) -> TrendChart:
    """SVG geometry of a trend: one polyline per series on a 0–1 scale (missing values skipped)."""
    n = max(len(trend.categories), 1)
    step = (CHART_WIDTH - 2 * CHART_MARGIN) / n
    baseline, top = CHART_HEIGHT - CHART_MARGIN, CHART_MARGIN
    floor = trend.floor
    lines = []
    for index, (name, values) in enumerate(trend.series):
        points = tuple(
            (
                round(CHART_MARGIN + (i + 0.5) * step, 2),
                round(baseline - (baseline - top) * (value - floor) / (1 - floor), 2),
                format_value(value, TREND_COLUMN),
            )
            for i, value in enumerate(values)
            if value is not None
        )
        lines.append(Line(name, SERIES_COLOURS[index % len(SERIES_COLOURS)], points))
    labels = tuple(
        (round(CHART_MARGIN + (i + 0.5) * step, 2), category[:10])
        for i, category in enumerate(trend.categories)
    )
    bottom = f"{floor:g}".replace(".", ",")
    return TrendChart(CHART_WIDTH, CHART_HEIGHT, baseline, top, bottom, labels, tuple(lines))


def transposed(table: Table) -> bool:
    return len(table.rows) == 1 and len(table.columns) >= TRANSPOSE_FROM


@dataclass(frozen=True)
class TableView:
    """A table as the page shows it, every cell already formatted (`format_value`).

    A session page has about 28,000 cells: formatted here, one column at a time, the template
    only writes them out (formatting through a template call per cell took half the page's
    time).
    """

    name: str
    title: str
    columns: tuple[Column, ...]
    rows: tuple[tuple[str, ...], ...]
    transposed: bool


def table_view(table: Table) -> TableView:
    """The table's cells as the HTML page prints them."""
    shown = [
        [format_value(row[index], column) for row in table.rows]
        for index, column in enumerate(table.columns)
    ]
    rows = tuple(zip(*shown, strict=True))
    return TableView(table.name, table.title, table.columns, rows, transposed(table))


def section_views(report: Report) -> list[tuple[Section, tuple[TableView, ...]]]:
    """Each section of the report with its tables ready to print."""
    return [(section, tuple(map(table_view, section.tables))) for section in report.sections]


def render_report_html(report: Report, template: str, **context: object) -> str:
    """The report page (sections, tables, chart) with the page's own links and forms."""
    return render_template(
        template,
        report=report,
        sections=section_views(report),
        chart_geometry=chart_geometry,
        trend_geometry=trend_geometry,
        **context,
    )
