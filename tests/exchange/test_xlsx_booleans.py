"""XLSX cells Excel turned into booleans: « Vrai » / « Faux » typed in a French Excel.

A French Excel stores « vrai » and « faux » as the booleans TRUE and FALSE (shown « VRAI »,
« FAUX »); the import wrote them « True » and « False », in English, into the options of a
true-or-false question, without a word.
"""

from __future__ import annotations

from questionnaire.exchange.xlsx import parse_xlsx
from tests.exchange.conftest import TODAY
from tests.exchange.test_xlsx_cells import _workbook


def test_booleans_read_in_french_and_flagged_with_their_column():
    data = _workbook(["Le PEL est-il plafonné ?", True, False, "", "", "A", ""])
    result = parse_xlsx(data, "items.xlsx", TODAY)
    assert result.report.errors == []
    [source] = result.items
    assert [option.text for option in source.item.options] == ["Vrai", "Faux"]
    typed = [
        (entry.location, entry.message)
        for entry in result.report.warnings
        if "Excel a enregistré" in entry.message
    ]
    assert typed == [
        (
            "feuille « items », ligne 2",
            f"« {column} » : Excel a enregistré un booléen, lu « {text} » ; vérifiez le texte "
            "(une apostrophe en tête de cellule le garde tel quel).",
        )
        for column, text in (("option_a", "Vrai"), ("option_b", "Faux"))
    ]
