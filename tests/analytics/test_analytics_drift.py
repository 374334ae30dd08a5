"""Item drift relative to the cohort: hand-worked Mantel–Haenszel, and a cohort that is only
stronger or weaker never shows drift."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from analytics import item_drift
from analytics.io import AnalyticsInputError


def long_table(patterns: dict[str, list[list[int]]]) -> pd.DataFrame:
    """One row per (attempt, item) from right (1) / wrong (0) patterns, by period."""
    rows = []
    for period, block in patterns.items():
        for n, pattern in enumerate(block):
            for i, score in enumerate(pattern):
                rows.append((f"{period}-{n}", f"I{i + 1}", score, period))
    return pd.DataFrame(rows, columns=["attempt_id", "item_id", "score", "period"])


TINY = {
    "before": [[1, 1, 1], [1, 1, 0], [0, 1, 1], [1, 0, 0], [0, 1, 0], [0, 0, 0]],
    "after": [[1, 1, 1], [0, 1, 1], [0, 1, 1], [1, 1, 0], [0, 0, 1], [0, 1, 0]],
}


def test_drift_of_one_item_by_hand():
    """Item I1, attempts matched on the total score (the item included).

    total 0: one attempt (before, wrong): no comparison.
    total 1: before a = 1 right, b = 1 wrong; after c = 0, d = 2; N = 4.
    total 2: before a = 1, b = 1; after c = 1, d = 2; N = 5.
    total 3: everybody right: no comparison.
    alpha = (1·2/4 + 1·2/5) / (1·0/4 + 1·1/5) = 0.9 / 0.2 = 4.5 (harder after);
    E(a) = 2·1/4 + 2·2/5 = 1.3; Var(a) = 2·2·1·3/(16·3) + 2·3·2·3/(25·4) = 0.25 + 0.36;
    chi-square = (|2 − 1.3| − 0.5)² / 0.61 = 0.04 / 0.61.
    """
    drift = item_drift(long_table(TINY), "period", "before", "after").set_index("item_id")
    row = drift.loc["I1"]
    assert (row.n_before, row.n_after) == (6, 6)
    assert row.facility_before == pytest.approx(3 / 6)
    assert row.facility_after == pytest.approx(2 / 6)
    assert row.raw_change == pytest.approx(-1 / 6)
    assert row.mh_alpha == pytest.approx(4.5)
    assert row.mh_d == pytest.approx(-2.35 * math.log(4.5))
    assert row.mh_chi2 == pytest.approx(0.04 / 0.61)
    assert row.mh_p == pytest.approx(stats.chi2.sf(0.04 / 0.61, 1))
    assert row.ets_class == "A"  # six copies a period: not significant
    assert list(drift.index) == ["I1", "I2", "I3"]


def test_items_seen_in_one_period_only_are_left_out():
    table = long_table(TINY)
    table = table[~((table["item_id"] == "I3") & (table["period"] == "after"))]
    assert list(item_drift(table, "period", "before", "after")["item_id"]) == ["I1", "I2"]


def test_unknown_period_is_a_clear_error():
    with pytest.raises(AnalyticsInputError, match="période « plus tard » absente"):
        item_drift(long_table(TINY), "period", "before", "plus tard")


def _reweighted(patterns: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Each pattern repeated weights[total] times: the likelihood of a pattern under the Rasch
    model is multiplied by exp(shift × total) when every ability moves by the same shift."""
    return np.repeat(patterns, weights[patterns.sum(axis=1)], axis=0)


def test_a_cohort_only_stronger_or_weaker_shows_no_drift():
    """Property: for any answer patterns and any change of the cohort's ability (the same
    patterns, reweighted by their total score), no item drifts, whereas raw facilities move."""
    raw_moves = 0
    for seed in range(40):
        rng = np.random.default_rng(seed)
        n_items = int(rng.integers(3, 9))
        first = (rng.random((int(rng.integers(20, 60)), n_items)) < rng.random(n_items)).astype(int)
        weights = rng.integers(1, 6, size=n_items + 1)  # any positive weight per total score
        second = _reweighted(first, weights)
        for before, after in ((first, second), (second, first)):
            table = long_table({"before": before.tolist(), "after": after.tolist()})
            drift = item_drift(table, "period", "before", "after")
            same = item_drift(
                long_table({"before": before.tolist(), "after": before.tolist()}),
                "period",
                "before",
                "after",
            )
            assert list(drift["ets_class"]) == list(same["ets_class"]), seed
            defined = drift["mh_alpha"].notna()
            assert np.allclose(drift.loc[defined, "mh_alpha"], 1.0), seed
            assert np.allclose(drift.loc[defined, "mh_d"], 0.0, atol=1e-12), seed
            assert set(drift["ets_class"]) <= {"A", ""}, seed
            raw_moves += int((drift["raw_change"].abs() > 0.05).sum())
    assert raw_moves > 100  # the raw facility change would have read these as drift


def _rasch(rng: np.random.Generator, abilities: np.ndarray, difficulty: np.ndarray) -> np.ndarray:
    chance = 1 / (1 + np.exp(-(abilities[:, None] - difficulty[None, :])))
    return (rng.random(chance.shape) < chance).astype(int)


@pytest.mark.parametrize("shift", [-1.0, 0.0, 0.5, 1.0])
def test_a_drifting_item_is_found_whatever_the_cohorts_level(shift):
    """Rasch data: item I4 becomes 1.2 logits harder; the second cohort's ability moves by
    ``shift``. Only I4 drifts (class C), for every shift; the raw facility change of the other
    items follows the cohort."""
    rng = np.random.default_rng(11)
    difficulty = np.linspace(-1.5, 1.5, 8)
    later = difficulty.copy()
    later[3] += 1.2
    first = _rasch(rng, rng.normal(0, 1, 2000), difficulty)
    second = _rasch(rng, rng.normal(shift, 1, 2000), later)
    table = long_table({"before": first.tolist(), "after": second.tolist()})
    drift = item_drift(table, "period", "before", "after").set_index("item_id")
    assert drift.loc["I4", "ets_class"] == "C" and drift.loc["I4", "mh_d"] < -1.5
    assert (drift.drop(index="I4")["ets_class"] == "A").all()
    others = drift.drop(index="I4")["raw_change"]
    if abs(shift) >= 1:
        assert (others.abs() > 0.1).all()  # every item « moved »: the cohort did
