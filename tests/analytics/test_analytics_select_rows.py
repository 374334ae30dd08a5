"""`select_rows`: rows of a prepared table equal to `prepare` on the same rows of the table."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analytics import AnalyticsInputError, ResponseData, prepare, select_rows, test_stats

ARRAYS = ("attempt_ids", "item_ids", "row_attempt", "row_item", "scores", "max_scores")


def assert_same(derived: ResponseData, plain: ResponseData) -> None:
    """The same table (categories in the same order, exact values) and the same arrays."""
    pd.testing.assert_frame_equal(derived.table, plain.table, check_exact=True)
    for name in ARRAYS:
        mine, theirs = getattr(derived, name), getattr(plain, name)
        assert mine.dtype == theirs.dtype and mine.shape == theirs.shape, name
        assert np.array_equal(mine, theirs, equal_nan=mine.dtype.kind == "f"), name


def _blocks() -> pd.DataFrame:
    """Two sessions whose ids, items and texts first appear in different orders: items whose
    natural keys tie (« Q1 », « Q01 »), texts equal once stripped, "" in one block only."""
    rows = []
    for attempt, (items, options, group) in enumerate(
        [
            (["Q10", "Q2", "Q01"], ["B", "A;C", ""], "F"),
            (["Q1", "Q2", "Q10"], [" B", "A", "B "], ""),
            (["Q2", "Q1", "Q01"], ["A", "B", "A"], "H"),
            (["Q01", "Q10", "Q1"], ["", "A ", "C"], " H"),
        ]
    ):
        session = "S2" if attempt < 2 else "S1"
        for position, (item, option) in enumerate(zip(items, options, strict=True)):
            rows.append(
                {
                    "attempt_id": f"{session}-C{3 - attempt}",
                    "item_id": item,
                    "score": float((attempt + position) % 2),
                    "max_score": 1.0,
                    "option": option,
                    "key": "A",
                    "group": group,
                    "seconds": float(10 * position + attempt),
                }
            )
    return pd.DataFrame(rows)


def test_each_session_of_a_table_as_if_prepared_alone() -> None:
    table = _blocks()
    whole = prepare(table)
    session = table["attempt_id"].str[:2]
    for name in ("S2", "S1"):
        rows = (session == name).to_numpy()
        derived = select_rows(whole, rows)
        assert_same(derived, prepare(table[rows].reset_index(drop=True)))
        # the categories are not the whole table's: their order is the block's own
        assert list(derived.table["option"].cat.categories) != list(
            whole.table["option"].cat.categories
        )


def test_scattered_rows_and_the_statistics_computed_on_them() -> None:
    rng = np.random.default_rng(7)
    items = ["Item 2", "Item 10", "item 1", "Item 1", "X"]
    rows = [
        {
            "attempt_id": f"P{attempt}",
            "item_id": item,
            "score": float(rng.integers(0, 2)),
            "option": rng.choice(["A", "B", "", "A;B", " B"]),
            "key": "A",
            "group": rng.choice(["", "F", "H"]),
        }
        for attempt in range(60)
        for item in rng.choice(items, size=int(rng.integers(2, 6)), replace=False)
    ]
    table = pd.DataFrame(rows)
    whole = prepare(table)
    for _ in range(20):
        mask = rng.random(len(table)) < 0.6
        plain = prepare(table[mask].reset_index(drop=True))
        derived = select_rows(whole, mask)
        assert_same(derived, plain)
        assert repr(test_stats(derived, cut=0.5)) == repr(test_stats(plain, cut=0.5))


def test_no_row_is_refused_as_prepare_refuses_an_empty_table() -> None:
    whole = prepare(_blocks())
    with pytest.raises(AnalyticsInputError, match="table vide"):
        select_rows(whole, np.zeros(len(whole.table), dtype=bool))
    with pytest.raises(AnalyticsInputError, match="table vide"):
        prepare(_blocks().iloc[:0])
