"""XLSX for bulk authoring: the CSV's columns in a workbook's sheet « items » (docs/exchange-formats.md)."""

from __future__ import annotations

import io
import re
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

import openpyxl

from questionnaire.banks.fields import without_controls
from questionnaire.banks.validation import ParsedBank
from questionnaire.exchange.report import ImportReport, ParseResult
from questionnaire.exchange.safety import SafeZip, UnsafeArchive, check_size
from questionnaire.exchange.tabular import OPTION_COLUMNS, cell_text, rows_to_items, table_rows
from questionnaire.parse_errors import technical_detail

SHEET_NAME = "items"
#: The start of an OLE2 compound file: Excel 97-2003 workbooks, and encrypted .xlsx ones.
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
#: What an OpenDocument spreadsheet (LibreOffice's .ods, also a zip) says it is.
ODS_MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"
#: What an XLSX import reads of its sheet: 20 000 rows (header included) and columns A to BL.
MAX_SHEET_ROWS = 20_000
MAX_SHEET_COLUMNS = 64
#: Columns of free text, where a cell Excel turned into a number or a date must be checked.
TEXT_COLUMNS = frozenset({"stem", "rationale", "reference", *OPTION_COLUMNS})
_PERCENT_DECIMALS = re.compile(r"\.([0#]+)")


def _percent(value: float, number_format: str) -> str:
    """A cell Excel shows as a percentage, written as the banks write it: 0.128 → « 12,8 % »."""
    section = number_format.split(";", 1)[0]
    match = _PERCENT_DECIMALS.search(section)
    digits = len(match.group(1)) if match else 0
    shown = (Decimal(repr(float(value))) * 100).quantize(
        Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP
    )
    return f"{shown:f}".replace(".", ",") + " %"


def _sheet_value(cell) -> object:
    """A cell's value as the author saw it: typing « 30 % » in Excel stores 0.3, shown « 30 % »."""
    value = cell.value
    number_format = getattr(cell, "number_format", None) or ""
    if (
        isinstance(value, int | float)
        and not isinstance(value, bool)
        and "%" in number_format.split(";", 1)[0]
    ):
        return _percent(value, number_format)
    return value


def _typed_cells(names: list[str], values: list, location: str, report: ImportReport) -> None:
    """Warn where Excel made a date, a boolean or a decimal of a text: its reading may differ."""
    for name, value in zip(names, values, strict=False):
        if name not in TEXT_COLUMNS:
            continue
        if isinstance(value, bool | date) or (isinstance(value, float) and not value.is_integer()):
            kind = {bool: "un booléen", float: "un nombre"}.get(type(value), "une date")
            report.warn(
                location,
                f"« {name} » : Excel a enregistré {kind}, lu « {cell_text(value)} » ; vérifiez le "
                "texte (une apostrophe en tête de cellule le garde tel quel).",
            )


