"""XLSX export with openpyxl: a cover sheet, then one sheet per table with exact values."""

from __future__ import annotations

import math
from datetime import datetime

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.worksheet.worksheet import Worksheet

from questionnaire.clock import PARIS
from questionnaire.reports.tables import DATE_KINDS, Column, Kind, Report, Table, format_value
from questionnaire.xlsxfiles import (
    SheetNames,
    append_text_row,
    reproducible_bytes,
    set_column_width,
    style_header,
)

#: Day and time formats of date cells (the codes are locale-independent: a French Excel shows
#: « jj/mm/aaaa »).
DATE_FORMATS = {Kind.DATE: "dd/mm/yyyy", Kind.DATETIME: "dd/mm/yyyy hh:mm"}
COVER_SHEET = "Rapport"
TIME_ZONE_NOTE = "dates et heures à l'heure de Paris"
#: Rows whose widths are measured: enough to see the widest values, quick on 2,000 candidates.
MEASURED_ROWS = 500


def number_format(column: Column) -> str | None:
    """The display format of a column, as the page and the PDF round it (the cell stays exact).

    A decimal column shows the page's number of decimals (a score of 20 reads « 20 », never
    « 20,000 », which a French reader takes for twenty thousand); a rate, a percentage with one
    decimal; a whole number, no decimal.
    """
    if column.kind is Kind.INT:
        return "0"
    if column.kind is Kind.DECIMAL:
        return "0." + "0" * column.digits if column.digits > 0 else "0"
    if column.kind is Kind.PERCENT:
        return "0.0%"
    if column.kind is Kind.PVALUE:
        return "0.0000"
    return DATE_FORMATS.get(column.kind)


def _cell(value: object, column: Column) -> object:
    """The exact value; « oui » / « non »; a date in Paris time (a spreadsheet has no zone)."""
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if column.kind in DATE_KINDS and isinstance(value, datetime):
        local = value.astimezone(PARIS).replace(tzinfo=None)
        return local.date() if column.kind is Kind.DATE else local
    return value


def _table_sheet(sheet: Worksheet, table: Table) -> None:
    append_text_row(sheet, [column.label for column in table.columns])
    style_header(sheet)
    for row in table.rows:
        append_text_row(sheet, [_cell(v, c) for v, c in zip(row, table.columns, strict=True)])
    measured = table.rows[:MEASURED_ROWS]
    for index, column in enumerate(table.columns, start=1):
        shown = [format_value(row[index - 1], column) for row in measured]
        set_column_width(sheet, index, column.label, shown)
        shape = number_format(column)
        if shape:
            for (cell,) in sheet.iter_rows(min_row=2, min_col=index, max_col=index):
                cell.number_format = shape
    sheet.freeze_panes = "A2"


def render_xlsx(report: Report) -> bytes:
    """Workbook: sheet « Rapport » (title, scope, time, fingerprint, the sheets' full titles) and
    one sheet per table, named after its French title (valid, unique)."""
    workbook = Workbook()
    cover = workbook.active
    names = SheetNames()
    cover.title = names.add(COVER_SHEET)
    append_text_row(cover, [report.title])
    cover["A1"].font = Font(bold=True, size=14)
    append_text_row(cover, ["Périmètre des données", report.scope])
    append_text_row(
        cover, ["Généré le", report.generated_at.astimezone(PARIS).replace(tzinfo=None)]
    )
    cover["B3"].number_format = DATE_FORMATS[Kind.DATETIME]
    cover["B3"].alignment = Alignment(horizontal="left")
    append_text_row(cover, ["Fuseau horaire", TIME_ZONE_NOTE])
    append_text_row(cover, ["Empreinte SHA-256 des données", report.fingerprint])
    for warning in report.warnings:
        append_text_row(cover, ["Avertissement", warning])
    for section in report.sections:
        for paragraph in section.paragraphs:
            append_text_row(cover, [section.title, paragraph])
    sheets = [(table, names.add(table.sheet_label)) for table in report.tables]
    if sheets:
        append_text_row(cover, [])
        append_text_row(cover, ["Feuille", "Tableau"])
        for cell in cover[cover.max_row]:
            cell.font = Font(bold=True)
        for table, name in sheets:
            append_text_row(cover, [name, table.title])
    cover.column_dimensions["A"].width = 32
    cover.column_dimensions["B"].width = 100
    for table, name in sheets:
        _table_sheet(workbook.create_sheet(name), table)
    # the report's time as the document's dates: the same report gives the same bytes
    return reproducible_bytes(workbook, report.title, report.generated_at)
