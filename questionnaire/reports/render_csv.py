"""CSV export: a ZIP archive holding one CSV file per table and the report's metadata."""

from __future__ import annotations

import csv
import io
import math
import zipfile

import numpy as np

from questionnaire.csvfiles import neutralise_formula
from questionnaire.reports.tables import DATE_KINDS, Report, Table, format_value
from questionnaire.web import paris_time
from questionnaire.xlsxfiles import zip_member

#: Significant digits of a decimal value: beyond them a float holds only rounding noise.
SIGNIFICANT_DIGITS = 12


def _cell(value: object) -> object:
    """A value as a French spreadsheet reads it: decimal comma, « oui » / « non », no formula."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, float):
        if not math.isfinite(value):
            return ""
        # twelve significant digits, never in exponent form: 0.6400000000000001 (binary noise
        # of a sum) reads 0,64, a p-value of 3e-20 keeps its digits
        digits = np.format_float_positional(
            value, precision=SIGNIFICANT_DIGITS, unique=False, fractional=False, trim="-"
        )
        return digits.replace(".", ",")
    if isinstance(value, str):  # numbers are written as numbers, never prefixed
        return neutralise_formula(value)
    return value


def _csv(header: list[str], rows: list[tuple]) -> bytes:
    """Semicolon-separated, UTF-8 with a BOM: what Excel opens as is in French (like the
    deliberation export)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows([_cell(value) for value in row] for row in rows)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _rows(table: Table) -> list[tuple]:
    """The rows with their dates and times as the page prints them (Paris time)."""
    dates = [column.kind in DATE_KINDS for column in table.columns]
    return [
        tuple(
            format_value(value, column) if is_date else value
            for value, column, is_date in zip(row, table.columns, dates, strict=True)
        )
        for row in table.rows
    ]


def render_csv(report: Report) -> bytes:
    """ZIP of `rapport.csv` (title, scope, time, fingerprint) and `<table>.csv` files.

    The files are for people (jury and CPNE opening them in a spreadsheet): French headings,
    ``;``, decimal comma, values to twelve significant digits (the rounding noise of floating
    point left out). Programs read the analytics library's own CSV instead.
    """
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        meta = [
            ("Titre", report.title),
            ("Périmètre des données", report.scope),
            ("Généré le", paris_time(report.generated_at)),
            ("Empreinte SHA-256 des données", report.fingerprint),
            *(("Avertissement", warning) for warning in report.warnings),
        ]
        archive.writestr(zip_member("rapport.csv"), _csv(["Rubrique", "Valeur"], meta))
        for table in report.tables:
            header = [column.label for column in table.columns]
            archive.writestr(zip_member(f"{table.name}.csv"), _csv(header, _rows(table)))
    return output.getvalue()
