"""Public API: item calibration (Rasch / 2PL) and EAP person abilities."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.special import expit

from analytics.io import AnalyticsInputError, _count

from . import _mml
from ._data import Patterns, build_patterns

MODELS = ("rasch", "2pl")
N_QUADRATURE = 61
QUADRATURE_BOUND = 6.0
#: Items calibrated at once: an incomplete design needs nodes × items² floats (61 × 1,000² × 8
#: bytes = 0.5 GB); 10,000 items, which the reader's cell limit admits, would need 49 GB.
MAX_ITEMS = 1_000


@dataclass(frozen=True, eq=False)
class IrtResult:
    """Outcome of :func:`calibrate`.

    ``items`` has one row per item, columns ``item_id, a, b, se_a, se_b``, plus
    ``infit, outfit`` for Rasch.  For Rasch ``a`` is 1 (fixed, so ``se_a`` is
    NaN).  Items answered all right or all wrong by everybody who saw them have
    no finite maximum-likelihood estimate: they are listed in
    ``excluded_items`` with NaN parameters and play no part in the fit.
    ``nodes``/``weights`` are the quadrature of the N(0, 1) ability
    distribution used for the fit (and for EAP scoring).
    """

    items: pd.DataFrame
    converged: bool
    iterations: int
    log_likelihood: float
    model: str
    nodes: np.ndarray
    weights: np.ndarray
    n_attempts: int
    n_responses: int
    max_change: float
    excluded_items: tuple = ()

    @property
    def n_parameters(self) -> int:
        n = int(self.items["b"].notna().sum())
        return n if self.model == "rasch" else 2 * n

    @property
    def aic(self) -> float:
        return -2.0 * self.log_likelihood + 2.0 * self.n_parameters

    @property
    def bic(self) -> float:
        return -2.0 * self.log_likelihood + np.log(self.n_attempts) * self.n_parameters


def _posterior_moments(pats: Patterns, a, d, nodes, weights) -> tuple[np.ndarray, np.ndarray]:
    pb = _mml.Problem(pats.x, pats.m, pats.counts, nodes, weights, rasch=False)
    post, _ = _mml.e_step(pb, a, d)
    mean = post @ nodes
    var = np.maximum(post @ nodes**2 - mean**2, 0.0)
    return mean, np.sqrt(var)


def _rasch_fit_statistics(pats: Patterns, d: np.ndarray, theta: np.ndarray):
    """Infit / outfit mean squares with the EAP ability of each attempt."""
    p = expit(theta[:, None] + d[None, :])
    var = p * (1.0 - p)
    sq = (pats.x - p) ** 2 * pats.m
    w = pats.counts
    outfit = (w @ (sq / np.maximum(var, 1e-300))) / (w @ pats.m)
    infit = (w @ sq) / (w @ (var * pats.m))
    return infit, outfit


def calibrate(
    table: pd.DataFrame,
    model: str = "2pl",
    *,
    max_iter: int = 500,
    tol: float = 1e-4,
) -> IrtResult:
    """Calibrate a Rasch or 2PL model by marginal maximum likelihood.

    ``table`` is the long response table (``attempt_id, item_id, score`` and
    optionally ``max_score``); a response is correct when ``score >=
    max_score`` (``max_score`` defaults to 1), items with no row for an attempt
    are missing, not wrong.  P(x=1|θ) = 1/(1+exp(-a(θ-b))) without the 1.7
    constant, θ ~ N(0, 1), 61 equally spaced quadrature nodes on [-6, 6].
    Bock–Aitkin EM followed by Newton steps on the marginal likelihood;
    ``converged`` is True only when the largest change of any a or b in the
    last iteration is below ``tol`` within ``max_iter`` iterations.  Standard
    errors come from the observed information (Louis' identity, exact for the
    quadrature likelihood) via the delta method for b = -d/a.
    """
    model = str(model).lower()
    if model not in MODELS:
        raise ValueError(f"model must be one of {MODELS}, got {model!r}")
    if max_iter < 1 or not tol > 0:
        raise ValueError("max_iter must be >= 1 and tol > 0")
    pats = build_patterns(table)
    if pats.x.shape[0] == 0:
        raise AnalyticsInputError("aucune réponse notée : rien à calibrer")
    n_seen = pats.counts @ pats.m
    n_right = pats.counts @ pats.x
    usable = (n_right > 0) & (n_right < n_seen)
    if not usable.any():
        raise AnalyticsInputError(
            "aucun item n'a à la fois des réponses justes et fausses : rien à calibrer"
        )
    if usable.sum() > MAX_ITEMS:  # before the nodes × items² information arrays are built
        raise AnalyticsInputError(
            f"{_count(int(usable.sum()))} items à calibrer : au plus {_count(MAX_ITEMS)} à la "
            "fois (l'information en demande le carré à chacun des 61 points de quadrature) ; "
            "calibrez le thème ou la période par parties"
        )
    rasch = model == "rasch"
    nodes, weights = _mml.quadrature(N_QUADRATURE, QUADRATURE_BOUND)
    sub = Patterns(
        pats.attempt_ids, pats.item_ids[usable], pats.x[:, usable], pats.m[:, usable],
        pats.counts, pats.inverse,
    )  # fmt: skip
    pb = _mml.Problem(sub.x, sub.m, sub.counts, nodes, weights, rasch=rasch)
    a0, d0 = _mml.start_values(pb)
    fit = _mml.fit(pb, a0, d0, max_iter=max_iter, tol=tol)

    k = int(usable.sum())
    a, d = fit.a, fit.d
    with np.errstate(divide="ignore", invalid="ignore"):  # a = 0 only for a degenerate fit
        b = -d / a
    se_a = np.full(k, np.nan)
    se_b = np.full(k, np.nan)
    if fit.cov is not None:
        var = np.diag(fit.cov)
        if rasch:
            se_b = np.sqrt(np.where(var > 0, var, np.nan))
        else:
            v_aa, v_dd = var[:k], var[k:]
            v_ad = np.diag(fit.cov[:k, k:])
            # delta method, b = -d/a: db/da = d/a², db/dd = -1/a
            ga, gd = d / a**2, -1.0 / a
            v_b = ga * ga * v_aa + 2 * ga * gd * v_ad + gd * gd * v_dd
            se_a = np.sqrt(np.where(v_aa > 0, v_aa, np.nan))
            se_b = np.sqrt(np.where(v_b > 0, v_b, np.nan))

    def spread(values: np.ndarray) -> np.ndarray:
        out = np.full(usable.size, np.nan)
        out[usable] = values
        return out

    items = pd.DataFrame(
        {
            "item_id": pats.item_ids,
            "a": spread(a),
            "b": spread(b),
            "se_a": spread(se_a),
            "se_b": spread(se_b),
        }
    )
    if rasch:
        theta, _ = _posterior_moments(sub, a, d, nodes, weights)
        infit, outfit = _rasch_fit_statistics(sub, d, theta)
        items["infit"] = spread(infit)
        items["outfit"] = spread(outfit)
    return IrtResult(
        items=items,
        converged=fit.converged,
        iterations=fit.iterations,
        log_likelihood=fit.log_likelihood,
        model=model,
        nodes=nodes,
        weights=weights,
        n_attempts=int(pats.counts.sum()),
        n_responses=pats.n_responses,
        max_change=fit.max_change,
        excluded_items=tuple(pats.item_ids[~usable].tolist()),
    )


def person_abilities(table: pd.DataFrame, result: IrtResult) -> pd.DataFrame:
    """EAP ability (posterior mean) and posterior SD for every attempt.

    Uses the calibrated items of ``result`` (rows for other or excluded items
    are ignored) and its N(0, 1) quadrature.  An attempt with no usable
    response gets the prior: theta 0, se 1.  Returns ``attempt_id, theta, se``,
    one row per attempt, sorted by attempt_id.
    """
    items = result.items[result.items["b"].notna()]
    item_ids = items["item_id"].to_numpy()
    pats = build_patterns(table, item_ids=item_ids)
    a = items["a"].to_numpy(dtype=np.float64)
    d = -a * items["b"].to_numpy(dtype=np.float64)
    mean, sd = _posterior_moments(pats, a, d, result.nodes, result.weights)
    return pd.DataFrame(
        {
            "attempt_id": pats.attempt_ids,
            "theta": mean[pats.inverse],
            "se": sd[pats.inverse],
        }
    )
