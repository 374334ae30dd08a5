"""The shape every renderer reads: a report is sections of paragraphs, tables and a chart."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

from questionnaire.web import paris_time


class Kind(StrEnum):
    """How a column's values are shown (XLSX and CSV keep the exact value)."""

    TEXT = "text"
    INT = "int"
    DECIMAL = "decimal"
    PERCENT = "percent"
    #: an aware datetime shown as its day in Paris
    DATE = "date"
    #: an aware datetime shown as its day and time in Paris
    DATETIME = "datetime"
    #: a test's p-value: four decimals, « < 0,0001 » below them, and the digits that keep a
    #: value just under 5 % from reading « 0,0500 »
    PVALUE = "pvalue"


DATE_KINDS = (Kind.DATE, Kind.DATETIME)
#: How HTML, PDF and CSV print a date or a moment (Paris time).
DATE_FORMATS = {Kind.DATE: "%d/%m/%Y", Kind.DATETIME: "%d/%m/%Y à %H h %M"}


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    kind: Kind = Kind.TEXT
    digits: int = 3


@dataclass(frozen=True)
class Table:
    """A table: ``name`` names its CSV file, ``title`` captions it, ``sheet`` (a shorter
    French label, when the title is too long for an XLSX tab) names its sheet."""

    name: str
    title: str
    columns: tuple[Column, ...]
    rows: tuple[tuple, ...]
    sheet: str = ""

    @property
    def sheet_label(self) -> str:
        """The label of its XLSX sheet: the short label, else the title."""
        return self.sheet or self.title

    def column(self, key: str) -> list:
        """The values of one column, by key."""
        index = [c.key for c in self.columns].index(key)
        return [row[index] for row in self.rows]


@dataclass(frozen=True)
class Histogram:
    """Score distribution with the cut (raw score) marked."""

    scores: tuple[float, ...]
    counts: tuple[int, ...]
    cut_score: float
    label: str


@dataclass(frozen=True)
class Trend:
    """Values on a 0–1 scale over ordered categories, one line per series (None = missing)."""

    categories: tuple[str, ...]
    series: tuple[tuple[str, tuple[float | None, ...]], ...]
    label: str

    @property
    def floor(self) -> float:
        """Bottom of the scale: 0, or lower (by steps of 0.2) for a negative alpha."""
        values = [v for _, series in self.series for v in series if v is not None]
        return min(0.0, math.floor(min(values, default=0.0) * 5) / 5)


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    paragraphs: tuple[str, ...] = ()
    tables: tuple[Table, ...] = ()
    histogram: Histogram | None = None
    trend: Trend | None = None


@dataclass(frozen=True)
class Report:
    """A dossier: title, data scope, generation time, data fingerprint and sections."""

    kind: str
    title: str
    scope: str
    generated_at: datetime
    fingerprint: str
    sections: tuple[Section, ...] = field(default_factory=tuple)
    #: cautions every format shows before the figures (e.g. too few copies for stable statistics)
    warnings: tuple[str, ...] = ()

    @property
    def tables(self) -> list[Table]:
        return [table for section in self.sections for table in section.tables]

    def table(self, name: str) -> Table:
        """A table by name (KeyError if absent)."""
        for table in self.tables:
            if table.name == name:
                return table
        raise KeyError(name)

    def section(self, key: str) -> Section:
        return next(section for section in self.sections if section.key == key)


def finite(value: float | None) -> float | None:
    """A float, or None when undefined (NaN, infinite, missing)."""
    if value is None:
        return None
    value = float(value)
    return value if math.isfinite(value) else None


def format_value(value: object, column: Column) -> str:
    """Value as shown in HTML and PDF: French decimal comma, « n.d. » when undefined, dates and
    times in Paris (nothing when there is none)."""
    if column.kind in DATE_KINDS:
        return "" if value is None else paris_time(value, DATE_FORMATS[column.kind])
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "n.d."
    if isinstance(value, bool):
        return "oui" if value else "non"
    if column.kind is Kind.INT:
        return f"{int(value)}"
    if column.kind is Kind.DECIMAL:
        return _unsigned_zero(_half_up(float(value), column.digits)).replace(".", ",")
    if column.kind is Kind.PERCENT:
        return _unsigned_zero(_half_up(100 * float(value), 1)).replace(".", ",") + "\u00a0%"
    if column.kind is Kind.PVALUE:
        return p_value_text(float(value))
    return str(value)


#: The significance level the reports read p-values against, and the smallest p they print.
SIGNIFICANCE, SMALLEST_P = 0.05, 0.0001


def p_value_text(p: float) -> str:
    """« 0,0123 »; « < 0,0001 » for a smaller one (never « 0,0000 »); a value just under 5 %
    with the digits that show it (« 0,049996 », not « 0,0500 »)."""
    if p < SMALLEST_P:
        return "< 0,0001"
    text = _half_up(p, 4)
    digits = 4
    while p != SIGNIFICANCE and float(text) == SIGNIFICANCE and digits < 12:
        digits += 1
        text = _half_up(p, digits)
    return text.replace(".", ",")


def _half_up(value: float, digits: int) -> str:
    """Rounded half up on the printed value (65.05 → '65.1'), as the sentences of the reports
    (`decimal_fr`) round it: a table never shows 65,0 % beside a sentence saying 65,1 %.

    The digits of ``repr`` are rounded as text (a report page prints 20,000 numbers; the
    `Decimal` quantization took most of their formatting time): the same digits as
    ``Decimal(repr(value)).quantize(...)``, which still rounds a value printed with an
    exponent (below 1e-4 or from 1e16).
    """
    whole, point, fraction = repr(value).partition(".")
    if not point or "e" in fraction or digits < 1:
        number = Decimal(repr(value)).quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)
        return f"{number:f}"
    sign, whole = ("-", whole[1:]) if whole.startswith("-") else ("", whole)
    if len(fraction) <= digits:
        return f"{sign}{whole}.{fraction.ljust(digits, '0')}"
    # a dropped first digit of 5 or more rounds the magnitude up (away from zero)
    units = int(whole + fraction[:digits]) + (fraction[digits] >= "5")
    text = str(units).rjust(digits + 1, "0")
    return f"{sign}{text[:-digits]}.{text[-digits:]}"


def _unsigned_zero(text: str) -> str:
    """'-0.000' → '0.000': a tiny negative (float noise, e.g. −2.8e-16) rounds to plain zero."""
    return text[1:] if text.startswith("-") and not text.strip("-0.") else text
