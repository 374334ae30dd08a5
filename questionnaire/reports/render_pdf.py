"""PDF export with reportlab: tables as text, the score distribution as a vector chart."""

from __future__ import annotations

import io
import math
from xml.sax.saxutils import escape

from reportlab.graphics.charts.barcharts import VerticalBarChart
from reportlab.graphics.charts.linecharts import HorizontalLineChart
from reportlab.graphics.shapes import Drawing, Line, String
from reportlab.graphics.widgets.markers import makeMarker
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import (
    CondPageBreak,
    Flowable,
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    TableStyle,
)
from reportlab.platypus import (
    Table as PdfTable,
)

from questionnaire.reports.pdf_fonts import BOLD, REGULAR, pdf_stylesheet
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
from questionnaire.web import paris_time

PAGE = landscape(A4)
#: Tables of one row and many columns read better turned into label / value pairs.
TRANSPOSE_FROM = 4
#: Room a heading needs below it (else a new page), and tables short enough to keep whole.
KEEP_ROOM, SHORT_TABLE = 45 * mm, 25
#: Longer cell texts wrap (a Paragraph); shorter ones are plain strings, much faster to lay out.
WRAP_FROM = 24
#: Table cells: font size, header font, left + right padding (reportlab's default 6 pt each).
CELL_FONT_SIZE, HEADER_FONT, CELL_PADDING = 7, BOLD, 12.5


def _styles() -> dict:
    sheet = pdf_stylesheet()
    cell = sheet["BodyText"].clone("cell", fontSize=CELL_FONT_SIZE, leading=8.5)
    return {
        "title": sheet["Title"],
        "h2": sheet["Heading2"],
        "caption": sheet["Heading4"].clone("caption", spaceBefore=0, spaceAfter=0),
        "body": sheet["BodyText"],
        "cell": cell,
        "head": cell.clone("head", fontName=HEADER_FONT),
        "key": sheet["BodyText"].clone("key", fontSize=8, leading=10, spaceAfter=6),
    }


class TableCaption(Flowable):
    """A table's title, in the table's first row; « <titre> (suite) » on a continued part.

    It always takes the height of the longer wording, so that every part of a split table
    keeps the row height reportlab measured before splitting it.
    """

    def __init__(self, title: str, style, continued: bool = False) -> None:
        super().__init__()
        self.title, self.style, self.continued = title, style, continued
        self._wordings = (
            Paragraph(escape(title), style),
            Paragraph(escape(f"{title} (suite)"), style),
        )

    def continuation(self) -> TableCaption:
        return TableCaption(self.title, self.style, continued=True)

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        sizes = [wording.wrap(availWidth, availHeight) for wording in self._wordings]
        self.width = max(width for width, _ in sizes)
        self.height = max(height for _, height in sizes)
        return self.width, self.height

    def draw(self) -> None:
        shown = self._wordings[self.continued]
        shown.drawOn(self.canv, 0, self.height - shown.height)


class CaptionedTable(PdfTable):
    """A table whose caption and header rows repeat on every page it continues on.

    Its first row is the caption (spanning every column): reportlab repeats it with the
    header (``repeatRows``), and the part after each split reads « <titre> (suite) ».
    """

    def split(self, availWidth: float, availHeight: float) -> list:
        parts = super().split(availWidth, availHeight)
        if len(parts) == 2:
            rest = parts[1]
            first_row = rest._cellvalues[0]  # shared with the first part: replaced, not edited
            rest._cellvalues[0] = [_caption_of(first_row[0]).continuation(), *first_row[1:]]
        return parts


def _caption_of(cell) -> TableCaption:
    """The caption flowable of a caption cell (reportlab may have wrapped it in a tuple)."""
    return cell if isinstance(cell, TableCaption) else cell[0]


def _pdf_table(table: Table, styles: dict) -> PdfTable:
    text = [
        [format_value(v, c) for v, c in zip(row, table.columns, strict=True)] for row in table.rows
    ]
    if len(table.rows) == 1 and len(table.columns) >= TRANSPOSE_FROM:
        data = [
            [Paragraph(escape(c.label), styles["head"]), Paragraph(escape(v), styles["cell"])]
            for c, v in zip(table.columns, text[0], strict=True)
        ]
        widths = [80 * mm, 60 * mm]
        header_rows = 0
    else:
        data = [[Paragraph(escape(c.label), styles["head"]) for c in table.columns]]
        data += [[_cell(v, styles) for v in row] for row in text]
        if not table.rows:
            data.append(
                [Paragraph("Aucune ligne.", styles["cell"])] + [""] * (len(table.columns) - 1)
            )
        widths = _widths(table.columns, text)
        header_rows = 1
    caption = [TableCaption(table.title, styles["caption"])] + [""] * (len(widths) - 1)
    pdf = CaptionedTable(
        [caption, *data], colWidths=widths, repeatRows=1 + header_rows, hAlign="LEFT"
    )
    style = [
        ("FONT", (0, 0), (-1, -1), REGULAR, 7, 8.5),
        ("SPAN", (0, 0), (-1, 0)),
        ("LEFTPADDING", (0, 0), (-1, 0), 0),
        ("TOPPADDING", (0, 0), (-1, 0), 6),
        ("BOTTOMPADDING", (0, 0), (-1, 0), 4),
        ("GRID", (0, 1), (-1, -1), 0.25, colors.grey),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ]
    if header_rows:
        style.append(("BACKGROUND", (0, 1), (-1, 1), colors.HexColor("#dbe8f5")))
    pdf.setStyle(TableStyle(style))
    return pdf


