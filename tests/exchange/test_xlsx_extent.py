"""XLSX sheets whose declared size (``<dimension>``) is wrong, or whose cells lie far away.

openpyxl's read-only mode trusts the ``<dimension ref="A1:Q3">`` a workbook declares: rows
and columns beyond it were dropped without a word (items lost), and a cell declared or placed
at XFD1048576 made it pad a million rows of 16 384 cells (a 5 Kio file held a worker for
minutes).
"""

from __future__ import annotations

import io
import re
import zipfile

import openpyxl

from questionnaire.exchange import xlsx
from questionnaire.exchange.xlsx import parse_xlsx
from tests.exchange.conftest import TODAY

HEADER = ["stem", "option_a", "option_b", "option_c", "correct"]
ROWS = [
    ["Taux du PFU ?", "12,8 %", "30 %", "45 %", "B"],
    ["Plafond du PEA ?", "150 000 €", "225 000 €", "20 000 €", "A"],
    ["Durée du PEL ?", "4 ans", "10 ans", "15 ans", "B"],
]
SHEET = "xl/worksheets/sheet1.xml"


def _workbook(rows: list[list[str]], edit) -> bytes:
    """A workbook written by openpyxl, its sheet XML then changed by ``edit``."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "items"
    for row in [HEADER, *rows]:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    source = zipfile.ZipFile(io.BytesIO(buffer.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == SHEET:
                data = edit(data.decode("utf-8")).encode("utf-8")
            target.writestr(info, data)
    return out.getvalue()


def _dimension(ref: str):
    return lambda xml: re.sub(r'<dimension ref="[^"]*"\s*/>', f'<dimension ref="{ref}" />', xml)


def _far_cell(ref: str, row: int, dimension: str | None = None):
    def edit(xml: str) -> str:
        cell = f'<row r="{row}"><c r="{ref}" t="inlineStr"><is><t>oubli</t></is></c></row>'
        xml = xml.replace("</sheetData>", cell + "</sheetData>")
        return _dimension(dimension)(xml) if dimension else xml

    return edit


def test_rows_beyond_a_stale_dimension_are_read():
    """A generator that wrote « A1:E2 » for four rows: the last two items were silently lost."""
    data = _workbook(ROWS, _dimension("A1:E2"))
    result = parse_xlsx(data, "items.xlsx", TODAY)
    assert result.report.errors == []
    assert [source.item.stem for source in result.items] == [row[0] for row in ROWS]


def test_columns_beyond_a_stale_dimension_are_read():
    """« A1:A1 » (a generator that never sized its sheets): every column but « stem » was lost."""
    data = _workbook(ROWS, _dimension("A1:A1"))
    result = parse_xlsx(data, "items.xlsx", TODAY)
    assert result.report.errors == []
    assert [source.item.correct_keys for source in result.items] == [["B"], ["A"], ["B"]]


def test_a_cell_at_the_last_row_is_refused_without_reading_millions_of_cells(
    monkeypatch,
):
    calls = 0
    sheet_value = xlsx._sheet_value

    def counted(cell):
        nonlocal calls
        calls += 1
        if calls > 1_000_000:
            raise AssertionError("more than a million cells read for a sheet of 16 values")
        return sheet_value(cell)

    monkeypatch.setattr(xlsx, "_sheet_value", counted)
    data = _workbook(ROWS, _far_cell("A1048576", 1048576, dimension="A1:XFD1048576"))
    result = parse_xlsx(data, "items.xlsx", TODAY)
    assert result.items == []
    assert [(entry.location, entry.message) for entry in result.report.errors] == [
        (
            "feuille « items », ligne 1048576",
            f"valeur au-delà de la ligne {xlsx.MAX_SHEET_ROWS}, la dernière lue : « oubli ». "
            "Un import prend au plus "
            f"{xlsx.MAX_SHEET_ROWS - 1} items par feuille ; supprimez les lignes en trop, "
            "ou découpez le classeur.",
        )
    ]


def test_a_value_past_the_last_row_read_is_an_error_not_dropped():
    row = xlsx.MAX_SHEET_ROWS + 3
    data = _workbook(ROWS, _far_cell(f"B{row}", row))
    result = parse_xlsx(data, "items.xlsx", TODAY)
    assert result.items == []
    assert [entry.location for entry in result.report.errors] == [f"feuille « items », ligne {row}"]


def test_a_cell_far_right_is_not_read_cell_by_cell(monkeypatch):
    """Columns past BL are not read (documented): a cell at XFD no longer costs 16 384 reads."""
    calls = 0
    sheet_value = xlsx._sheet_value

    def counted(cell):
        nonlocal calls
        calls += 1
        return sheet_value(cell)

    monkeypatch.setattr(xlsx, "_sheet_value", counted)
    data = _workbook(ROWS, _far_cell("XFD5", 5, dimension="A1:XFD5"))
    result = parse_xlsx(data, "items.xlsx", TODAY)
    assert result.report.errors == []
    assert len(result.items) == len(ROWS)
    assert calls <= 5 * xlsx.MAX_SHEET_COLUMNS == 5 * 64
