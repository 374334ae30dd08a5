"""A CSV whose first line declares its separator (« sep=; »), as files meant for Excel do.

Excel reads such a line as the separator to use and hides it; the import took it for the
header and refused the file for want of the columns that are on the next line.
"""

from __future__ import annotations

import pytest

from questionnaire.exchange.tabular import parse_csv
from tests.exchange.conftest import TODAY

ROWS = "stem;option_a;option_b;option_c;correct\nTaux du PFU ?;12,8 %;30 %;45 %;B\n"


@pytest.mark.parametrize("line", ["sep=;", "SEP=;", '"sep=;"'])
def test_a_declared_separator_is_used_and_its_line_skipped(line):
    result = parse_csv(f"{line}\r\n{ROWS}".encode(), "excel.csv", TODAY)
    assert result.report.errors == []
    [source] = result.items
    assert source.location == "ligne 3"  # lines are the file's, the « sep= » line counted
    assert [option.text for option in source.item.options] == ["12,8 %", "30 %", "45 %"]
    assert source.item.correct_keys == ["B"]


def test_a_declared_tab_separator():
    data = "sep=\t\nstem\toption_a\toption_b\tcorrect\nQ ; R ?\ta, b\tc\tA\n"
    result = parse_csv(data.encode(), "x.csv", TODAY)
    assert result.report.errors == []
    assert [option.text for option in result.items[0].item.options] == ["a, b", "c"]


def test_after_a_declared_separator_the_header_is_line_2():
    result = parse_csv(b"sep=,\nenonce,option_a,option_b,bonne\nQ,a,b,A\n", "x.csv", TODAY)
    assert [(e.location, e.message) for e in result.report.errors] == [
        ("ligne 2", "colonne(s) obligatoire(s) absente(s) : stem, correct.")
    ]
