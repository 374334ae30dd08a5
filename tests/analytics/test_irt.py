"""Tests for analytics.irt (Rasch / 2PL marginal maximum likelihood).

Reference values: LSAT section 6 (Bock & Lieberman, 1970, Psychometrika 35,
179-197; 1000 examinees, 5 items) as fitted by the R package ltm (Rizopoulos,
2006, J. Stat. Software 17(5); the ``ltm(LSAT ~ z1)`` and
``rasch(LSAT, constraint = cbind(ncol(LSAT) + 1, 1))`` examples of its
documentation).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import integrate, optimize
from scipy.special import expit

from analytics.io import AnalyticsInputError
from analytics.irt import IrtResult, _mml, calibrate, dichotomise, person_abilities

# --------------------------------------------------------------------------- data

LSAT6_FREQUENCIES = {
    "00000": 3,
    "00001": 6,
    "00010": 2,
    "00011": 11,
    "00100": 1,
    "00101": 1,
    "00110": 3,
    "00111": 4,
    "01000": 1,
    "01001": 8,
    "01010": 0,
    "01011": 16,
    "01100": 0,
    "01101": 3,
    "01110": 2,
    "01111": 15,
    "10000": 10,
    "10001": 29,
    "10010": 14,
    "10011": 81,
    "10100": 3,
    "10101": 28,
    "10110": 15,
    "10111": 80,
    "11000": 16,
    "11001": 56,
    "11010": 21,
    "11011": 173,
    "11100": 11,
    "11101": 61,
    "11110": 28,
    "11111": 298,
}
ITEMS = [f"Item {j}" for j in range(1, 6)]

# ltm(LSAT ~ z1), Rizopoulos (2006): logistic without 1.7, θ ~ N(0, 1).
LTM_2PL_B = [-3.3597, -1.3696, -0.2799, -1.8659, -3.1236]
LTM_2PL_A = [0.8254, 0.7229, 0.8905, 0.6886, 0.6575]
LTM_2PL_SE_B = [0.8669, 0.3073, 0.0997, 0.4341, 0.8700]
LTM_2PL_SE_A = [0.2581, 0.1867, 0.2326, 0.1852, 0.2100]
LTM_2PL_LOGLIK = -2466.653
# rasch(LSAT, constraint = cbind(ncol(LSAT) + 1, 1)): a fixed at 1.
LTM_RASCH_B = [-2.8720, -1.0630, -0.2576, -1.3881, -2.2188]
LTM_RASCH_LOGLIK = -2473.054


def lsat6_table() -> pd.DataFrame:
    """LSAT-6 as a long table built from the published pattern frequencies."""
    rows = []
    attempt = 0
    for pattern, freq in LSAT6_FREQUENCIES.items():
        for _ in range(freq):
            attempt += 1
            rows.extend((attempt, ITEMS[j], float(c)) for j, c in enumerate(pattern))
    return pd.DataFrame(rows, columns=["attempt_id", "item_id", "score"])


def simulate(seed, n_persons=5000, n_items=40, per_attempt=None, rasch=False):
    """2PL (or Rasch) responses: a ~ lognormal(0, 0.3), b ~ N(0, 1), θ ~ N(0, 1).

    With ``per_attempt`` each attempt sees that many items drawn at random
    (the others are absent from the table, i.e. not presented).
    """
    rng = np.random.default_rng(seed)
    a = np.ones(n_items) if rasch else rng.lognormal(0.0, 0.3, n_items)
    b = rng.normal(0.0, 1.0, n_items)
    theta = rng.normal(0.0, 1.0, n_persons)
    x = rng.random((n_persons, n_items)) < expit(a * (theta[:, None] - b))
    shown = np.ones((n_persons, n_items), dtype=bool)
    if per_attempt is not None:
        order = np.argsort(rng.random((n_persons, n_items)), axis=1)
        shown[:] = False
        shown[np.arange(n_persons)[:, None], order[:, :per_attempt]] = True
    person, item = np.nonzero(shown)
    table = pd.DataFrame(
        {
            "attempt_id": person,
            "item_id": [f"Q{j:03d}" for j in item],
            "score": x[person, item].astype(float),
        }
    )
    return table, a, b, theta


@pytest.fixture(scope="module")
def lsat6() -> pd.DataFrame:
    return lsat6_table()


@pytest.fixture(scope="module")
def lsat_2pl(lsat6) -> IrtResult:
    return calibrate(lsat6, "2pl")


@pytest.fixture(scope="module")
def lsat_rasch(lsat6) -> IrtResult:
    return calibrate(lsat6, "rasch")


@pytest.fixture(scope="module")
def sim_complete():
    return simulate(seed=2024)


# ------------------------------------------------------------------ LSAT-6 vs ltm


def test_lsat6_2pl_matches_ltm(lsat_2pl):
    """2PL point estimates and log-likelihood within 0.01 of ltm.

    Source: Rizopoulos (2006), ltm, ``ltm(LSAT ~ z1)``: difficulties -3.3597,
    -1.3696, -0.2799, -1.8659, -3.1236; discriminations 0.8254, 0.7229,
    0.8905, 0.6886, 0.6575; log-likelihood -2466.653.
    """
    items = lsat_2pl.items
    assert list(items.columns) == ["item_id", "a", "b", "se_a", "se_b"]
    assert items["item_id"].tolist() == ITEMS
    assert lsat_2pl.converged and lsat_2pl.model == "2pl"
    np.testing.assert_allclose(items["b"], LTM_2PL_B, atol=0.01)
    np.testing.assert_allclose(items["a"], LTM_2PL_A, atol=0.01)
    assert lsat_2pl.log_likelihood == pytest.approx(LTM_2PL_LOGLIK, abs=0.01)
    assert lsat_2pl.n_attempts == 1000 and lsat_2pl.n_responses == 5000


def test_lsat6_2pl_standard_errors_match_ltm(lsat_2pl):
    """Observed-information SEs within 0.01 of ltm's (which inverts a numerical
    Hessian of the marginal log-likelihood).

    Source: Rizopoulos (2006), ltm, ``summary(ltm(LSAT ~ z1))``: std.err of
    Dffclt 0.8669, 0.3073, 0.0997, 0.4341, 0.8700; of Dscrmn 0.2581, 0.1867,
    0.2326, 0.1852, 0.2100.
    """
    np.testing.assert_allclose(lsat_2pl.items["se_b"], LTM_2PL_SE_B, atol=0.01)
    np.testing.assert_allclose(lsat_2pl.items["se_a"], LTM_2PL_SE_A, atol=0.01)


def test_lsat6_rasch_matches_ltm(lsat_rasch):
    """Rasch (a = 1, θ ~ N(0, 1)) difficulties and log-likelihood within 0.01.

    Source: Rizopoulos (2006), ltm, ``rasch(LSAT, constraint = cbind(ncol(LSAT)
    + 1, 1))``: difficulties -2.8720, -1.0630, -0.2576, -1.3881, -2.2188;
    log-likelihood -2473.054.
    """
    items = lsat_rasch.items
    assert list(items.columns) == ["item_id", "a", "b", "se_a", "se_b", "infit", "outfit"]
    assert lsat_rasch.converged and lsat_rasch.model == "rasch"
    np.testing.assert_allclose(items["b"], LTM_RASCH_B, atol=0.01)
    assert (items["a"] == 1.0).all() and items["se_a"].isna().all()
    assert lsat_rasch.log_likelihood == pytest.approx(LTM_RASCH_LOGLIK, abs=0.01)


def test_lsat6_map_scores_match_ltm(lsat_2pl):
    """Person metric check: posterior modes computed from our 2PL items agree
    with ltm's empirical-Bayes factor scores within 0.01.

    Source: ltm, ``factor.scores(ltm(LSAT ~ z1))`` (method "EB", i.e. the
    posterior mode and the SD from its curvature), e.g. pattern 00000: -1.895
    (0.795), 10011: -0.506 (0.811), 11011: -0.022 (0.827), 11111: 0.606 (0.855).
    """
    a = lsat_2pl.items["a"].to_numpy()
    b = lsat_2pl.items["b"].to_numpy()
    published = {
        "00000": (-1.895, 0.795),
        "10011": (-0.506, 0.811),
        "11011": (-0.022, 0.827),
        "11111": (0.606, 0.855),
    }
    for pattern, (z1, se) in published.items():
        x = np.array([int(c) for c in pattern])

        def neg_log_post(t, x=x):
            p = expit(a * (t - b))
            return -(x @ np.log(p) + (1 - x) @ np.log1p(-p) - 0.5 * t * t)

        mode = optimize.minimize_scalar(neg_log_post, bounds=(-4, 4), method="bounded").x
        info = 1.0 + np.sum(a**2 * expit(a * (mode - b)) * (1 - expit(a * (mode - b))))
        assert mode == pytest.approx(z1, abs=0.01)
        assert info**-0.5 == pytest.approx(se, abs=0.01)


def test_lsat6_from_shared_conftest_gives_same_fit(request, lsat_2pl):
    """The shared ``lsat6_long`` fixture (tests/analytics/conftest.py), when
    present, describes the same data (Bock & Lieberman, 1970)."""
    try:
        table = request.getfixturevalue("lsat6_long")
    except pytest.FixtureLookupError:
        pytest.skip("tests/analytics/conftest.py provides no lsat6_long fixture")
    if callable(table):
        table = table()
    result = calibrate(table, "2pl")
    np.testing.assert_allclose(result.items["b"], lsat_2pl.items["b"], atol=1e-6)


# -------------------------------------------------------- internal consistency


def _numerical_hessian(f, x0, h=1e-4):
    n = x0.size
    hess = np.empty((n, n))
    for i in range(n):
        for j in range(i, n):
            e_i, e_j = np.eye(n)[i] * h, np.eye(n)[j] * h
            hess[i, j] = hess[j, i] = (
                f(x0 + e_i + e_j) - f(x0 + e_i - e_j) - f(x0 - e_i + e_j) + f(x0 - e_i - e_j)
            ) / (4 * h * h)
    return hess


@pytest.mark.parametrize("model", ["2pl", "rasch"])
@pytest.mark.parametrize("incomplete", [False, True])
def test_standard_errors_equal_numerical_hessian_of_marginal_likelihood(lsat6, model, incomplete):
    """Louis' observed information == central-difference Hessian of the
    marginal log-likelihood in (a, b) (what ltm differentiates numerically),
    on LSAT-6 and on LSAT-6 with 20% of the responses removed (incomplete
    design).  For complete Rasch data this also checks the raw-score grouping."""
    from analytics.irt._data import build_patterns

    if incomplete:
        lsat6 = lsat6[np.random.default_rng(9).random(len(lsat6)) >= 0.2]
    result = calibrate(lsat6, model)
    pats = build_patterns(lsat6)
    pb = _mml.Problem(pats.x, pats.m, pats.counts, result.nodes, result.weights, False)

    def loglik(params):
        a, b = (params[:5], params[5:]) if model == "2pl" else (np.ones(5), params)
        return _mml.e_step(pb, a, -a * b)[1]

    est = result.items["b"].to_numpy()
    if model == "2pl":
        est = np.concatenate([result.items["a"], est])
    se = np.sqrt(np.diag(np.linalg.inv(-_numerical_hessian(loglik, est))))
    np.testing.assert_allclose(result.items["se_b"], se[-5:], rtol=1e-3)
    if model == "2pl":
        np.testing.assert_allclose(result.items["se_a"], se[:5], rtol=1e-3)


def test_eap_equals_direct_integration(lsat6, lsat_2pl):
    """EAP and posterior SD against adaptive quadrature (scipy.integrate.quad)
    of the N(0, 1) x 2PL likelihood for two patterns."""
    persons = person_abilities(lsat6, lsat_2pl)
    assert list(persons.columns) == ["attempt_id", "theta", "se"]
    assert len(persons) == 1000 and persons["attempt_id"].is_unique
    a = lsat_2pl.items["a"].to_numpy()
    b = lsat_2pl.items["b"].to_numpy()
    wide = lsat6.pivot(index="attempt_id", columns="item_id", values="score")
    for pattern in ("00000", "10110"):
        x = np.array([float(c) for c in pattern])

        def dens(t, x=x):
            p = expit(a * (t - b))
            return np.exp(x @ np.log(p) + (1 - x) @ np.log1p(-p) - 0.5 * t * t)

        z = integrate.quad(dens, -10, 10)[0]
        mean = integrate.quad(lambda t: t * dens(t), -10, 10)[0] / z
        second = integrate.quad(lambda t: t * t * dens(t), -10, 10)[0] / z
        var = second - mean**2
        who = wide.index[(wide.to_numpy() == x).all(axis=1)][0]
        row = persons.set_index("attempt_id").loc[who]
        assert row["theta"] == pytest.approx(mean, abs=1e-4)
        assert row["se"] == pytest.approx(np.sqrt(var), abs=1e-4)


def test_rasch_infit_outfit_definitions(lsat6, lsat_rasch):
    """Infit = Σ(x-P)² / ΣP(1-P), outfit = mean (x-P)²/(P(1-P)) over each item's
    responses, with P at the attempt's EAP ability (Wright & Masters, 1982,
    Rating Scale Analysis, ch. 5), recomputed here row by row."""
    persons = person_abilities(lsat6, lsat_rasch).set_index("attempt_id")["theta"]
    b = lsat_rasch.items.set_index("item_id")["b"]
    p = expit(persons.loc[lsat6["attempt_id"]].to_numpy() - b.loc[lsat6["item_id"]].to_numpy())
    frame = lsat6.assign(res2=(lsat6["score"] - p) ** 2, var=p * (1 - p))
    frame["z2"] = frame["res2"] / frame["var"]
    by_item = frame.groupby("item_id")
    infit = by_item["res2"].sum() / by_item["var"].sum()
    outfit = by_item["z2"].mean()
    items = lsat_rasch.items.set_index("item_id")
    np.testing.assert_allclose(items["infit"], infit.loc[items.index], rtol=1e-9)
    np.testing.assert_allclose(items["outfit"], outfit.loc[items.index], rtol=1e-9)


# ------------------------------------------------------------ parameter recovery


def test_2pl_recovery_complete_design(sim_complete):
    """Acceptance: 2PL on 5,000 simulated attempts x 40 items recovers b with
    r >= 0.98 and a with r >= 0.90; EAP abilities track the true θ."""
    table, a, b, theta = sim_complete
    result = calibrate(table, "2pl")
    assert result.converged
    items = result.items.set_index("item_id").loc[[f"Q{j:03d}" for j in range(40)]]
    assert np.corrcoef(items["b"], b)[0, 1] >= 0.98
    assert np.corrcoef(items["a"], a)[0, 1] >= 0.90
    assert np.abs(items["b"] - b).mean() < 0.1
    # a z-score check of the SEs: most estimates within 3 SE of the truth
    assert (np.abs(items["b"] - b) / items["se_b"] < 3).mean() >= 0.9
    persons = person_abilities(table, result)
    assert np.corrcoef(persons["theta"], theta[persons["attempt_id"]])[0, 1] >= 0.9


def test_2pl_recovery_incomplete_design():
    """Each attempt sees 20 of 40 items at random: absent items are missing,
    not wrong, so the difficulties are still recovered without bias."""
    table, a, b, theta = simulate(seed=7, per_attempt=20)
    assert table.groupby("attempt_id").size().eq(20).all()
    result = calibrate(table, "2pl")
    assert result.converged
    items = result.items.set_index("item_id").loc[[f"Q{j:03d}" for j in range(40)]]
    assert np.corrcoef(items["b"], b)[0, 1] >= 0.98
    assert np.corrcoef(items["a"], a)[0, 1] >= 0.90
    assert abs((items["b"] - b).mean()) < 0.1  # treating absent as wrong would shift b up
    persons = person_abilities(table, result)
    assert np.corrcoef(persons["theta"], theta[persons["attempt_id"]])[0, 1] >= 0.85


def test_rasch_recovery():
    """Rasch on Rasch data (5,000 x 40, complete and 20-of-40): r(b) >= 0.98,
    infit/outfit near 1 for every item."""
    for per_attempt in (None, 20):
        table, _, b, _ = simulate(seed=11, rasch=True, per_attempt=per_attempt)
        result = calibrate(table, "rasch")
        assert result.converged
        items = result.items.set_index("item_id").loc[[f"Q{j:03d}" for j in range(40)]]
        assert np.corrcoef(items["b"], b)[0, 1] >= 0.98
        assert np.abs(items["b"] - b).max() < 0.2
        assert items["infit"].between(0.85, 1.15).all()
        assert items["outfit"].between(0.7, 1.3).all()


def test_rasch_on_2pl_data(sim_complete):
    """Rasch on the 2PL data (a ~ lognormal(0, 0.3)): the model ignores the
    unequal discriminations, so r(b) is lower than on Rasch data (0.973-0.987
    over seeds 0-7) but the ordering of difficulties holds."""
    table, _, b, _ = sim_complete
    result = calibrate(table, "rasch")
    items = result.items.set_index("item_id").loc[[f"Q{j:03d}" for j in range(40)]]
    assert np.corrcoef(items["b"], b)[0, 1] >= 0.95


# ------------------------------------------------------------- behaviour, input


def test_not_converged_is_reported(lsat6):
    """Two iterations are not enough: converged must be False, never silent."""
    result = calibrate(lsat6, "2pl", max_iter=2)
    assert result.converged is False and result.iterations == 2
    assert result.max_change >= 1e-4
    assert np.isfinite(result.items[["a", "b"]].to_numpy()).all()


def test_missing_rows_are_not_wrong(lsat6, lsat_2pl):
    """Rows with a NaN score count as not presented (same fit as dropping them),
    whereas scoring them 0 is a different model."""
    rng = np.random.default_rng(3)
    drop = rng.random(len(lsat6)) < 0.1
    dropped = calibrate(lsat6[~drop], "2pl")
    nan_scored = calibrate(lsat6.assign(score=lsat6["score"].mask(drop)), "2pl")
    zero_scored = calibrate(lsat6.assign(score=lsat6["score"].mask(drop, 0.0)), "2pl")
    np.testing.assert_allclose(nan_scored.items["b"], dropped.items["b"], atol=1e-8)
    assert nan_scored.n_responses == int((~drop).sum())
    assert np.abs(zero_scored.items["b"] - dropped.items["b"]).max() > 0.1


def test_full_credit_rule():
    """Correct = score >= max_score (default max 1); partial credit is wrong."""
    table = pd.DataFrame(
        {
            "attempt_id": [1, 1, 1, 2, 2],
            "item_id": ["a", "b", "c", "a", "b"],
            "score": [2.0, 0.5, 1.0, 1.999, np.nan],
            "max_score": [2.0, 1.0, 1.0, 2.0, 1.0],
        }
    )
    out = dichotomise(table)
    assert out["correct"].tolist() == [1, 0, 1, 0]
    assert dichotomise(table.drop(columns="max_score"))["correct"].tolist() == [1, 0, 1, 1]


def test_items_without_variance_are_excluded():
    """An item everyone got right has no finite MLE: NaN row, listed as excluded."""
    table, _, _, _ = simulate(seed=5, n_persons=800, n_items=10)
    table.loc[table["item_id"] == "Q003", "score"] = 1.0
    result = calibrate(table, "2pl")
    row = result.items.set_index("item_id").loc["Q003"]
    assert np.isnan(row[["a", "b", "se_a", "se_b"]].astype(float)).all()
    assert result.excluded_items == ("Q003",)
    assert result.converged and result.items["b"].notna().sum() == 9
    persons = person_abilities(table, result)
    assert persons["theta"].notna().all()


def test_person_without_usable_response_gets_the_prior(lsat_2pl):
    """An attempt whose only rows are for unknown items keeps the N(0, 1) prior."""
    table = pd.DataFrame({"attempt_id": [1, 2], "item_id": ["Item 1", "zzz"], "score": [1, 1]})
    persons = person_abilities(table, lsat_2pl).set_index("attempt_id")
    assert persons.loc[2, "theta"] == pytest.approx(0.0, abs=1e-9)
    assert persons.loc[2, "se"] == pytest.approx(1.0, abs=1e-3)
    assert persons.loc[1, "theta"] > 0


def test_input_errors(lsat6):
    with pytest.raises(ValueError, match="model"):
        calibrate(lsat6, "3pl")
    with pytest.raises(ValueError, match="column"):
        calibrate(lsat6.drop(columns="score"))
    with pytest.raises(ValueError, match="several"):
        calibrate(pd.concat([lsat6, lsat6.head(1)]))
    with pytest.raises(AnalyticsInputError, match="à la fois des réponses justes et fausses"):
        calibrate(lsat6.assign(score=1.0))
    with pytest.raises(AnalyticsInputError, match="aucune réponse notée"):
        calibrate(lsat6.head(0))


def test_more_items_than_can_be_calibrated_at_once_are_refused_before_any_array(monkeypatch):
    """1,000 attempts over 10,000 items (10 per attempt, within the reader's cell limit) would
    need 49 GB for the information; more than MAX_ITEMS usable items are refused first."""
    from analytics.irt import _api

    monkeypatch.setattr(_api, "MAX_ITEMS", 5)
    rows = [
        {"attempt_id": f"a{n}", "item_id": f"i{item}", "score": float((n + item) % 2)}
        for n in range(12)
        for item in range(6)
    ]
    built = []
    monkeypatch.setattr(_mml, "Problem", lambda *a, **k: built.append(1))
    with pytest.raises(AnalyticsInputError, match="6 items à calibrer : au plus 5 à la fois"):
        calibrate(pd.DataFrame(rows))
    assert built == []
