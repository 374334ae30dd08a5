"""Marginal maximum likelihood for the Rasch and 2PL models (numerical core).

Model: P(x=1 | θ) = 1 / (1 + exp(-(a θ + d))) with ``d = -a b`` (logistic, no
1.7 scaling), θ ~ N(0, 1) integrated on a fixed grid of equally spaced nodes
with normal-density weights.  Rasch: ``a = 1`` for every item.

Estimation: Bock–Aitkin EM (the E-step is a persons × nodes log-likelihood
built with matrix products; the M-step runs vectorised Newton–Raphson on all
items at once, 2×2 Hessians), then, once EM has settled, full Newton–Raphson
steps on the marginal log-likelihood itself, with the exact observed
information (Louis, 1982) and step halving.  The same observed information,
at the final estimates, gives the standard errors.

Arrays: ``x``/``m`` are (patterns × items), ``post`` is (patterns × nodes),
item quantities such as ``P`` are (items × nodes).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import cached_property

import numpy as np
from scipy.special import expit, logsumexp, ndtri

_TINY = 1e-300
_MAX_STEP = 1.0  # cap on any single Newton update of a parameter (M-step)
_NEWTON_SWITCH = 0.05  # EM change below which marginal Newton steps are tried


def quadrature(n_points: int = 61, bound: float = 6.0) -> tuple[np.ndarray, np.ndarray]:
    """Equally spaced nodes on [-bound, bound] and N(0, 1) weights (summing to 1)."""
    nodes = np.linspace(-bound, bound, n_points)
    log_w = -0.5 * nodes**2
    log_w -= logsumexp(log_w)
    return nodes, np.exp(log_w)


@dataclass(frozen=True, eq=False)
class Problem:
    x: np.ndarray  # correct indicators (0 when wrong or missing), may be row means
    m: np.ndarray  # presented mask
    counts: np.ndarray  # attempts represented by each row
    nodes: np.ndarray
    weights: np.ndarray
    rasch: bool

    @cached_property
    def complete(self) -> bool:
        return bool(self.m.all())

    def score_groups(self) -> Problem:
        """Exact reduction for a complete Rasch design: the posterior depends on
        the raw score only and ``x`` enters the E/M steps linearly, so rows can
        be merged into one row per raw score holding the count-weighted mean
        of ``x``.  The Rasch observed information is exact too: the x-quadratic
        terms of Louis' identity cancel (the posterior covariance of the
        complete-data score x_i - P(θ) does not involve x_i)."""
        if not (self.rasch and self.complete):
            return self
        raw = np.rint(self.x.sum(axis=1)).astype(np.intp)
        n_groups = self.x.shape[1] + 1
        counts = np.bincount(raw, weights=self.counts, minlength=n_groups)
        sums = np.zeros((n_groups, self.x.shape[1]))
        np.add.at(sums, raw, self.x * self.counts[:, None])
        keep = counts > 0
        x = sums[keep] / counts[keep, None]
        return replace(self, x=x, m=np.ones_like(x), counts=counts[keep])


@dataclass(frozen=True)
class Fit:
    a: np.ndarray
    d: np.ndarray
    log_likelihood: float
    iterations: int
    converged: bool
    max_change: float
    cov: np.ndarray | None  # covariance of (a..., d...) or (d...) for Rasch


def item_probabilities(a: np.ndarray, d: np.ndarray, nodes: np.ndarray) -> np.ndarray:
    return expit(a[:, None] * nodes[None, :] + d[:, None])


def e_step(pb: Problem, a: np.ndarray, d: np.ndarray) -> tuple[np.ndarray, float]:
    """Posterior over the nodes for every row, and the marginal log-likelihood."""
    logit = a[:, None] * pb.nodes[None, :] + d[:, None]
    softplus = np.logaddexp(0.0, logit)  # -log Q
    # log L_iq = sum_j x_ij (a_j θ_q + d_j) - m_ij log(1 + exp(a_j θ_q + d_j))
    s = pb.x @ a
    if pb.complete:
        L = np.outer(s, pb.nodes) - softplus.sum(axis=0)[None, :]
    else:
        L = np.outer(s, pb.nodes)
        L -= pb.m @ softplus
    with np.errstate(divide="ignore"):
        L += np.log(pb.weights)[None, :]
    top = L.max(axis=1, keepdims=True)
    L -= top
    np.exp(L, out=L)
    total = L.sum(axis=1, keepdims=True)
    L /= total
    ll_rows = np.log(total[:, 0]) + top[:, 0] + pb.x @ d
    return L, float(pb.counts @ ll_rows)


def expected_counts(pb: Problem, post: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """r_jq = expected correct responses at node q, n_jq = expected responses."""
    v = post * pb.counts[:, None]
    r = pb.x.T @ v
    n = np.broadcast_to(v.sum(axis=0), r.shape).copy() if pb.complete else pb.m.T @ v
    return r, n


def _gradient_terms(pb, a, d, r, n):
    P = item_probabilities(a, d, pb.nodes)
    res = r - n * P
    w = n * P * (1.0 - P)
    th = pb.nodes
    return res @ th, res.sum(axis=1), w @ (th * th), w @ th, w.sum(axis=1)


def _cap(*steps: np.ndarray) -> float | np.ndarray:
    size = np.max(np.abs(np.vstack(steps)), axis=0)
    return np.minimum(1.0, _MAX_STEP / np.maximum(size, _TINY))


def m_step(pb: Problem, a, d, r, n, inner: int = 4):
    """Maximise the expected complete-data log-likelihood, item by item."""
    a, d = a.copy(), d.copy()
    for _ in range(inner):
        g_a, g_d, h_aa, h_ad, h_dd = _gradient_terms(pb, a, d, r, n)
        if pb.rasch:
            step_d = g_d / np.maximum(h_dd, _TINY)
            d += step_d * _cap(step_d)
            size = np.abs(step_d)
        else:
            det = np.maximum(h_aa * h_dd - h_ad * h_ad, _TINY)
            step_a = (h_dd * g_a - h_ad * g_d) / det
            step_d = (h_aa * g_d - h_ad * g_a) / det
            scale = _cap(step_a, step_d)
            a += step_a * scale
            d += step_d * scale
            size = np.maximum(np.abs(step_a), np.abs(step_d))
        if size.max() < 1e-10:
            break
    return a, d


def _mask_grams(m: np.ndarray, post: np.ndarray, w: np.ndarray) -> np.ndarray:
    """G_q = Σ_i w_i post_iq m_i m_iᵀ for every node q: the costly part of the
    information for incomplete designs (nodes × rows × items²).  Rows are
    sorted by posterior mean so that, at each node, the rows carrying
    posterior mass above 1e-13 form a short contiguous band; only that band
    (a superset of those rows, so at most ~1e-13 relative error) is used."""
    order = np.argsort(post @ np.arange(post.shape[1]), kind="stable")
    m, post, w = m[order], post[order], w[order]
    n_items = m.shape[1]
    grams = np.zeros((post.shape[1], n_items, n_items))
    for q in range(post.shape[1]):
        rows = np.flatnonzero(post[:, q] > 1e-13)
        if rows.size:
            band = slice(rows[0], rows[-1] + 1)
            sub = m[band]
            grams[q] = sub.T @ (sub * (post[band, q] * w[band])[:, None])
    return grams


def observed_information(pb: Problem, a, d, post) -> np.ndarray:
    """Observed information of the marginal log-likelihood (Louis' identity).

    I = Σ_i E[-H_i(θ)] - Σ_i E[s_i(θ) s_i(θ)ᵀ] + Σ_i s̄_i s̄_iᵀ, expectations over
    each row's posterior, s_i(θ) the complete-data score, s̄_i its posterior
    mean (the observed per-person score).  Parameters ordered (a_1..a_J,
    d_1..d_J) for 2PL, (d_1..d_J) for Rasch.  Exact for the quadrature model,
    i.e. what a numerical Hessian of the marginal log-likelihood would give.
    """
    x, m, w, th = pb.x, pb.m, pb.counts, pb.nodes
    complete = pb.complete
    P = item_probabilities(a, d, th)
    v = post * w[:, None]
    nq = v.sum(axis=0)
    n = np.broadcast_to(nq, P.shape) if complete else m.T @ v
    comps = {"dd": np.ones_like(th)}
    if not pb.rasch:
        comps = {"aa": th * th, "ad": th, "dd": np.ones_like(th)}
    if not complete:
        gram = _mask_grams(m, post, w)
    blocks = {}
    for key, c in comps.items():
        A = np.diag((n * P * (1.0 - P)) @ c)
        xx = x.T @ (x * (v @ c)[:, None])
        y = v @ (c[:, None] * P.T)
        k = x.T @ (y if complete else m * y)
        if complete:
            mm = (P * (nq * c)[None, :]) @ P.T
        else:
            mm = np.einsum("q,jq,kq,qjk->jk", c, P, P, gram, optimize=True)
        blocks[key] = A - (xx - k - k.T + mm)
    s_d = x - m * (post @ P.T)
    if pb.rasch:
        return blocks["dd"] + s_d.T @ (s_d * w[:, None])
    s_a = x * (post @ th)[:, None] - m * (post @ (th[:, None] * P.T))
    s = np.hstack([s_a, s_d])
    info = np.block([[blocks["aa"], blocks["ad"]], [blocks["ad"].T, blocks["dd"]]])
    return info + s.T @ (s * w[:, None])


def _max_change(pb, a0, d0, a1, d1) -> float:
    with np.errstate(divide="ignore", invalid="ignore"):
        db = np.abs(d1 / a1 - d0 / a0)
    change = float(np.nanmax(db)) if db.size else 0.0
    if not pb.rasch:
        change = max(change, float(np.max(np.abs(a1 - a0))))
    return change


def _newton_direction(pb, a, d, r, n, info) -> tuple[np.ndarray, np.ndarray] | None:
    g_a, g_d, *_ = _gradient_terms(pb, a, d, r, n)
    g = g_d if pb.rasch else np.concatenate([g_a, g_d])
    try:
        chol = np.linalg.cholesky(info)
    except np.linalg.LinAlgError:
        return None
    step = np.linalg.solve(chol.T, np.linalg.solve(chol, g))
    if pb.rasch:
        return np.zeros_like(a), step
    return step[: a.size], step[a.size :]


def start_values(pb: Problem) -> tuple[np.ndarray, np.ndarray]:
    """Classical start: proportion correct and item-total (biserial) correlation."""
    x, m, w = pb.x, pb.m, pb.counts
    n_j = w @ m
    p = np.clip((w @ x) / n_j, 0.01, 0.99)
    n_pres = m.sum(axis=1)
    prop = np.divide(x.sum(axis=1), n_pres, out=np.zeros_like(n_pres), where=n_pres > 0)
    wm = m * w[:, None]
    mean_t = (prop @ wm) / n_j
    var_t = np.maximum((prop**2 @ wm) / n_j - mean_t**2, 1e-12)
    cov = ((prop * w) @ x) / n_j - p * mean_t
    r_pb = np.clip(cov / np.sqrt(var_t * p * (1 - p)), 0.05, 0.9)
    z = ndtri(p)
    r_bis = np.clip(
        r_pb * np.sqrt(p * (1 - p)) / np.exp(-0.5 * z * z) * np.sqrt(2 * np.pi), 0.1, 0.9
    )
    a = np.ones_like(p) if pb.rasch else np.clip(1.702 * r_bis / np.sqrt(1 - r_bis**2), 0.2, 3.0)
    d = 1.702 * z * np.sqrt(1.0 + (a / 1.702) ** 2)
    return a, d


def _line_search(pb: Problem, a, d, direction, ll):
    """Newton step with halving until the marginal log-likelihood does not drop."""
    step = 1.0
    for _ in range(8):
        a_t, d_t = a + step * direction[0], d + step * direction[1]
        post_t, ll_t = e_step(pb, a_t, d_t)
        if ll_t >= ll - 1e-10 * abs(ll):
            return a_t, d_t, post_t, ll_t
        step /= 2
    return None


def fit(pb: Problem, a: np.ndarray, d: np.ndarray, *, max_iter: int, tol: float) -> Fit:
    """EM iterations, then Newton steps on the marginal likelihood.

    One iteration = one parameter update (EM cycle or Newton step).  Converged
    when the largest change of any reported parameter (a, b) is below ``tol``.
    Newton steps reuse the observed information while they contract well
    (a chord method: the information is the costly part) and recompute it
    otherwise; the standard errors always use the information at the final
    estimates.
    """
    work = pb.score_groups()  # exact speed-up for complete Rasch data
    post, ll = e_step(work, a, d)
    iterations, converged, change = 0, False, np.inf
    newton, newton_before, info = False, False, None
    while iterations < max_iter:
        r, n = expected_counts(work, post)
        moved = None
        if newton:
            for fresh in (info is None, True):
                if fresh:
                    info = observed_information(work, a, d, post)
                direction = _newton_direction(work, a, d, r, n, info)
                moved = None if direction is None else _line_search(work, a, d, direction, ll)
                if moved is not None or fresh:
                    break
            if moved is None:
                newton, newton_before, info = False, False, None
        if moved is None:
            a1, d1 = m_step(work, a, d, r, n)
            moved = (a1, d1, *e_step(work, a1, d1))
        iterations += 1
        previous, change = change, _max_change(pb, a, d, moved[0], moved[1])
        a, d, post, ll = moved
        if change < tol:
            converged = True
            break
        if newton and newton_before and change > 0.25 * previous:
            info = None  # slow contraction: refresh the information next step
        newton_before = newton
        newton = newton or change < _NEWTON_SWITCH
    info = observed_information(work, a, d, post)
    try:
        cov = np.linalg.inv(info)
    except np.linalg.LinAlgError:
        cov = None
    return Fit(a, d, ll, iterations, converged, change, cov)