def _widths(columns: tuple[Column, ...], text: list[list[str]]) -> list[float]:
    """Column widths shared by the page width in proportion to their (capped) content length.

    Each column first gets the width of the longest word of its header, so that a header
    wraps between words, never inside one (« Copie / s », « Facilit / é »).
    """
    weights = [
        min(max([len(c.label) / 2, 6] + [len(row[i]) for row in text[:500]]), 40)
        for i, c in enumerate(columns)
    ]
    usable = PAGE[0] - 30 * mm
    floors = [header_word_width(c.label) for c in columns]
    spare = usable - sum(floors)
    if spare <= 0:
        return [usable * w / sum(weights) for w in weights]
    return [floor + spare * w / sum(weights) for floor, w in zip(floors, weights, strict=True)]


def header_word_width(label: str) -> float:
    """Width of a column whose header's longest word fits on one line (cell padding included)."""
    words = label.split() or [""]
    return max(stringWidth(word, HEADER_FONT, CELL_FONT_SIZE) for word in words) + CELL_PADDING


def _cell(text: str, styles: dict) -> Paragraph | str:
    return Paragraph(escape(text), styles["cell"]) if len(text) >= WRAP_FROM else text


def histogram_drawing(histogram: Histogram) -> Drawing:
    """Bar chart of the score distribution with a vertical line at the cut."""
    width, height = 240 * mm, 70 * mm
    drawing = Drawing(width, height)
    chart = VerticalBarChart()
    chart.x, chart.y = 15 * mm, 12 * mm
    chart.width, chart.height = width - 25 * mm, height - 26 * mm
    chart.data = [list(histogram.counts)]
    chart.categoryAxis.categoryNames = [format_value(s, _SCORE) for s in histogram.scores]
    chart.valueAxis.valueMin = 0
    top = max(max(histogram.counts, default=0), 1)
    chart.valueAxis.valueMax = top
    chart.valueAxis.valueStep = max(1, math.ceil(top / 5))  # whole numbers of attempts
    chart.bars[0].fillColor = colors.HexColor("#1f5c99")
    drawing.add(chart)
    first_pass = next(
        (i for i, s in enumerate(histogram.scores) if s >= histogram.cut_score - 1e-9),
        len(histogram.scores),
    )
    step = chart.width / max(len(histogram.scores), 1)
    x = chart.x + first_pass * step
    drawing.add(
        Line(x, chart.y, x, chart.y + chart.height, strokeColor=colors.red, strokeWidth=1.5)
    )
    # above the bars (the tallest one reaches the top of the plot), below the chart's title
    label = f"seuil : {format_value(histogram.cut_score, _CUT)}"
    label_y = chart.y + chart.height + 1.5 * mm
    drawing.add(String(x + 2, label_y, label, fontSize=8, fillColor=colors.red))
    drawing.add(String(chart.x, height - 5 * mm, histogram.label, fontSize=9))
    return drawing


SERIES_COLOURS = (colors.HexColor("#1f5c99"), colors.HexColor("#b00020"))


def trend_drawing(trend: Trend) -> Drawing:
    """Line chart of proportions (0 to 1) over the sessions, with a legend."""
    width, height = 240 * mm, 75 * mm
    drawing = Drawing(width, height)
    chart = HorizontalLineChart()
    chart.x, chart.y = 15 * mm, 12 * mm
    chart.width, chart.height = width - 25 * mm, height - 22 * mm
    chart.data = [list(values) for _, values in trend.series]
    # short marks under the axis; the key below the chart gives each session's full name
    chart.categoryAxis.categoryNames = [trend_mark(i) for i in range(len(trend.categories))]
    chart.categoryAxis.labels.boxAnchor = "n"
    chart.categoryAxis.labels.fontSize = 8
    chart.valueAxis.valueMin, chart.valueAxis.valueMax = trend.floor, 1
    chart.valueAxis.valueStep = 0.2
    chart.valueAxis.labelTextFormat = french_tick
    chart.joinedLines = 0  # joined per series below: reportlab cannot join a single point
    for index, colour in enumerate(SERIES_COLOURS[: len(trend.series)]):
        defined = sum(value is not None for value in trend.series[index][1])
        chart.lines[index].lineStyle = "joinedLine" if defined >= 2 else None
        chart.lines[index].strokeColor = colour
        chart.lines[index].strokeWidth = 1.5
        chart.lines[index].symbol = makeMarker("FilledCircle", fillColor=colour, size=4)
    drawing.add(chart)
    drawing.add(String(chart.x, height - 6 * mm, trend.label, fontSize=9))
    for index, (name, _) in enumerate(trend.series):
        colour = SERIES_COLOURS[index % len(SERIES_COLOURS)]
        drawing.add(String(chart.x + 60 * mm * index, height - 11 * mm, f"— {name}",
                           fontSize=8, fillColor=colour))  # fmt: skip
    return drawing


