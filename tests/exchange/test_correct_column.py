"""The ``correct`` column of CSV and XLSX: a cell that names no option letter is quoted back.

« 2 » (options numbered) read as « no correct answer », and « Réponse B » as options R, É, P…
"""

from __future__ import annotations

import pytest

from questionnaire.exchange.tabular import parse_csv
from tests.exchange.conftest import TODAY


def _parse(correct: str):
    text = f'stem,option_a,option_b,option_c,option_d,correct\nQ ?,a,b,c,d,"{correct}"\n'
    return parse_csv(text.encode(), "bulk.csv", TODAY)


@pytest.mark.parametrize(
    ("cell", "keys"),
    [("B", ["B"]), ("a, c", ["A", "C"]), ("A;C", ["A", "C"]), ("AC", ["A", "C"]),
     ("A / C", ["A", "C"]), ("A+C", ["A", "C"]), ("B.", ["B"])],
)  # fmt: skip
def test_documented_and_usual_spellings(cell, keys):
    result = _parse(cell)
    assert result.report.errors == []
    assert [source.item.correct_keys for source in result.items] == [keys]


def test_an_option_number_is_an_error_that_says_to_use_letters():
    result = _parse("2")
    assert [(e.location, e.message) for e in result.report.errors] == [
        (
            "ligne 2",
            "« correct » vaut « 2 » : indiquez la lettre de chaque bonne réponse, par exemple "
            "B, A,C ou AC (une option se désigne par sa lettre, A pour option_a, pas par un "
            "numéro).",
        )
    ]


@pytest.mark.parametrize("cell", ["Réponse B", "A et C"])
def test_words_in_the_cell_are_quoted_back(cell):
    result = _parse(cell)
    assert result.items == []
    assert [(e.location, e.message) for e in result.report.errors] == [
        (
            "ligne 2",
            f"« correct » vaut « {cell} » : indiquez la lettre de chaque bonne réponse, par "
            "exemple B, A,C ou AC.",
        )
    ]


def test_a_letter_past_the_last_option_is_still_named():
    result = _parse("E")
    assert [e.message for e in result.report.errors] == [
        "« correct » désigne une option absente : E."
    ]
