"""Distractor analysis on a small hand-checked example (single and multiple answers, omits)."""

from __future__ import annotations

import statistics

import numpy as np
import pandas as pd
import pytest

from analytics.distractors import distractor_analysis, split_options
from analytics.io import AnalyticsInputError

#: Q1 key A (C never chosen); Q2 key A;C with partial credit.
ROWS = [
    ("a1", "Q1", 1.0, "A", "A"), ("a1", "Q2", 1.0, "A;C", "A;C"),
    ("a2", "Q1", 1.0, "A", "A"), ("a2", "Q2", 0.5, "A", "A;C"),
    ("a3", "Q1", 0.0, "B", "A"), ("a3", "Q2", 0.0, "C;D", "A;C"),
    ("a4", "Q1", 0.0, "", "A"), ("a4", "Q2", 1.0, "A;C", "A;C"),
    ("a5", "Q1", 0.0, "D", "A"), ("a5", "Q2", 0.0, "B", "A;C"),
]  # fmt: skip
TOTALS = {"a1": 2.0, "a2": 1.5, "a3": 0.0, "a4": 1.0, "a5": 0.0}
# 27 % of 5 attempts = 1.35: upper = a1 (1) + a2 (0.35); lower = a3, a5 tied at 0 (0.675 each)
UPPER = {"a1": 1.0, "a2": 0.35}
LOWER = {"a3": 0.675, "a5": 0.675}


@pytest.fixture
def table() -> pd.DataFrame:
    return pd.DataFrame(ROWS, columns=["attempt_id", "item_id", "score", "option", "key"])


def test_split_options() -> None:
    assert split_options("A; C") == ["A", "C"]
    assert split_options("") == []


def test_option_rows_and_values(table: pd.DataFrame) -> None:
    out = distractor_analysis(table)
    q1 = out[out["item_id"] == "Q1"].set_index("option")
    assert list(q1.index) == ["A", "B", "C", "D", "(omit)"]  # C never chosen, still listed
    assert q1["is_key"].tolist() == [True, False, False, False, False]
    np.testing.assert_allclose(q1["proportion"], [0.4, 0.2, 0.0, 0.2, 0.2])
    assert q1.loc["A", "mean_total"] == pytest.approx(1.75)
    assert np.isnan(q1.loc["C", "mean_total"])
    assert q1.loc["(omit)", "mean_total"] == pytest.approx(1.0)
    assert q1.loc["A", "p_upper"] == pytest.approx(1.0)
    assert q1.loc["A", "p_lower"] == pytest.approx(0.0)
    assert q1.loc["B", "p_lower"] == pytest.approx(0.5)
    assert q1.loc["D", "p_lower"] == pytest.approx(0.5)

    q2 = out[out["item_id"] == "Q2"].set_index("option")
    assert q2["is_key"].tolist() == [True, False, True, False, False]
    np.testing.assert_allclose(q2["proportion"], [0.6, 0.2, 0.6, 0.2, 0.0])  # A;C counts twice

    attempts = list(TOTALS)
    totals = [TOTALS[a] for a in attempts]
    for item, option, chosen_by in (
        ("Q1", "A", {"a1", "a2"}),
        ("Q1", "B", {"a3"}),
        ("Q2", "A", {"a1", "a2", "a4"}),
        ("Q2", "C", {"a1", "a3", "a4"}),
        ("Q2", "D", {"a3"}),
    ):
        row = out[(out["item_id"] == item) & (out["option"] == option)].iloc[0]
        chose = [1.0 if a in chosen_by else 0.0 for a in attempts]
        assert row["r_total"] == pytest.approx(statistics.correlation(chose, totals))
        up = sum(UPPER.get(a, 0) for a in chosen_by) / sum(UPPER.values())
        low = sum(LOWER.get(a, 0) for a in chosen_by) / sum(LOWER.values())
        assert row["p_upper"] == pytest.approx(up)
        assert row["p_lower"] == pytest.approx(low)
        assert row["mean_total"] == pytest.approx(np.mean([TOTALS[a] for a in chosen_by]))


def test_declared_options_add_unchosen_ones(table: pd.DataFrame) -> None:
    out = distractor_analysis(table, options=["A", "B", "C", "D", "E"])
    assert (out["option"] == "E").sum() == 2
    e = out[out["option"] == "E"].iloc[0]
    assert e["proportion"] == 0.0 and e["p_upper"] == 0.0


def test_option_column_required() -> None:
    df = pd.DataFrame({"attempt_id": ["a"], "item_id": ["q"], "score": [1]})
    with pytest.raises(AnalyticsInputError, match="option"):
        distractor_analysis(df)