def trend_mark(index: int) -> str:
    """The mark of the ``index``-th category under the chart: S1, S2…"""
    return f"S{index + 1}"


def french_tick(value: float) -> str:
    """A value-axis label with the French decimal comma: 0,2 (never « 0.2 »)."""
    return f"{value:.1f}".replace(".", ",").replace("-0,0", "0,0")


def trend_key(trend: Trend, styles: dict) -> Paragraph:
    """Each mark of the chart with the category's full name (wrapped, never cut)."""
    entries = [
        f"<b>{trend_mark(i)}</b> : {escape(category)}"
        for i, category in enumerate(trend.categories)
    ]
    return Paragraph("Sessions du graphique — " + " ; ".join(entries) + ".", styles["key"])


def render_pdf(report: Report) -> bytes:
    """A4 landscape PDF: title, scope, generation time, fingerprint, then every section."""
    styles = _styles()
    output = io.BytesIO()
    document = SimpleDocTemplate(
        output,
        pagesize=PAGE,
        leftMargin=15 * mm,
        rightMargin=15 * mm,
        topMargin=12 * mm,
        bottomMargin=12 * mm,
        title=report.title,
        author="Questionnaires thématiques",
        lang="fr-FR",
        invariant=True,  # fixed creation date and document id: same report, same bytes
    )
    story = [
        Paragraph(escape(report.title), styles["title"]),
        Paragraph(f"<b>Périmètre des données :</b> {escape(report.scope)}", styles["body"]),
        Paragraph(f"<b>Généré le :</b> {paris_time(report.generated_at)}", styles["body"]),
        Paragraph(f"<b>Empreinte SHA-256 des données :</b> {report.fingerprint}", styles["body"]),
    ]
    story += [Paragraph(f"<b>{escape(w)}</b>", styles["body"]) for w in report.warnings]
    for section in report.sections:
        story += _section_story(section, styles)
    document.build(story, onLaterPages=_footer(report), onFirstPage=_footer(report))
    return output.getvalue()


def _section_story(section: Section, styles: dict) -> list:
    """A section whose heading (or a table's caption) never stands alone at the foot of a page.

    The heading is kept together with the section's first chart or short table; before a long
    table (which splits across pages) it asks for room for itself and the table's first rows.
    """
    lead = [Paragraph(escape(section.title), styles["h2"])]
    lead += [Paragraph(escape(p), styles["body"]) for p in section.paragraphs]
    parts: list[tuple[bool, list]] = []  # (splits across pages, flowables)
    if section.histogram is not None and section.histogram.scores:
        parts.append((False, [histogram_drawing(section.histogram)]))
    if section.trend is not None:
        parts.append((False, [trend_drawing(section.trend), trend_key(section.trend, styles)]))
    for table in section.tables:
        flowables = [_pdf_table(table, styles), Spacer(1, 4 * mm)]  # the caption is in the table
        parts.append((len(table.rows) > SHORT_TABLE, flowables))
    first_splits, first = parts[0] if parts else (False, [])
    if first_splits:
        story = [CondPageBreak(_height(lead) + KEEP_ROOM), *lead, *first]
    else:
        story = [CondPageBreak(KEEP_ROOM), KeepTogether([*lead, *first])]
    for splits, flowables in parts[1:]:
        story += [CondPageBreak(KEEP_ROOM), *flowables] if splits else [KeepTogether(flowables)]
    return story


def _height(flowables: list) -> float:
    """Height the flowables take on a page, spacing included."""
    width = PAGE[0] - 30 * mm
    return sum(
        f.wrap(width, PAGE[1])[1] + f.getSpaceBefore() + f.getSpaceAfter() for f in flowables
    )


FOOTER_FONT_SIZE = 7


def footer_text(title: str, fingerprint: str, page: int) -> str:
    """« <titre> — empreinte <16 chiffres>… — page N » within the page's margins: a long title
    (a session's may have 200 characters) is shortened with « … », never the page number."""
    tail = f" — empreinte {fingerprint[:16]}… — page {page}"
    room = PAGE[0] - 30 * mm - stringWidth(tail, REGULAR, FOOTER_FONT_SIZE)
    if stringWidth(title, REGULAR, FOOTER_FONT_SIZE) > room:
        while title and stringWidth(f"{title}…", REGULAR, FOOTER_FONT_SIZE) > room:
            title = title[:-1]
        title = f"{title.rstrip()}…"
    return title + tail


def _footer(report: Report):
    def draw(canvas, document) -> None:
        canvas.saveState()
        canvas.setFont(REGULAR, FOOTER_FONT_SIZE)
        canvas.drawString(
            15 * mm, 6 * mm, footer_text(report.title, report.fingerprint, document.page)
        )
        canvas.restoreState()

    return draw


_SCORE = Column("score", "Score", Kind.DECIMAL, 0)
_CUT = Column("cut", "Seuil", Kind.DECIMAL, 2)
