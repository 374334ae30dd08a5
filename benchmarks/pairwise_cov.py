"""The two ways of computing pairwise covariances, side by side (run by hand, not a test).

    .venv/bin/python benchmarks/pairwise_cov.py

For matrices shaped like the reports' (attempts × items, each attempt presented a few of the
items), times ``_pairwise_cov_dense`` and ``_pairwise_cov_sparse`` (best of 5) and says which
one ``ResponseData.pairwise_cov`` takes (``SPARSE_MIN_WORK``, ``SPARSE_MAX_DENSITY``).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from analytics.io import (
    SPARSE_MAX_DENSITY,
    SPARSE_MIN_WORK,
    _pairwise_cov_dense,
    _pairwise_cov_sparse,
)

#: (attempts, items, items presented to each attempt)
SHAPES = [
    (300, 40, 20),
    (1000, 60, 20),
    (500, 400, 20),
    (2000, 100, 20),
    (2000, 100, 40),
    (5000, 100, 40),
    (2000, 400, 20),
    (20000, 400, 20),
]


def matrix(rng: np.random.Generator, attempts: int, items: int, presented: int) -> np.ndarray:
    scores = np.full((attempts, items), np.nan)
    columns = np.argsort(rng.random((attempts, items)), axis=1)[:, :presented]
    rows = np.repeat(np.arange(attempts), presented)
    scores[rows, columns.ravel()] = rng.random(attempts * presented) < 0.7
    return scores


def best_ms(function, scores: np.ndarray, presented: np.ndarray) -> float:
    times = []
    for _ in range(5):
        start = time.perf_counter()
        function(scores, presented)
        times.append(time.perf_counter() - start)
    return min(times) * 1000


def main() -> None:
    rng = np.random.default_rng(1)
    print("| attempts × items | presented | dense ms | sparse ms | taken |")
    print("|---|---|---|---|---|")
    for attempts, items, shown in SHAPES:
        scores = matrix(rng, attempts, items, shown)
        presented = ~np.isnan(scores)
        density = shown / items
        sparse = attempts * items * items >= SPARSE_MIN_WORK and density <= SPARSE_MAX_DENSITY
        print(
            f"| {attempts:,} × {items} | {density:.0%} "
            f"| {best_ms(_pairwise_cov_dense, scores, presented):.1f} "
            f"| {best_ms(_pairwise_cov_sparse, scores, presented):.1f} "
            f"| {'sparse' if sparse else 'dense'} |"
        )


if __name__ == "__main__":
    main()
