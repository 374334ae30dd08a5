"""Classical item statistics against hand-worked values, independent formulas and LSAT-6."""

from __future__ import annotations

import math
import statistics

import numpy as np
import pandas as pd
import pytest
from conftest import HAND_MATRIX, LSAT6_ITEMS, long_from_matrix, lsat6_matrix

from analytics.classical import (
    FlagThresholds,
    alpha_if_deleted,
    item_stats,
    masked_corr,
    pairwise_covariance,
)
from analytics.io import prepare


def cronbach(matrix: np.ndarray) -> float:
    """Textbook alpha: k/(k−1)·(1 − Σ s²_item / s²_total), sample variances."""
    k = matrix.shape[1]
    item_vars = sum(statistics.variance(col) for col in matrix.T.tolist())
    total_var = statistics.variance(matrix.sum(axis=1).tolist())
    return k / (k - 1) * (1 - item_vars / total_var)


def fractional_groups(totals: list[float], share: float = 0.27) -> tuple[list, list]:
    """Upper/lower weights: exactly share·n attempts, ties at the boundary share the rest."""
    n = len(totals)
    g = share * n
    out = []
    for sign in (1, -1):
        ranked = sorted(totals, key=lambda t: -sign * t)
        boundary = ranked[math.ceil(g) - 1]
        beyond = [t for t in totals if sign * t > sign * boundary]
        tied = [t for t in totals if t == boundary]
        w_tied = (g - len(beyond)) / len(tied)
        out.append([1.0 if sign * t > sign * boundary else w_tied if t == boundary else 0.0
                    for t in totals])  # fmt: skip
    return out[0], out[1]


def test_hand_worked_6x5(hand_table: pd.DataFrame) -> None:
    """Hand computation (6 attempts, totals 5, 4, 3, 2, 1, 1).

    Facilities: 5/6, 4/6, 3/6, 2/6, 2/6. Item sample variances p(1 − p)·n/(n − 1):
    1/6, 4/15, 3/10, 4/15, 4/15 (sum 19/15); total variance 40/3 / 5 = 8/3;
    alpha = 5/4 · (1 − (19/15)/(8/3)) = 21/32 = 0.65625.
    Item 1 vs rest (4, 3, 2, 1, 1, 0): Sxy = 5/6, Sxx = 5/6, Syy = 65/6 → r_rest = 1/√13.
    d27: 27 % of 6 = 1.62 attempts; upper = totals 5 (w 1) and 4 (w 0.62); lower = the two
    totals of 1 (w 0.81 each); item 1: upper mean 1, lower mean 0.5 → d27 = 0.5.
    """
    stats = item_stats(hand_table).set_index("item_id")
    np.testing.assert_allclose(stats["facility"], [5 / 6, 4 / 6, 3 / 6, 2 / 6, 2 / 6])
    np.testing.assert_allclose(
        stats["sd"], np.sqrt([1 / 6, 4 / 15, 3 / 10, 4 / 15, 4 / 15]), rtol=1e-12
    )
    assert stats.loc["I1", "r_rest"] == pytest.approx(1 / math.sqrt(13), rel=1e-12)
    assert stats.loc["I1", "d27"] == pytest.approx(0.5, rel=1e-12)
    assert stats["n"].tolist() == [6] * 5
    assert cronbach(HAND_MATRIX) == pytest.approx(21 / 32, rel=1e-12)

    totals = HAND_MATRIX.sum(axis=1)
    upper, lower = fractional_groups(totals.tolist())
    for j, item in enumerate(stats.index):
        col = HAND_MATRIX[:, j].tolist()
        rest = (totals - HAND_MATRIX[:, j]).tolist()
        assert stats.loc[item, "r_total"] == pytest.approx(
            statistics.correlation(col, totals.tolist()), rel=1e-12
        )
        assert stats.loc[item, "r_rest"] == pytest.approx(
            statistics.correlation(col, rest), rel=1e-12
        )
        d27 = np.dot(upper, col) / sum(upper) - np.dot(lower, col) / sum(lower)
        assert stats.loc[item, "d27"] == pytest.approx(d27, rel=1e-12, abs=1e-15)
        reduced = np.delete(HAND_MATRIX, j, axis=1)
        assert stats.loc[item, "alpha_if_deleted"] == pytest.approx(cronbach(reduced), rel=1e-12)


