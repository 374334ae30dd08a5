"""Test-level statistics: alpha/KR-20, Feldt CI, moments, exact pass rate, CSEM, consistency."""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
import pandas as pd
import pytest
from conftest import HAND_MATRIX, long_from_matrix, lsat6_long, lsat6_matrix
from scipy import integrate, stats

from analytics import reliability
from analytics.io import prepare

compute = reliability.test_stats


def kr20(matrix: np.ndarray) -> float:
    """Kuder–Richardson 20: k/(k−1)·(1 − Σpq / σ²), population variance of the totals."""
    k = matrix.shape[1]
    p = matrix.mean(axis=0)
    return k / (k - 1) * (1 - (p * (1 - p)).sum() / matrix.sum(axis=1).var())


def hoyt(matrix: np.ndarray) -> float:
    """Hoyt (1941) two-way ANOVA reliability 1 − MS_residual / MS_persons (= alpha)."""
    n, k = matrix.shape
    grand = matrix.mean()
    ss_persons = k * ((matrix.mean(axis=1) - grand) ** 2).sum()
    ss_items = n * ((matrix.mean(axis=0) - grand) ** 2).sum()
    ss_resid = ((matrix - grand) ** 2).sum() - ss_persons - ss_items
    return 1 - (ss_resid / ((n - 1) * (k - 1))) / (ss_persons / (n - 1))


def test_hand_matrix_alpha_is_kr20(hand_table: pd.DataFrame) -> None:
    """Alpha 21/32 by hand (see test_analytics_classical); KR-20 equals it on 0/1 items."""
    result = compute(hand_table)
    assert result.alpha == pytest.approx(21 / 32, rel=1e-12)
    assert kr20(HAND_MATRIX) == pytest.approx(21 / 32, rel=1e-12)
    assert hoyt(HAND_MATRIX) == pytest.approx(21 / 32, rel=1e-12)
    assert result.design == "complete"
    assert (result.n_attempts, result.n_items) == (6, 5)
    assert result.mean == pytest.approx(16 / 6)
    assert result.median == pytest.approx(2.5)
    assert result.sd == pytest.approx(math.sqrt(8 / 3))
    assert result.sem == pytest.approx(math.sqrt(8 / 3) * math.sqrt(1 - 21 / 32))
    assert result.histogram == [
        {"score": 0, "count": 0},
        {"score": 1, "count": 2},
        {"score": 2, "count": 1},
        {"score": 3, "count": 1},
        {"score": 4, "count": 1},
        {"score": 5, "count": 1},
    ]


def test_lsat6_alpha_and_feldt_interval() -> None:
    """LSAT-6: alpha 0.295 (R `ltm::descript(LSAT)`, `psych::alpha`); Feldt (1965) CI
    from the F distribution with df (n − 1, (n − 1)(k − 1)) = (999, 3996)."""
    result = compute(lsat6_long())
    matrix = lsat6_matrix().astype(float)
    assert result.alpha == pytest.approx(0.295, abs=5e-4)
    assert result.alpha == pytest.approx(kr20(matrix), rel=1e-12)
    assert result.alpha == pytest.approx(hoyt(matrix), rel=1e-12)
    lo, hi = result.alpha_ci
    alpha = result.alpha
    assert lo == pytest.approx(1 - (1 - alpha) * stats.f.ppf(0.975, 999, 3996), rel=1e-12)
    assert hi == pytest.approx(1 - (1 - alpha) * stats.f.ppf(0.025, 999, 3996), rel=1e-12)
    assert lo < alpha < hi
    # equivalent statement of Feldt's result: (1 − α)/(1 − α̂) ~ F(n − 1, (n − 1)(k − 1))
    assert stats.f.cdf((1 - lo) / (1 - alpha), 999, 3996) == pytest.approx(0.975)
    assert stats.f.cdf((1 - hi) / (1 - alpha), 999, 3996) == pytest.approx(0.025)
    d = result.to_dict()
    assert d["design"] == "complete" and "forms" not in d


def test_skewness_kurtosis_as_spreadsheet() -> None:
    """SKEW and KURT (bias-corrected, as in spreadsheets) = scipy bias=False."""
    rng = np.random.default_rng(4)
    matrix = (rng.random((57, 12)) < rng.random(12)).astype(float)
    result = compute(long_from_matrix(matrix))
    x = matrix.sum(axis=1)
    n, mean, s = len(x), x.mean(), x.std(ddof=1)
    z = (x - mean) / s
    skew = n / ((n - 1) * (n - 2)) * (z**3).sum()
    kurt = n * (n + 1) / ((n - 1) * (n - 2) * (n - 3)) * (z**4).sum() - 3 * (n - 1) ** 2 / (
        (n - 2) * (n - 3)
    )
    assert result.skewness == pytest.approx(skew, rel=1e-10)
    assert result.kurtosis == pytest.approx(kurt, rel=1e-10)
    assert result.skewness == pytest.approx(stats.skew(x, bias=False), rel=1e-12)
    assert result.kurtosis == pytest.approx(stats.kurtosis(x, bias=False), rel=1e-12)


