"""XLSX cells that Excel typed: a percentage reads as the author saw it, a date or decimal is flagged.

Typing « 30 % » or « 12,8 % » in Excel stores the numbers 0.3 and 0.128 with a percent format;
the import read « 0.3 » and « 0.128 », silently changing the options of a rate question.
"""

from __future__ import annotations

import io
from datetime import datetime

import openpyxl

from questionnaire.exchange.xlsx import parse_xlsx
from tests.exchange.conftest import TODAY

HEADER = ["stem", "option_a", "option_b", "option_c", "option_d", "correct", "valid_as_of"]


def _workbook(*rows: list, formats: dict[str, str] | None = None) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "items"
    sheet.append(HEADER)
    for row in rows:
        sheet.append(row)
    for coordinate, number_format in (formats or {}).items():
        sheet[coordinate].number_format = number_format
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_percentages_read_as_shown_in_excel():
    data = _workbook(
        ["Taux du PFU ?", 0.3, 0.128, 0.125, 0.0045, "A", ""],
        formats={"B2": "0%", "C2": "0.0%", "D2": "0 %", "E2": "0.00%;[Red]-0.00%"},
    )
    result = parse_xlsx(data, "items.xlsx", TODAY)
    assert result.report.errors == []
    [source] = result.items
    # the banks' own typography: decimal comma, space before the sign; 12.5 shows as 13
    assert [option.text for option in source.item.options] == ["30 %", "12,8 %", "13 %", "0,45 %"]


def test_dates_and_decimals_in_text_columns_are_flagged_with_their_column():
    data = _workbook(
        ["Date d'entrée en vigueur ?", datetime(2026, 1, 1), 1234.5, 2026, "autre", "A", ""],
        ["Seuil ?", "a", "b", "c", "d", "B", datetime(2026, 2, 20)],
        formats={"B2": "dd/mm/yyyy"},
    )
    result = parse_xlsx(data, "items.xlsx", TODAY)
    assert result.report.errors == []
    typed = [
        (entry.location, entry.message)
        for entry in result.report.warnings
        if "Excel a enregistré" in entry.message
    ]
    # an integer (2026) reads as typed, and a date is expected in valid_as_of
    assert typed == [
        (
            "feuille « items », ligne 2",
            "« option_a » : Excel a enregistré une date, lu « 2026-01-01 » ; vérifiez le texte "
            "(une apostrophe en tête de cellule le garde tel quel).",
        ),
        (
            "feuille « items », ligne 2",
            "« option_b » : Excel a enregistré un nombre, lu « 1234.5 » ; vérifiez le texte "
            "(une apostrophe en tête de cellule le garde tel quel).",
        ),
    ]
    assert [source.item.options[2].text for source in result.items] == ["2026", "c"]