def test_lsat6_classical_values() -> None:
    """LSAT-6 (Bock & Lieberman 1970): facilities .924 .709 .553 .763 .870 as published;
    Cronbach's alpha 0.295 as given by R `ltm::descript(LSAT)` / `psych::alpha(LSAT)`."""
    from conftest import lsat6_long

    matrix = lsat6_matrix()
    assert matrix.shape == (1000, 5)
    stats = item_stats(lsat6_long())
    assert stats["item_id"].tolist() == LSAT6_ITEMS
    np.testing.assert_allclose(stats["facility"], [0.924, 0.709, 0.553, 0.763, 0.870])
    assert cronbach(matrix.astype(float)) == pytest.approx(0.295, abs=5e-4)
    totals = matrix.sum(axis=1)
    for j in range(5):
        reduced = np.delete(matrix, j, axis=1).astype(float)
        assert stats["alpha_if_deleted"][j] == pytest.approx(cronbach(reduced), rel=1e-10)
        assert stats["r_rest"][j] == pytest.approx(
            np.corrcoef(matrix[:, j], totals - matrix[:, j])[0, 1], rel=1e-10
        )
    # low r_rest on every LSAT item (a famously weakly discriminating test)
    assert all("low_discrimination" in f for f in stats["flags"])


def test_incomplete_design_uses_proportion_totals() -> None:
    """Per item: attempts that saw it, correlated with their proportion-correct total."""
    rng = np.random.default_rng(5)
    matrix = (rng.random((40, 6)) < 0.6).astype(float)
    matrix[rng.random((40, 6)) < 0.3] = np.nan
    matrix[0] = [1, np.nan, np.nan, np.nan, np.nan, np.nan]  # saw a single item
    stats = item_stats(long_from_matrix(matrix)).set_index("item_id")
    seen = ~np.isnan(matrix)
    totals = np.nansum(matrix, axis=1)
    maxima = seen.sum(axis=1)
    for j, item in enumerate(stats.index):
        rows = seen[:, j]
        col = matrix[rows, j]
        assert stats.loc[item, "n"] == rows.sum()
        assert stats.loc[item, "facility"] == pytest.approx(col.mean())
        assert stats.loc[item, "sd"] == pytest.approx(statistics.stdev(col.tolist()))
        prop = totals[rows] / maxima[rows]
        assert stats.loc[item, "r_total"] == pytest.approx(
            statistics.correlation(col.tolist(), prop.tolist()), rel=1e-10
        )
        ok = rows & (maxima > 1)  # the rest score needs at least one other item
        rest = (totals[ok] - matrix[ok, j]) / (maxima[ok] - 1)
        assert stats.loc[item, "r_rest"] == pytest.approx(
            statistics.correlation(matrix[ok, j].tolist(), rest.tolist()), rel=1e-10
        )


def test_pairwise_covariance_and_alpha_if_deleted_incomplete() -> None:
    """Pairwise covariances equal pandas' pairwise-complete DataFrame.cov(); alpha if deleted
    is the attempt mean of alpha(own items − i) computed from that matrix."""
    rng = np.random.default_rng(11)
    theta = rng.normal(size=300)
    logits = theta[:, None] - np.array([0, 0.5, -0.5, 1, 0])
    matrix = (rng.random((300, 5)) < 1 / (1 + np.exp(-logits))).astype(float)
    matrix[rng.random((300, 5)) < 0.25] = np.nan
    data = prepare(long_from_matrix(matrix))
    cov = pd.DataFrame(matrix).cov().to_numpy()
    np.testing.assert_allclose(pairwise_covariance(data), cov, rtol=1e-10)

    def alpha_of(items: list[int]) -> float:
        if len(items) < 2:
            return math.nan
        sub = cov[np.ix_(items, items)]
        return len(items) / (len(items) - 1) * (1 - np.trace(sub) / sub.sum())

    expected = []
    for i in range(5):
        values = []
        for row in matrix:
            items = [j for j in range(5) if not np.isnan(row[j]) and j != i]
            values.append(alpha_of(items))
        expected.append(np.nanmean(values))
    np.testing.assert_allclose(alpha_if_deleted(data), expected, rtol=1e-10)


