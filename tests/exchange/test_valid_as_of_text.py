"""« valid_as_of » read from a text (CSV, GIFT comment, QTI metadata): a date, nothing else.

The first ten characters were read and the rest ignored: « 2026-02-150 » (a digit too many)
or « 2026-02-15 à revoir » imported as 15 February without a word.
"""

from __future__ import annotations

from datetime import date

import pytest

from questionnaire.exchange.tabular import parse_csv
from tests.exchange.conftest import TODAY

HEADER = "stem,option_a,option_b,option_c,correct,valid_as_of\n"


def _read(value: str):
    return parse_csv(f"{HEADER}Q ?,a,b,c,A,{value}\n".encode(), "x.csv", TODAY)


@pytest.mark.parametrize("value", ["2026-02-150", "2026-02-15 à revoir", "2026-02-15x"])
def test_a_date_followed_by_other_text_is_an_error(value):
    result = _read(value)
    assert result.items == []
    assert [(e.location, e.message) for e in result.report.errors] == [
        ("ligne 2", f"« valid_as_of » vaut « {value} » ; attendu : AAAA-MM-JJ ou JJ/MM/AAAA.")
    ]


@pytest.mark.parametrize(
    "value", ["2026-02-15", " 2026-02-15 ", "2026-02-15 00:00:00", "2026-02-15T00:00:00+01:00"]
)
def test_a_date_alone_or_with_its_time_is_read(value):
    result = _read(value)
    assert result.report.errors == []
    assert [source.item.valid_as_of for source in result.items] == [date(2026, 2, 15)]


@pytest.mark.parametrize("value", ["20/02/2026", "20/2/2026", "20/02/2026 00:00"])
def test_a_date_as_a_french_excel_saves_it_is_read(value):
    """An exported CSV, opened and saved again in a French Excel, has its dates « 20/02/2026 »:
    every row was refused on « valid_as_of »."""
    result = _read(value)
    assert result.report.errors == []
    assert [source.item.valid_as_of for source in result.items] == [date(2026, 2, 20)]


@pytest.mark.parametrize("value", ["31/02/2026", "02/20/2026", "20/02/26"])
def test_an_impossible_or_ambiguous_day_first_date_is_an_error(value):
    result = _read(value)
    assert [(e.location, e.message) for e in result.report.errors] == [
        ("ligne 2", f"« valid_as_of » vaut « {value} » ; attendu : AAAA-MM-JJ ou JJ/MM/AAAA.")
    ]
