"""Metadata values typed as the interface writes them: « récente », with its accent.

The workshop shows the volatility « récente »; the import knew only the stored value
« recente » and refused the accented word an author types by hand.
"""

from __future__ import annotations

from questionnaire.banks.models import Volatility
from questionnaire.exchange.tabular import parse_csv
from tests.exchange.conftest import TODAY


def test_an_accented_value_is_read():
    data = "stem,option_a,option_b,option_c,correct,volatility\nQ ?,a,b,c,A,Récente\n"
    result = parse_csv(data.encode(), "x.csv", TODAY)
    assert result.report.errors == []
    assert [source.item.volatility for source in result.items] == [Volatility.RECENTE]