def _totals_table(cases: list[tuple[int, int]]) -> pd.DataFrame:
    """One attempt per (right, presented) pair: the first `right` items scored 1."""
    rows = []
    for a, (right, length) in enumerate(cases):
        for i in range(length):
            rows.append((f"A{a}", f"Q{i + 1:02d}", 1.0 if i < right else 0.0))
    return pd.DataFrame(rows, columns=["attempt_id", "item_id", "score"])


def test_pass_rate_exact_boundary() -> None:
    """12/20 passes at 0.6, 11/20 fails, 3/5 passes, 17/30 fails."""
    cases = [(12, 20), (11, 20), (3, 5), (17, 30)]
    result = compute(_totals_table(cases), cut=0.6)
    assert result.pass_rate == 0.5
    assert result.design == "incomplete"
    passed = reliability.pass_mask(
        np.array([12.0, 11.0, 3.0, 17.0]), np.array([20.0, 20.0, 5.0, 30.0]), Fraction(3, 5)
    )
    assert passed.tolist() == [True, False, True, False]


def test_pass_mask_ignores_float_noise() -> None:
    """Eight partial credits of 0.1 add up to 0.7999999999999999 in floating point: still
    a pass at 80 %. Even the float 0.6 is below 3/5 exactly, yet 0.6/1 passes at 0.6."""
    total = np.cumsum([0.1] * 8)[-1]
    assert total < 0.8
    assert reliability.pass_mask(np.array([total]), np.array([1.0]), Fraction(4, 5))[0]
    assert Fraction(0.6) < Fraction(3, 5)
    assert reliability.pass_mask(np.array([0.6]), np.array([1.0]), Fraction(3, 5))[0]
    assert not reliability.pass_mask(np.array([0.599999]), np.array([1.0]), Fraction(3, 5))[0]


@pytest.mark.parametrize(
    ("cut", "expected"),
    [(0.6, Fraction(3, 5)), ("0.6", Fraction(3, 5)), ("3/5", Fraction(3, 5)),
     ("60%", Fraction(3, 5)), ("0,75", Fraction(3, 4)), (1, Fraction(1))],
)  # fmt: skip
def test_parse_cut(cut: object, expected: Fraction) -> None:
    assert reliability.parse_cut(cut) == expected


@pytest.mark.parametrize("cut", ["abc", "1.5", -0.1])
def test_parse_cut_errors(cut: object) -> None:
    with pytest.raises(ValueError, match="seuil"):
        reliability.parse_cut(cut)


def test_csem_lord_binomial() -> None:
    """Lord (1955) binomial error model at x = cut·k: √(x(k − x)/(k − 1))."""
    assert reliability.lord_csem(12, 20) == pytest.approx(math.sqrt(12 * 8 / 19))
    result = compute(lsat6_long(), cut=0.6)
    assert result.csem_at_cut.score == pytest.approx(3.0)
    assert result.csem_at_cut.value == pytest.approx(math.sqrt(3 * 2 / 4))


def test_huynh_decision_consistency_against_integration() -> None:
    """Beta-binomial (Huynh 1976): p = ∫ [P(X ≥ c | τ)² + P(X < c | τ)²] Beta(τ; a, b) dτ,
    a, b by moments with KR-21; integrated numerically here (independent of the exact sum)."""
    rng = np.random.default_rng(8)
    theta = rng.normal(size=800)
    diff = rng.normal(size=25)
    matrix = (rng.random((800, 25)) < 1 / (1 + np.exp(-(theta[:, None] - diff)))).astype(float)
    x = matrix.sum(axis=1)
    k, cut_score = 25, 15
    p, kappa, kr21, p_pass = reliability.huynh_consistency(x, k, cut_score)
    mu, var = x.mean(), x.var(ddof=1)
    rho = k / (k - 1) * (1 - mu * (k - mu) / (k * var))
    assert kr21 == pytest.approx(rho)
    a, b = mu * (1 / rho - 1), (k - mu) * (1 / rho - 1)

    def agree(tau: float) -> float:
        s = stats.binom.sf(cut_score - 1, k, tau)
        return (s * s + (1 - s) ** 2) * stats.beta.pdf(tau, a, b)

    expected, _ = integrate.quad(agree, 0, 1, limit=200)
    assert p == pytest.approx(expected, rel=1e-7)
    marginal = stats.betabinom.sf(cut_score - 1, k, a, b)
    assert p_pass == pytest.approx(marginal, rel=1e-9)
    chance = marginal**2 + (1 - marginal) ** 2
    assert kappa == pytest.approx((expected - chance) / (1 - chance), rel=1e-6)

    result = compute(long_from_matrix(matrix), cut=0.6)
    assert result.decision_consistency.p == pytest.approx(p)
    assert result.decision_consistency.cut_score == 15
    assert 0.5 < p < 1 and 0 < kappa < 1