def test_masked_corr_matches_numpy() -> None:
    rng = np.random.default_rng(2)
    x = rng.random((50, 3))
    y = rng.random((50, 3))
    mask = rng.random((50, 3)) < 0.7
    r = masked_corr(np.where(mask, x, 0), np.where(mask, y, 0), mask)
    for j in range(3):
        m = mask[:, j]
        assert r[j] == pytest.approx(np.corrcoef(x[m, j], y[m, j])[0, 1], rel=1e-10)


def test_flags_and_thresholds() -> None:
    """I1 right for all (too easy), I2 for none (too hard); r_rest of I3, I4, I5 are
    −0.289, 0 and 0.5 (checked with statistics.correlation)."""
    matrix = np.array(
        [
            [1, 0, 0, 1, 1],
            [1, 0, 0, 1, 1],
            [1, 0, 0, 1, 0],
            [1, 0, 1, 1, 1],
            [1, 0, 1, 0, 0],
            [1, 0, 1, 0, 1],
            [1, 0, 1, 0, 0],
            [1, 0, 0, 0, 0],
        ],
        dtype=float,
    )
    stats = item_stats(long_from_matrix(matrix)).set_index("item_id")
    totals = matrix.sum(axis=1)
    for j, r in ((2, -0.2886751), (3, 0.0), (4, 0.5)):
        rest = (totals - matrix[:, j]).tolist()
        assert statistics.correlation(matrix[:, j].tolist(), rest) == pytest.approx(r, abs=1e-7)
        assert stats["r_rest"].iloc[j] == pytest.approx(r, abs=1e-7)
    assert stats.loc["I1", "flags"] == "too_easy"  # r_rest undefined (no variance): no flag
    assert np.isnan(stats.loc["I1", "r_rest"])
    assert stats.loc["I2", "flags"] == "too_hard"
    assert stats.loc["I3", "flags"] == "negative_discrimination"
    assert stats.loc["I4", "flags"] == "low_discrimination"
    assert stats.loc["I5", "flags"] == ""
    relaxed = FlagThresholds(too_easy=1.0, too_hard=0.0, negative_discrimination=-1.0,
                             low_discrimination=-1.0)  # fmt: skip
    assert (item_stats(long_from_matrix(matrix), relaxed)["flags"] == "").all()


def test_distractor_flags() -> None:
    """Unused distractor (< 5 %) and a distractor preferred by the strong (possible key)."""
    rows = []
    for a in range(40):
        strong = a < 20
        # Item Q1: key A; option C is chosen only by strong candidates (second key?)
        # option D is never chosen; B is chosen by weak candidates.
        q1 = "A" if a % 2 == 0 else ("C" if strong else "B")
        q2 = "A" if strong else "B"
        q3 = "A" if strong or a % 3 == 0 else "C"
        for item, option in (("Q1", q1), ("Q2", q2), ("Q3", q3)):
            rows.append((f"T{a:02d}", item, float(option == "A"), option, "A"))
    df = pd.DataFrame(rows, columns=["attempt_id", "item_id", "score", "option", "key"])
    flags = item_stats(df, options=["A", "B", "C", "D"]).set_index("item_id")["flags"]
    assert "possible_second_key:C" in flags["Q1"]
    assert "unused_distractor:D" in flags["Q1"]
    assert "possible_second_key:B" not in flags["Q1"]
    assert "unused_distractor:C" in flags["Q2"] and "unused_distractor:D" in flags["Q2"]
    # With a significance test, C's weak evidence (upper 7 % vs lower 0 %, n = 40) is not enough
    strict = FlagThresholds(second_key_margin=0.05, second_key_alpha=0.05)
    strict_flags = item_stats(df, strict, options=["A", "B", "C", "D"]).set_index("item_id")
    assert "possible_second_key" not in strict_flags.loc["Q1", "flags"]


def test_second_key_significance_keeps_clear_evidence() -> None:
    """60 attempts: the 20 strongest all choose C on Q1 (key A): flagged even with the test."""
    rows = []
    for a in range(60):
        level = a // 20  # 0 strong, 1 middle, 2 weak
        others = 4 - level * 2  # 4, 2, 0 of the four other items right
        q1 = "C" if level == 0 else ("A" if level == 1 else "B")
        rows.append((f"T{a:02d}", "Q1", float(q1 == "A"), q1, "A"))
        for j in range(4):
            right = j < others or (level == 2 and a % 4 == j)
            rows.append((f"T{a:02d}", f"Q{j + 2}", float(right), "A" if right else "B", "A"))
    df = pd.DataFrame(rows, columns=["attempt_id", "item_id", "score", "option", "key"])
    strict = FlagThresholds(second_key_margin=0.05, second_key_alpha=0.05)
    flags = item_stats(df, strict, options=["A", "B", "C"]).set_index("item_id")["flags"]
    assert "possible_second_key:C" in flags["Q1"]
    assert "possible_second_key:B" not in flags["Q1"]


