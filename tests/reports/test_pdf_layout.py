"""PDF layout: no lone heading at a page foot, no header broken in a word, a readable cut label."""

from __future__ import annotations

import io
import tomllib
from datetime import UTC, datetime
from pathlib import Path

import pytest
from pypdf import PdfReader
from reportlab.graphics.charts.barcharts import VerticalBarChart
from reportlab.graphics.shapes import String
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth

from questionnaire.reports.pdf_fonts import BOLD, BOLD_ITALIC, FONT_FOLDER, ITALIC, REGULAR
from questionnaire.reports.render_pdf import (
    HEADER_FONT,
    PAGE,
    SHORT_TABLE,
    _widths,
    histogram_drawing,
    render_pdf,
    trend_drawing,
)
from questionnaire.reports.tables import (
    Column,
    Histogram,
    Kind,
    Report,
    Section,
    Table,
    Trend,
)

HEADING = "Section suivante"


def _table(name: str, rows: int) -> Table:
    columns = (Column("item", "Item"), Column("value", "Valeur", Kind.DECIMAL))
    return Table(name, f"Tableau {name}", columns, tuple((f"L{n}", n / 7) for n in range(rows)))


def _last_lines(pdf: bytes) -> list[str]:
    """The last line of body text of each page (the footer left out)."""
    last = []
    for page in PdfReader(io.BytesIO(pdf)).pages:
        lines = [line.strip() for line in page.extract_text().splitlines() if line.strip()]
        body = [line for line in lines if " — page " not in line]
        last.append(body[-1] if body else "")
    return last


def _report(first_rows: int, next_rows: int, paragraphs: int) -> Report:
    return Report(
        kind="session",
        title="Rapport de mise en page",
        scope="Données fictives.",
        generated_at=datetime(2026, 3, 2, 9, 0, tzinfo=UTC),
        fingerprint="0" * 64,
        sections=(
            Section("first", "Première section", tables=(_table("premier", first_rows),)),
            Section(
                "next",
                HEADING,
                paragraphs=tuple(f"Paragraphe d'explication n° {n}." for n in range(paragraphs)),
                tables=(_table("suivant", next_rows),),
            ),
        ),
    )


@pytest.mark.parametrize(("next_rows", "paragraphs"), [(SHORT_TABLE - 5, 0), (SHORT_TABLE + 40, 4)])
def test_a_heading_never_ends_a_page(next_rows, paragraphs):
    # The demo's session report left « Score moyen par sujet » alone at the foot of page 3: the
    # heading had its 45 mm of room, but the short table after it did not, and moved on.
    # Whatever space the first section leaves, the next heading goes with its table.
    orphaned = []
    for first_rows in range(4, SHORT_TABLE + 1):
        pdf = render_pdf(_report(first_rows, next_rows, paragraphs))
        text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
        assert HEADING in text and f"L{next_rows - 1}" in text
        orphaned += [
            (first_rows, line)
            for line in _last_lines(pdf)
            if line.startswith((HEADING, "Paragraphe d'explication", "Tableau suivant"))
        ]
    assert orphaned == []


def test_a_header_wraps_between_words_never_inside_one():
    # the items table of the demo session showed « Copie / s » and « Facilit / é »
    labels = [
        "Item",
        "Sujet",
        "Copies",
        "Facilité",
        "Discrimination (r item-reste)",
        "r item-total",
        "Indice D (27 %)",
        "Alpha sans l'item",
        "Signalements",
    ]
    columns = tuple(Column(f"c{n}", label) for n, label in enumerate(labels))
    text = [["FISC-0001 v1", "Impôt sur le revenu", "31", "0,903", "0,245", "0,326", "0,190",
             "0,724", "distracteur A peu choisi, distracteur C peu choisi"]] * 80  # fmt: skip
    widths = _widths(columns, text)
    assert sum(widths) == pytest.approx(PAGE[0] - 30 * mm)
    for label, width in zip(labels, widths, strict=True):
        longest = max(stringWidth(word, HEADER_FONT, 7) for word in label.split())
        assert width >= longest + 12, label  # reportlab's cell padding: 6 pt on each side


def test_cut_label_sits_above_the_bars():
    # in the RGPD history the tallest bar was the one at the cut, and the red « seuil : 12,00 »
    # was written over it (red on blue, unreadable)
    counts = (0, 2, 9, 30, 41, 35, 20)
    histogram = Histogram(tuple(float(s) for s in range(7)), counts, 4.0, "Distribution")
    drawing = histogram_drawing(histogram)
    [chart] = [shape for shape in drawing.contents if isinstance(shape, VerticalBarChart)]
    strings = {s.text: s for s in drawing.contents if isinstance(s, String)}
    [label] = [s for text, s in strings.items() if text.startswith("seuil")]
    title = strings["Distribution"]
    assert label.y >= chart.y + chart.height  # the tallest bar reaches the top of the plot
    assert title.y - label.y >= label.fontSize  # and the label stays clear of the title


LONG_NAMES = (
    "02/03/2026 Session de démonstration du printemps, groupe du matin",
    "22/03/2026 Session de démonstration du printemps, groupe de l'après-midi",
)