def parse_xlsx(data: bytes, source: str, today: date) -> ParseResult:
    """An XLSX workbook: the sheet named ``items`` (or the first one), header on row 1."""
    report = ImportReport(source)
    if not check_size(data, source, report):
        return ParseResult([], report)
    if data.startswith(OLE2_MAGIC):  # an .xls, or an .xlsx Excel encrypted with a password
        report.error(
            source,
            "classeur au format Excel 97-2003 (.xls) ou protégé par un mot de passe : ouvrez-le "
            "dans Excel et enregistrez-le au format « Classeur Excel (*.xlsx) », sans mot de "
            "passe, puis importez ce fichier.",
        )
        return ParseResult([], report)
    try:
        archive = SafeZip(data)
        for name in archive.names:  # bounded reads: sizes declared in the archive may lie
            archive.read(name)
        if "mimetype" in archive.names and archive.read("mimetype").startswith(ODS_MIMETYPE):
            report.error(
                source,
                "classeur au format OpenDocument (.ods, LibreOffice) : enregistrez-le au format "
                "« Excel 2007-365 (.xlsx) » (Fichier > Enregistrer sous), ou en CSV, puis "
                "importez ce fichier.",
            )
            return ParseResult([], report)
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except UnsafeArchive as exc:
        report.error(source, str(exc))
        return ParseResult([], report)
    except Exception as exc:  # openpyxl raises many kinds of errors on a damaged workbook
        report.error(source, _damaged(exc))
        return ParseResult([], report)
    if not workbook.sheetnames:
        workbook.close()
        report.error(
            source, "classeur XLSX sans feuille : les items s'écrivent dans la feuille « items »."
        )
        return ParseResult([], report)
    try:
        # « Items », « ITEMS » as well: a sheet's name is typed by hand
        named = next(
            (name for name in workbook.sheetnames if name.strip().casefold() == SHEET_NAME), None
        )
        sheet = workbook[named] if named else workbook.worksheets[0]
        if named is None and len(workbook.sheetnames) > 1:
            others = ", ".join(f"« {name} »" for name in workbook.sheetnames[1:])
            report.warn(
                source,
                f"pas de feuille « {SHEET_NAME} » : la première feuille, « {sheet.title} », a été "
                f"lue (autres feuilles : {others}) ; nommez « {SHEET_NAME} » la feuille des "
                "questions.",
            )
        # the size a workbook declares (<dimension>) may be stale: read what the sheet holds,
        # within bounds (openpyxl pads every row up to the farthest cell it is told of)
        sheet.reset_dimensions()
        rows = sheet.iter_rows(max_col=MAX_SHEET_COLUMNS)
        header = [cell_text(cell.value) for cell in next(rows, ())]
        if not any(name.strip() for name in header):
            report.error(source, "feuille vide.")
            return ParseResult([], report)
        names = [name.strip().casefold() for name in header]
        records = []
        padding = None
        for number, cells in enumerate(rows, start=2):
            if cells is padding:  # openpyxl fills a gap of rows with one same empty row
                continue
            padding = cells
            location = f"feuille « {sheet.title} », ligne {number}"
            if number > MAX_SHEET_ROWS:
                if _beyond_last_row(cells, location, report):
                    return ParseResult([], report)
                continue
            values = [_sheet_value(cell) for cell in cells]
            _typed_cells(names, values, location, report)
            records.append((location, values))
    except Exception as exc:  # read-only mode reads the sheet only now: damage shows here
        report.error(source, _damaged(exc))
        return ParseResult([], report)
    finally:
        workbook.close()
    header_location = f"feuille « {sheet.title} », ligne 1"
    return ParseResult(rows_to_items(header, records, report, today, header_location), report)


def _damaged(exc: Exception) -> str:
    return (
        "classeur XLSX illisible : il est endommagé ou n'est pas un classeur Excel"
        + technical_detail(exc.__class__.__name__)
        + "."
    )


def _beyond_last_row(cells, location: str, report: ImportReport) -> bool:
    """Whether a row past the last one read holds a value (an error: it is never dropped)."""
    text = next(
        (cell_text(cell.value).strip() for cell in cells if cell_text(cell.value).strip()), ""
    )
    if text:
        report.error(
            location,
            f"valeur au-delà de la ligne {MAX_SHEET_ROWS}, la dernière lue : « {text[:60]} ». "
            f"Un import prend au plus {MAX_SHEET_ROWS - 1} items par feuille ; supprimez les "
            "lignes en trop, ou découpez le classeur.",
        )
    return bool(text)


def write_xlsx(bank: ParsedBank) -> bytes:
    """One sheet ``items`` with the CSV columns; every cell is text, never a formula."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = SHEET_NAME
    for row_number, values in enumerate(table_rows(bank), start=1):
        for column, value in enumerate(values, start=1):
            # a control character (stored before imports removed them) would stop openpyxl
            cell = sheet.cell(row=row_number, column=column, value=without_controls(value))
            cell.data_type = "s"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