def pairwise_alpha_reference(matrix: np.ndarray) -> float:
    """Mean over attempts of the alpha of their items, from pandas' pairwise-complete covariances."""
    cov = pd.DataFrame(matrix).cov().to_numpy()  # pairwise complete observations, n − 1
    alphas = []
    for row in matrix:
        seen = np.flatnonzero(~np.isnan(row))
        if len(seen) < 2:
            continue
        sub = cov[np.ix_(seen, seen)]
        k = len(seen)
        alphas.append(k / (k - 1) * (1 - np.trace(sub) / sub.sum()))
    return float(np.mean(alphas))


def test_incomplete_design_forms() -> None:
    """Alpha per form (exact set of items); top level = the pairwise alpha of every attempt."""
    rng = np.random.default_rng(21)
    theta = rng.normal(size=240)
    full = (rng.random((240, 8)) < 1 / (1 + np.exp(-theta[:, None]))).astype(float)
    matrix = full.copy()
    matrix[:100, 6:] = np.nan  # form of 6 items (100 attempts)
    matrix[100:230, :2] = np.nan  # form of 6 other items (130 attempts)
    matrix[230, :] = np.nan  # a lone attempt on items 1 and 2 only
    matrix[230, :2] = full[230, :2]
    matrix[231:, 1:] = np.nan  # 9 attempts on a single item
    result = compute(long_from_matrix(matrix))
    assert result.design == "incomplete"
    forms = {(f.n_attempts, f.n_items): f for f in result.forms}
    assert set(forms) == {(100, 6), (130, 6), (1, 2), (9, 1)}
    big = forms[(130, 6)]
    sub = matrix[100:230, 2:]
    assert big.alpha == pytest.approx(kr20(sub), rel=1e-10)
    assert big.alpha_ci == pytest.approx(reliability.feldt_ci(big.alpha, 130, 6))
    assert big.sem == pytest.approx(sub.sum(axis=1).std(ddof=1) * math.sqrt(1 - big.alpha))
    assert forms[(1, 2)].alpha is None and "2 tentatives" in forms[(1, 2)].reason
    assert forms[(9, 1)].alpha is None and "2 items" in forms[(9, 1)].reason
    assert forms[(100, 6)].alpha == pytest.approx(kr20(matrix[:100, :6]), rel=1e-10)
    assert result.alpha == pytest.approx(pairwise_alpha_reference(matrix), rel=1e-10)
    assert result.alpha_pairwise == result.alpha
    assert result.alpha_ci is None
    d = result.to_dict()
    assert d["forms"][0]["form_id"] == "F1" and d["forms"][0]["n_attempts"] == 130
    assert "alpha_pairwise" in d["note"]


def test_random_forms_headline_is_pairwise_not_a_mean_of_tiny_form_alphas() -> None:
    """300 attempts, 20 of 22 items drawn per attempt: forms of 1 to 6 copies.

    Averaging those forms' alphas gave −0.42 with a SEM above the SD; the headline is now the
    pairwise alpha (checked against pandas), close to the same items sat by everyone.
    """
    from analytics import simulate_responses

    sim = simulate_responses(22, 300, seed=1, form_length=20)
    matrix = sim.responses.pivot(index="attempt_id", columns="item_id", values="score")
    result = compute(sim.responses)
    assert result.design == "incomplete"
    assert result.alpha == pytest.approx(pairwise_alpha_reference(matrix.to_numpy()), rel=1e-10)
    assert 0.6 < result.alpha < 0.9
    assert result.sem == pytest.approx(result.sd * math.sqrt(1 - result.alpha), rel=1e-12)
    assert result.sem < result.sd
    assert all(f.n_attempts < reliability.MIN_FORM_ATTEMPTS for f in result.forms)
    assert all(f.alpha is None and f.sem is None for f in result.forms)
    two = next(f for f in result.forms if f.n_attempts == 2)
    assert "moins de 30 tentatives" in two.reason


def test_full_design_keeps_its_alpha_below_the_form_minimum(hand_table: pd.DataFrame) -> None:
    """A single form is never hidden, however few attempts: only a warning is added."""
    result = compute(hand_table)
    assert result.design == "complete" and result.alpha == pytest.approx(21 / 32, rel=1e-12)
    assert result.alpha_ci is not None
    assert any("moins de 30" in w for w in result.warnings)
    assert result.to_dict()["warnings"] == result.warnings