def test_partial_credit_scales() -> None:
    """facility = mean / max_score; sd in score points; d27 on the facility scale."""
    scores = np.array([[2, 1], [1, 1], [2, 0], [0, 0], [1, 1]], dtype=float)
    table = long_from_matrix(scores)
    table["max_score"] = np.where(table["item_id"] == "I1", 2.0, 1.0)
    stats = item_stats(table).set_index("item_id")
    assert stats.loc["I1", "facility"] == pytest.approx(6 / 5 / 2)
    assert stats.loc["I1", "sd"] == pytest.approx(statistics.stdev([2, 1, 2, 0, 1]))
    # proportion totals 1, 2/3, 2/3, 0, 2/3 → upper = 1 (w 1) + 0.35 shared by three 2/3
    prop = (scores.sum(axis=1) / 3).tolist()
    upper, lower = fractional_groups(prop)
    d27 = (np.dot(upper, scores[:, 0]) / sum(upper) - np.dot(lower, scores[:, 0]) / sum(lower)) / 2
    assert stats.loc["I1", "d27"] == pytest.approx(d27)


def test_d27_is_undefined_for_one_attempt() -> None:
    """One candidate would be both the upper and the lower group: D is empty, not 0."""
    one = pd.DataFrame({"attempt_id": ["a"] * 3, "item_id": ["Q1", "Q2", "Q3"],
                        "score": [1.0, 0.0, 1.0]})  # fmt: skip
    stats = item_stats(one)
    assert stats["d27"].isna().all()
    # an item seen by a single attempt of an incomplete design is empty too
    rows = [("a", "Q1", 1.0), ("b", "Q1", 0.0), ("a", "Q2", 1.0)]
    stats = item_stats(pd.DataFrame(rows, columns=["attempt_id", "item_id", "score"]))
    d27 = stats.set_index("item_id")["d27"]
    assert math.isnan(d27["Q2"]) and d27["Q1"] == pytest.approx(1.0)


@pytest.mark.parametrize("presented_share", [0.05, 0.3])
def test_sparse_and_dense_pairwise_covariances_agree(presented_share) -> None:
    """The two ways of computing the pairwise covariances (sparse products for a large and
    sparse matrix, dense ones otherwise) give pandas' pairwise-complete covariances."""
    from analytics.io import _pairwise_cov_dense, _pairwise_cov_sparse

    rng = np.random.default_rng(5)
    matrix = (rng.random((400, 30)) < 0.6).astype(float)
    matrix[rng.random((400, 30)) >= presented_share] = np.nan
    presented = ~np.isnan(matrix)
    expected = pd.DataFrame(matrix).cov(min_periods=2).to_numpy()
    for computed in (
        _pairwise_cov_dense(matrix, presented),
        _pairwise_cov_sparse(matrix, presented),
    ):
        np.testing.assert_array_equal(np.isnan(computed), np.isnan(expected))
        np.testing.assert_allclose(computed, expected, rtol=1e-9, atol=1e-12)


def test_a_large_sparse_period_takes_the_sparse_products(monkeypatch) -> None:
    """2,000 attempts of 20 items drawn from 400: the sparse products, same result."""
    import analytics.io as io_module

    rng = np.random.default_rng(6)
    matrix = np.full((2_000, 400), np.nan)
    rows = np.repeat(np.arange(2_000), 20)
    cols = np.argsort(rng.random((2_000, 400)), axis=1)[:, :20].ravel()
    matrix[rows, cols] = rng.random(len(rows)) < 0.7
    calls = []
    sparse = io_module._pairwise_cov_sparse
    monkeypatch.setattr(io_module, "_pairwise_cov_sparse", lambda *a: calls.append(1) or sparse(*a))
    data = prepare(long_from_matrix(matrix))
    cov = pairwise_covariance(data)
    assert calls == [1]
    presented = ~np.isnan(matrix)
    dense = io_module._pairwise_cov_dense(matrix, presented)
    np.testing.assert_allclose(cov, dense, rtol=1e-9, atol=1e-12)
