"""Shared fixtures of the analytics tests (pure data: no Flask, no database)."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:  # `pytest` without `python -m`
    sys.path.insert(0, str(ROOT))

#: LSAT section 6: 1000 examinees × 5 items as 32 response patterns with their frequencies.
#: Bock & Lieberman (1970), Psychometrika 35, 179–197; Thissen (1982); R `ltm::LSAT`.
LSAT6_PATTERNS: dict[str, int] = {
    "00000": 3, "00001": 6, "00010": 2, "00011": 11, "00100": 1, "00101": 1, "00110": 3,
    "00111": 4, "01000": 1, "01001": 8, "01010": 0, "01011": 16, "01100": 0, "01101": 3,
    "01110": 2, "01111": 15, "10000": 10, "10001": 29, "10010": 14, "10011": 81, "10100": 3,
    "10101": 28, "10110": 15, "10111": 80, "11000": 16, "11001": 56, "11010": 21,
    "11011": 173, "11100": 11, "11101": 61, "11110": 28, "11111": 298,
}  # fmt: skip
LSAT6_ITEMS = [f"Item {j}" for j in range(1, 6)]


def lsat6_matrix() -> np.ndarray:
    """LSAT-6 as a 1000 × 5 matrix of 0/1 scores (patterns in the order above)."""
    patterns = np.array([[int(c) for c in p] for p in LSAT6_PATTERNS], dtype=np.int64)
    return np.repeat(patterns, list(LSAT6_PATTERNS.values()), axis=0)


def long_from_matrix(
    matrix: np.ndarray, item_ids: list[str] | None = None, attempt_prefix: str = "P"
) -> pd.DataFrame:
    """Long table (attempt_id, item_id, score) from a wide matrix; NaN = not presented."""
    matrix = np.asarray(matrix, dtype=np.float64)
    k = matrix.shape[1]
    items = item_ids or [f"I{j + 1}" for j in range(k)]
    rows, cols = np.nonzero(~np.isnan(matrix))
    return pd.DataFrame(
        {
            "attempt_id": [f"{attempt_prefix}{r + 1:04d}" for r in rows],
            "item_id": [items[c] for c in cols],
            "score": matrix[rows, cols],
        }
    )


def lsat6_long() -> pd.DataFrame:
    """LSAT-6 long table: attempt_id (P0001…P1000), item_id ('Item 1'…'Item 5'), score 0/1."""
    table = long_from_matrix(lsat6_matrix(), LSAT6_ITEMS)
    table["score"] = table["score"].astype(np.int64)
    return table


@pytest.fixture
def lsat6() -> pd.DataFrame:
    """LSAT-6 long table (see `lsat6_long`)."""
    return lsat6_long()


@pytest.fixture(name="lsat6_long")
def _lsat6_long_fixture() -> pd.DataFrame:
    """LSAT-6 long table as a fixture named like the function (`lsat6_long`)."""
    return lsat6_long()


#: Hand-worked 6 attempts × 5 items (see test_analytics_classical.py for the hand results).
HAND_MATRIX = np.array(
    [
        [1, 1, 1, 1, 1],
        [1, 1, 1, 0, 1],
        [1, 1, 0, 1, 0],
        [1, 0, 1, 0, 0],
        [0, 1, 0, 0, 0],
        [1, 0, 0, 0, 0],
    ],
    dtype=np.float64,
)


@pytest.fixture
def hand_table() -> pd.DataFrame:
    """The 6 × 5 hand-worked matrix as a long table (items I1…I5)."""
    return long_from_matrix(HAND_MATRIX)


@pytest.fixture
def write_csv(tmp_path: Path):
    """Write text to a CSV file in tmp_path and return its path."""

    def write(text: str, name: str = "responses.csv") -> Path:
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return path

    return write
