"""The typeface of every PDF (reports and attestations): DejaVu Sans Condensed, embedded.

reportlab's built-in Helvetica only encodes Windows-1252: « Nguyễn », « Dvořák », « Łukasz »
or « Ștefan » came out with black squares in place of their letters, on a candidate's
attestation too. DejaVu Sans Condensed draws Latin (Vietnamese included), Greek, Cyrillic,
Hebrew and Arabic letters at about Helvetica's width, so the layouts stay as they were.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from reportlab.lib.fonts import addMapping
from reportlab.lib.styles import StyleSheet1, getSampleStyleSheet
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

FONT_FOLDER = Path(__file__).with_name("fonts")
REGULAR = "DejaVuSansCondensed"
BOLD = "DejaVuSansCondensed-Bold"
ITALIC = "DejaVuSansCondensed-Oblique"
BOLD_ITALIC = "DejaVuSansCondensed-BoldOblique"
#: reportlab's sample styles name the standard fonts: each is drawn in its embedded face.
REPLACEMENTS = {
    "Helvetica": REGULAR,
    "Helvetica-Bold": BOLD,
    "Helvetica-Oblique": ITALIC,
    "Helvetica-BoldOblique": BOLD_ITALIC,
}


@cache
def register_fonts() -> None:
    """Register the faces once per process, with <b> and <i> mapped inside paragraphs."""
    faces = {(0, 0): REGULAR, (1, 0): BOLD, (0, 1): ITALIC, (1, 1): BOLD_ITALIC}
    for (bold, italic), name in faces.items():
        pdfmetrics.registerFont(TTFont(name, FONT_FOLDER / f"{name}.ttf"))
        addMapping(REGULAR, bold, italic, name)


def pdf_stylesheet() -> StyleSheet1:
    """reportlab's sample styles (a fresh sheet) in the embedded typeface."""
    register_fonts()
    sheet = getSampleStyleSheet()
    for style in sheet.byName.values():
        for attribute in ("fontName", "bulletFontName"):  # list styles have neither
            font = getattr(style, attribute, None)
            if font in REPLACEMENTS:
                setattr(style, attribute, REPLACEMENTS[font])
    return sheet
