"""XLSX export with openpyxl: a cover sheet, then one sheet per table with exact values."""

from __future__ import annotations

import io
import zipfile
from datetime import UTC

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.worksheet.worksheet import Worksheet
from openpyxl.writer.excel import ExcelWriter

from questionnaire.reports.render_csv import zip_member
from questionnaire.reports.tables import Kind, Report
from questionnaire.web import paris_time

NUMBER_FORMATS = {Kind.PERCENT: "0.0%", Kind.DECIMAL: "0.000", Kind.INT: "0"}


def _cell(value: object) -> object:
    if isinstance(value, bool):
        return "oui" if value else "non"
    return value


def _append(sheet: Worksheet, values: list[object]) -> None:
    """Add a row whose strings stay text: openpyxl reads « =… » as a formula, « #N/A » as an error.

    A display name or a jury's reason is typed by a user; as a live formula it would run in
    the administrator's spreadsheet (formula injection).
    """
    sheet.append(values)
    for cell in sheet[sheet.max_row]:
        if isinstance(cell.value, str):
            cell.data_type = "s"


def render_xlsx(report: Report) -> bytes:
    """Workbook: sheet « Rapport » (title, scope, time, fingerprint) and one sheet per table."""
    workbook = Workbook()
    cover = workbook.active
    cover.title = "Rapport"
    _append(cover, [report.title])
    cover["A1"].font = Font(bold=True, size=14)
    _append(cover, ["Périmètre des données", report.scope])
    _append(cover, ["Généré le", paris_time(report.generated_at)])
    _append(cover, ["Empreinte SHA-256 des données", report.fingerprint])
    for warning in report.warnings:
        _append(cover, ["Avertissement", warning])
    for section in report.sections:
        for paragraph in section.paragraphs:
            _append(cover, [section.title, paragraph])
    cover.column_dimensions["A"].width = 32
    cover.column_dimensions["B"].width = 100
    for table in report.tables:
        sheet = workbook.create_sheet(table.name[:31])
        _append(sheet, [column.label for column in table.columns])
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in table.rows:
            _append(sheet, [_cell(value) for value in row])
        for index, column in enumerate(table.columns, start=1):
            number_format = NUMBER_FORMATS.get(column.kind)
            letter = sheet.cell(row=1, column=index).column_letter
            sheet.column_dimensions[letter].width = max(12, min(len(column.label) + 2, 40))
            if number_format:
                for (cell,) in sheet.iter_rows(min_row=2, min_col=index, max_col=index):
                    cell.number_format = number_format
        sheet.freeze_panes = "A2"
    return _reproducible(workbook, report)


def _reproducible(workbook: Workbook, report: Report) -> bytes:
    """Saved with the report's time as document dates and fixed member times (same bytes)."""
    stamp = report.generated_at.astimezone(UTC).replace(tzinfo=None)
    workbook.properties.creator = "Questionnaires thématiques"
    workbook.properties.title = report.title
    workbook.properties.created = workbook.properties.modified = stamp
    saved = io.BytesIO()
    # ExcelWriter rather than Workbook.save, which stamps `modified` with the current time
    ExcelWriter(workbook, zipfile.ZipFile(saved, "w", zipfile.ZIP_DEFLATED)).save()
    output = io.BytesIO()
    with zipfile.ZipFile(saved) as source, zipfile.ZipFile(output, "w") as archive:
        for info in source.infolist():
            archive.writestr(zip_member(info.filename), source.read(info))
    return output.getvalue()