def test_negative_alpha_gives_sem_equal_to_sd() -> None:
    """Two items that disagree: s²_total = 0.5 < s1² + s2² = 1, alpha = 2·(1 − 2) = −2."""
    matrix = np.array([[1, 0], [0, 1], [1, 0], [0, 1]], dtype=float)
    matrix = np.vstack([matrix, [[1, 1], [0, 0]]])
    # totals 1,1,1,1,2,0: s²_T = 0.4; s²_1 = s²_2 = 0.3; alpha = 2(1 − 0.6/0.4) = −1
    result = compute(long_from_matrix(matrix))
    assert result.alpha == pytest.approx(-1.0, rel=1e-12)
    assert result.sd == pytest.approx(math.sqrt(0.4), rel=1e-12)
    assert result.sem == pytest.approx(result.sd, rel=1e-12)
    assert any("alpha négatif" in w for w in result.warnings)


def test_enough_attempts_give_no_warning() -> None:
    assert compute(lsat6_long()).warnings == []


def test_pairwise_alpha_equals_alpha_in_complete_design(hand_table: pd.DataFrame) -> None:
    from analytics.classical import alpha_pairwise

    assert alpha_pairwise(prepare(hand_table)) == pytest.approx(21 / 32, rel=1e-12)


def test_degenerate_tables() -> None:
    one = pd.DataFrame({"attempt_id": ["a"], "item_id": ["q"], "score": [1]})
    d = compute(one).to_dict()
    assert d["alpha"] is None and d["sd"] is None and d["skewness"] is None
    assert d["pass_rate"] == 1.0
    constant = long_from_matrix(np.ones((5, 3)))
    d = compute(constant).to_dict()
    assert d["alpha"] is None and d["skewness"] is None and d["sd"] == 0.0
    assert d["decision_consistency"]["p"] is None and d["decision_consistency"]["reason"]


def test_partial_credit_histogram_and_max_total() -> None:
    df = pd.DataFrame(
        {
            "attempt_id": ["a", "a", "b", "b", "c", "c"],
            "item_id": ["q1", "q2"] * 3,
            "score": [0.5, 2, 1, 1, 0, 0.5],
            "max_score": [1, 2] * 3,
        }
    )
    result = compute(df, cut="2/3")
    assert result.max_total == 3.0
    assert result.histogram == [
        {"score": 0.5, "count": 1},
        {"score": 2.0, "count": 1},
        {"score": 2.5, "count": 1},
    ]
    assert result.pass_rate == pytest.approx(2 / 3)  # 2.5/3 and 2/3 pass, 0.5/3 fails


def _sparse_forms() -> pd.DataFrame:
    """Form {Q1, Q2} seen by A, B, C; form {Q2, Q3} by D alone (Q3's variance and its
    covariance with Q2 rest on one attempt: unknown)."""
    rows = [("A", "Q1", 1), ("A", "Q2", 1), ("B", "Q1", 0), ("B", "Q2", 0), ("C", "Q1", 1),
            ("C", "Q2", 0), ("D", "Q2", 1), ("D", "Q3", 0)]  # fmt: skip
    return pd.DataFrame(rows, columns=["attempt_id", "item_id", "score"])


def test_a_form_whose_covariances_are_unknown_has_no_alpha_rather_than_zero() -> None:
    """By hand: var(Q1) = 1/3 (1, 0, 1), var(Q2) = 1/3 (1, 0, 0, 1), cov(Q1, Q2) = 1/6 over
    A, B, C, so alpha{Q1, Q2} = 2 (1 − (2/3) / (2/3 + 2/6)) = 2/3. D's form has no alpha (its
    covariances are unknown): it was counted as 0, giving (3 × 2/3 + 0) / 4 = 0.5."""
    from analytics.classical import alpha_pairwise, item_stats

    table = _sparse_forms()
    assert alpha_pairwise(prepare(table)) == pytest.approx(2 / 3)
    assert reliability.test_stats(table).to_dict()["alpha"] == pytest.approx(2 / 3)
    deleted = dict(zip(*item_stats(table)[["item_id", "alpha_if_deleted"]].T.values, strict=True))
    # without Q1 no form has two items of known covariances; without Q3, {Q1, Q2} is left
    assert math.isnan(deleted["Q1"]) and math.isnan(deleted["Q2"])
    assert deleted["Q3"] == pytest.approx(2 / 3)
    # no pair seen by two attempts: no alpha at all (it read 0.0)
    only_once = pd.DataFrame(
        [("T1", "Q1", 1), ("T1", "Q2", 0), ("T2", "Q1", 0), ("T3", "Q2", 1), ("T3", "Q3", 1),
         ("T4", "Q3", 0), ("T4", "Q1", 1)],
        columns=["attempt_id", "item_id", "score"],
    )  # fmt: skip
    assert reliability.test_stats(only_once).to_dict()["alpha"] is None
