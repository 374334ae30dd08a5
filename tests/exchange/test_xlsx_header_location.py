"""An XLSX header's problems name the sheet that was read, as its rows' problems do.

Without a sheet named « items » the first one is read; a workbook opening on its instructions
was refused with « ligne 1 : colonne(s) obligatoire(s) absente(s) », which did not say which
sheet the import had looked at, nor that the questions were on another one.
"""

from __future__ import annotations

import io

import openpyxl

from questionnaire.exchange.xlsx import parse_xlsx
from tests.exchange.conftest import TODAY


def test_header_errors_name_the_sheet_read():
    workbook = openpyxl.Workbook()
    workbook.active.title = "Consignes"
    workbook.active.append(["Remplissez la feuille Questions."])
    questions = workbook.create_sheet("Questions")
    questions.append(["stem", "option_a", "option_b", "correct"])
    questions.append(["Taux du PFU ?", "12,8 %", "30 %", "B"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    result = parse_xlsx(buffer.getvalue(), "items.xlsx", TODAY)
    assert [(e.location, e.message) for e in result.report.errors] == [
        (
            "feuille « Consignes », ligne 1",
            "colonne(s) obligatoire(s) absente(s) : stem, option_a, option_b, correct.",
        )
    ]
    assert [(e.location, e.message) for e in result.report.warnings] == [
        (
            "items.xlsx",
            "pas de feuille « items » : la première feuille, « Consignes », a été lue (autres "
            "feuilles : « Questions ») ; nommez « items » la feuille des questions.",
        )
    ]


def test_the_items_sheet_is_found_whatever_its_case():
    """« Items », as a French spreadsheet user capitalises it, was passed over for the first."""
    workbook = openpyxl.Workbook()
    workbook.active.title = "Consignes"
    workbook.active.append(["Remplissez la feuille Items."])
    questions = workbook.create_sheet("Items ")
    questions.append(["stem", "option_a", "option_b", "correct"])
    questions.append(["Taux du PFU ?", "12,8 %", "30 %", "B"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    result = parse_xlsx(buffer.getvalue(), "items.xlsx", TODAY)
    assert result.report.errors == []
    assert [source.location for source in result.items] == ["feuille « Items  », ligne 2"]