def test_trend_chart_speaks_french_and_names_every_session_in_full():
    trend = Trend(LONG_NAMES, (("Taux de réussite", (0.4, 0.1)), ("Alpha", (0.7, 0.5))), "T")
    chart = next(node for node in trend_drawing(trend).contents if hasattr(node, "valueAxis"))
    ticks = [chart.valueAxis.labelTextFormat(v) for v in (0.0, 0.2, 0.4, 0.6, 0.8, 1.0)]
    assert ticks == ["0,0", "0,2", "0,4", "0,6", "0,8", "1,0"]
    assert chart.categoryAxis.categoryNames == ["S1", "S2"]
    report = Report(
        "period", "Rapport", "Périmètre", datetime(2026, 3, 2, 9, tzinfo=UTC), "0" * 64,
        (Section("sessions", "Sessions", trend=trend),),
    )  # fmt: skip
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(render_pdf(report))).pages)
    flat = " ".join(text.split())
    for name in LONG_NAMES:
        assert name in flat, flat  # in the key under the chart, wrapped, never cut
    assert "0,2" in flat and "0.2" not in flat and "0.4" not in flat


def _page_bodies(pdf: bytes) -> list[list[str]]:
    """The lines of each page, footer left out."""
    bodies = []
    for page in PdfReader(io.BytesIO(pdf)).pages:
        lines = [line.strip() for line in page.extract_text().splitlines() if line.strip()]
        bodies.append([line for line in lines if " — page " not in line])
    return bodies


def test_a_table_continued_on_a_following_page_repeats_its_header_under_a_suite_caption():
    # a long table went on over the page with neither its title nor its column headers
    short = Table("court", "Tableau court", _table("x", 0).columns, (("Une seule ligne", 0.5),))
    long = _table("long", 130)  # about four pages
    report = Report(
        "session", "Rapport", "Périmètre", datetime(2026, 3, 2, 9, tzinfo=UTC), "0" * 64,
        (Section("items", "Items", tables=(short, long)),),
    )  # fmt: skip
    first, *continued = _page_bodies(render_pdf(report))
    assert len(continued) >= 2
    assert "Tableau long" in first and "Tableau court" in first
    assert not any("(suite)" in line for line in first)
    for lines in continued:
        assert lines[:3] == ["Tableau long (suite)", "Item", "Valeur"], lines[:3]
        assert sum("(suite)" in line for line in lines) == 1  # never « (suite) (suite) »
    rows = [line for page in (first, *continued) for line in page if line.startswith("L")]
    assert [row.split()[0] for row in rows] == [f"L{n}" for n in range(130)]  # each row once


#: Names a French candidate may have, whose letters Helvetica (Windows-1252) cannot draw.
#: (Right-to-left scripts are drawn letter by letter, left to right: not covered here.)
WIDE_NAMES = ("Nguyễn Thị Hằng", "Dvořák Łukasz", "Ștefan Căpățână", "Ξανθή Жуков")


def test_names_outside_windows_1252_print_in_every_part_of_the_pdf():
    # with the built-in Helvetica, « Nguyễn » printed as « Nguy■n » (a black square per letter)
    columns = (Column("code", "Code candidat"), Column("name", "Nom"))
    rows = tuple((f"C-{n}", name) for n, name in enumerate(WIDE_NAMES))
    title = "Session « Ștefan » — Nguyễn"
    report = Report(
        "session", title, "Dvořák", datetime(2026, 3, 2, 9, tzinfo=UTC), "0" * 64,
        (Section("candidats", "Łódź", ("Paragraphe Ș",), (Table("c", "Tableau Ț", columns, rows),)),),
    )  # fmt: skip
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(render_pdf(report))).pages)
    assert "\u25a0" not in text  # reportlab's « ■ » for a letter the font lacks
    for expected in (*WIDE_NAMES, title, "Dvořák", "Łódź", "Paragraphe Ș", "Tableau Ț"):
        assert expected in text, expected
    assert f"{title} — empreinte" in text  # the footer too


def test_the_embedded_fonts_are_package_data():
    """A non-editable install (wheel) must carry the font files every PDF embeds."""
    root = Path(__file__).resolve().parents[2]
    pyproject = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))
    patterns = pyproject["tool"]["setuptools"]["package-data"]["questionnaire.reports"]
    package = root / "questionnaire" / "reports"
    declared = {path for pattern in patterns for path in package.glob(pattern)}
    needed = {FONT_FOLDER / f"{face}.ttf" for face in (REGULAR, BOLD, ITALIC, BOLD_ITALIC)}
    assert needed | {FONT_FOLDER / "LICENSE"} <= declared
    assert all(path.is_file() for path in needed)


def test_a_long_title_is_shortened_in_the_footer_never_the_page_number():
    # a 200-character session title pushed « — page N » off the page
    title = "Rapport psychométrique — " + ("Session de certification du printemps, salle B " * 5)
    title = title[:225]
    report = Report(
        "session", title, "Périmètre", datetime(2026, 3, 2, 9, tzinfo=UTC), "0" * 64,
        (Section("items", "Items", tables=(_table("t", 3),)),),
    )  # fmt: skip
    drawn: list[tuple[str, float]] = []

    def visit(text, _cm, tm, _font, _size):
        if "— page" in text:
            drawn.append((text, tm[4]))

    PdfReader(io.BytesIO(render_pdf(report))).pages[0].extract_text(visitor_text=visit)
    [(footer, x)] = [(text.strip(), x) for text, x in drawn]
    assert footer.startswith("Rapport psychométrique — Session de certification du printemps")
    assert footer.endswith("… — empreinte 0000000000000000… — page 1")
    assert x + stringWidth(footer, REGULAR, 7) <= PAGE[0] - 15 * mm  # within the right margin
