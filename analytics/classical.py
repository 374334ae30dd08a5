"""Classical item statistics: facility, discrimination, alpha if deleted and review flags."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.stats import t as stats_t

from analytics.io import ResponseData, prepare

#: Share of attempts in each of the upper and lower groups (Kelley's 27 %).
GROUP_SHARE = 0.27

ITEM_COLUMNS = (
    "item_id",
    "n",
    "facility",
    "sd",
    "r_total",
    "r_rest",
    "d27",
    "alpha_if_deleted",
    "flags",
)


@dataclass(frozen=True)
class FlagThresholds:
    """Thresholds of the item review flags (facility and proportions on the 0–1 scale)."""

    too_easy: float = 0.95
    too_hard: float = 0.20
    low_discrimination: float = 0.20
    negative_discrimination: float = 0.0
    unused_distractor: float = 0.05
    #: a possible second key: a used distractor with p_upper − p_lower above this margin...
    second_key_margin: float = 0.0
    #: ...and, below 1, a distractor-total correlation positive at this one-sided level
    second_key_alpha: float = 1.0


def col_dot(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Column-wise sums of x * y, for y of shape (n, k) or (n, 1)."""
    if y.shape[1] == 1:
        return x.T @ y[:, 0]
    return np.einsum("ij,ij->j", x, y)


def masked_corr(x: np.ndarray, y: np.ndarray, mask: np.ndarray | None = None) -> np.ndarray:
    """Column-wise Pearson correlation over the rows where mask (n × k) is true.

    ``x`` (n × k) must be 0 outside the mask; ``y`` is (n × k), 0 outside the mask, or
    (n × 1) shared by all columns. ``mask=None`` means every cell.
    """
    k = x.shape[1]
    y = y - np.mean(y) if y.shape[1] == 1 else y  # shift: better conditioning
    if mask is None:
        n = np.full(k, float(x.shape[0]))
        sy = np.broadcast_to(y.sum(axis=0), k)
        syy = np.broadcast_to(col_dot(y, y), k)
    else:
        w = mask.astype(np.float64)
        n = w.sum(axis=0)
        if y.shape[1] == 1:
            sy = w.T @ y[:, 0]
            syy = w.T @ (y[:, 0] ** 2)
        else:
            sy = y.sum(axis=0)
            syy = col_dot(y, y)
    sx = x.sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        cov = col_dot(x, y) - sx * sy / n
        vx = col_dot(x, x) - sx * sx / n
        vy = syy - sy * sy / n
        r = cov / np.sqrt(vx * vy)
    return np.where((n >= 2) & (vx > 1e-12 * n) & (vy > 1e-12 * n), np.clip(r, -1, 1), np.nan)


def _group_weights(values: np.ndarray, share: float) -> tuple[np.ndarray, np.ndarray]:
    """Upper and lower group weights: exactly share·n attempts each, ties at the cut shared."""
    n = len(values)
    upper = np.zeros(n)
    lower = np.zeros(n)
    g = share * n
    if n == 0 or g <= 0:
        return upper, lower
    m = min(n, int(np.ceil(g - 1e-9)))
    cut_hi = np.partition(values, n - m)[n - m]  # m-th largest value
    cut_lo = np.partition(values, m - 1)[m - 1]  # m-th smallest value
    for weights, above, tied in (
        (upper, values > cut_hi, values == cut_hi),
        (lower, values < cut_lo, values == cut_lo),
    ):
        weights[above] = 1.0
        weights[tied] = (g - above.sum()) / tied.sum()
    return upper, lower


def upper_lower_weights(
    data: ResponseData, share: float = GROUP_SHARE
) -> tuple[np.ndarray, np.ndarray]:
    """Per item, weights (n × k) of the attempts in the upper / lower groups of total score.

    Among the attempts that saw the item, ranked by proportion-correct total, the upper group
    holds exactly ``share × n`` attempts: those strictly above the boundary score count fully
    and those tied at the boundary share the remaining weight equally (order-independent).
    In a complete design the groups are the same for every item (shape n × 1).
    """
    criterion = data.proportions
    if data.complete:
        upper, lower = _group_weights(criterion, share)
        return upper[:, None], lower[:, None]
    upper = np.zeros(data.scores.shape)
    lower = np.zeros(data.scores.shape)
    for i in range(data.n_items):
        rows = np.flatnonzero(data.presented[:, i])
        upper[rows, i], lower[rows, i] = _group_weights(criterion[rows], share)
    return upper, lower


def pairwise_covariance(data: ResponseData) -> np.ndarray:
    """Item covariance matrix (n − 1) over the attempts that saw both items of each pair."""
    return data.pairwise_cov


def _pattern_alphas(
    patterns: np.ndarray, cov: np.ndarray, *, deleted: bool = True
) -> tuple[np.ndarray, np.ndarray | None]:
    """Alpha of each item pattern (F,) and alpha of the pattern without item i (F × k).

    A pattern holding a variance or covariance that is unknown (a pair seen together by fewer
    than 2 attempts) has no alpha: counting the unknown as 0 gave such a form an alpha of 0.
    """
    p = patterns.astype(np.float64)
    unknown = np.isnan(cov).astype(np.float64)
    cov0 = np.nan_to_num(cov)
    c_ii = np.diag(cov0)[None, :]
    k = p.sum(axis=1)[:, None]
    diag = (p @ np.diag(cov0))[:, None]
    q = p @ cov0  # [f, i]: sum over the pattern's items j of cov(i, j)
    total = (q * p).sum(axis=1)[:, None]
    u = p @ unknown  # [f, i]: unknown entries between i and the pattern's items
    known = ((u * p).sum(axis=1) == 0)[:, None]
    if not deleted:
        with np.errstate(invalid="ignore", divide="ignore"):
            base = k / (k - 1) * (1 - diag / total)
        return np.where((k >= 2) & (total > 0) & known, base, np.nan)[:, 0], None
    k_del = k - 1
    total_del = total - 2 * q + c_ii
    known_del = (u * p).sum(axis=1)[:, None] - 2 * u + np.diag(unknown)[None, :] == 0
    with np.errstate(invalid="ignore", divide="ignore"):
        base = k / (k - 1) * (1 - diag / total)
        deleted = k_del / (k_del - 1) * (1 - (diag - c_ii) / total_del)
    base = np.where((k >= 2) & (total > 0) & known, base, np.nan)[:, 0]
    deleted = np.where(patterns & (k_del >= 2) & (total_del > 0) & known_del, deleted, np.nan)
    return base, deleted


def alpha_pairwise(data: ResponseData) -> float:
    """Mean over attempts of the alpha of their items, from the pairwise covariance matrix."""
    cov = pairwise_covariance(data)
    base, _ = _pattern_alphas(data.forms.patterns, cov, deleted=False)
    valid = np.isfinite(base)
    if not valid.any():
        return float("nan")
    return float(np.average(base[valid], weights=data.forms.counts[valid]))


def alpha_if_deleted(data: ResponseData) -> np.ndarray:
    """Per item: mean over attempts of the (pairwise) alpha of their items without item i.

    Complete design: the usual alpha of the k − 1 other items. Incomplete design: for each
    attempt, alpha of its own items minus item i (or of all its items when i was not
    presented), from the pairwise covariance matrix, averaged over attempts.
    """
    cov = pairwise_covariance(data)
    forms = data.forms
    base, deleted = _pattern_alphas(forms.patterns, cov)
    values = np.where(forms.patterns, deleted, base[:, None])
    valid = np.isfinite(values)
    weights = np.where(valid, forms.counts[:, None], 0.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        out = (np.where(valid, values, 0.0) * weights).sum(axis=0) / weights.sum(axis=0)
    return np.where(valid.any(axis=0), out, np.nan)


def _rest_corr_complete(x: np.ndarray, totals: np.ndarray) -> np.ndarray:
    """Correlation of each column with the rest score (total − column), without n × k temps."""
    n = x.shape[0]
    t = totals - totals.mean()  # shifting the total leaves every correlation unchanged
    sx = x.sum(axis=0)
    sxx = col_dot(x, x)
    sxt = x.T @ t
    sy = t.sum() - sx
    syy = t @ t - 2 * sxt + sxx
    sxy = sxt - sxx
    with np.errstate(invalid="ignore", divide="ignore"):
        vx = sxx - sx * sx / n
        vy = syy - sy * sy / n
        r = (sxy - sx * sy / n) / np.sqrt(vx * vy)
    return np.where((n >= 2) & (vx > 1e-12 * n) & (vy > 1e-12 * n), np.clip(r, -1, 1), np.nan)


def _weight_sums(w: np.ndarray, mask: np.ndarray | None) -> np.ndarray:
    """Per item, total weight of a group (weights are 0 where the item was not presented)."""
    return w.sum(axis=0) if w.shape[1] > 1 or mask is None else mask.T @ w[:, 0]


def _positive_correlation_p(r: pd.Series, n: pd.Series) -> np.ndarray:
    """One-sided p-value of a Pearson correlation being > 0 (t test, n − 2 df); NaN → 1.

    It keeps the sampling noise of small upper and lower groups (about 17 candidates each for
    an item seen 62 times) from flagging ordinary distractors as possible second keys.
    """
    r = r.to_numpy(dtype=np.float64)
    df = n.to_numpy(dtype=np.float64) - 2
    with np.errstate(invalid="ignore", divide="ignore"):
        t = r * np.sqrt(df / np.maximum(1 - r**2, 0.0))
        p = stats_t.sf(t, df)
    return np.where(np.isnan(p), 1.0, p)


def _flags(
    stats: pd.DataFrame,
    distractors: pd.DataFrame | None,
    thresholds: FlagThresholds,
) -> list[str]:
    codes: dict[str, list[str]] = {item: [] for item in stats["item_id"]}
    for item, fac, r_rest in zip(stats["item_id"], stats["facility"], stats["r_rest"], strict=True):
        if fac > thresholds.too_easy:
            codes[item].append("too_easy")
        elif fac < thresholds.too_hard:
            codes[item].append("too_hard")
        if r_rest < thresholds.negative_discrimination:
            codes[item].append("negative_discrimination")
        elif r_rest < thresholds.low_discrimination:
            codes[item].append("low_discrimination")
    if distractors is not None and len(distractors):
        d = distractors[(~distractors["is_key"]) & (distractors["option"] != "(omit)")]
        for item, option, prop in zip(d["item_id"], d["option"], d["proportion"], strict=True):
            if prop < thresholds.unused_distractor:
                codes[item].append(f"unused_distractor:{option}")
        gap = d["p_upper"] - d["p_lower"]
        used = d["proportion"] >= thresholds.unused_distractor
        n = d["item_id"].map(dict(zip(stats["item_id"], stats["n"], strict=True)))
        significant = _positive_correlation_p(d["r_total"], n) < thresholds.second_key_alpha
        if thresholds.second_key_alpha >= 1:
            significant = True  # the bare upper-lower rule
        strong = d[(gap > thresholds.second_key_margin) & used & significant]
        for item, option in zip(strong["item_id"], strong["option"], strict=True):
            codes[item].append(f"possible_second_key:{option}")
    return [";".join(codes[item]) for item in stats["item_id"]]


def item_stats(
    data: pd.DataFrame | ResponseData,
    thresholds: FlagThresholds | None = None,
    *,
    options: Sequence[str] | Mapping[str, Sequence[str]] | None = None,
) -> pd.DataFrame:
    """Per-item classical statistics and review flags (one row per item)."""
    data = prepare(data)
    thresholds = thresholds or FlagThresholds()
    mask = None if data.complete else data.presented
    m = data.max_scores
    x0 = data.filled
    n = np.full(data.n_items, data.n_attempts) if mask is None else mask.sum(axis=0)
    upper, lower = data.group_weights
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = x0.sum(axis=0) / n
        var = (col_dot(x0, x0) - n * mean**2) / (n - 1)
        sd = np.where(n >= 2, np.sqrt(np.maximum(var, 0.0)), np.nan)
        r_total = masked_corr(x0, data.proportions[:, None], mask)
        rest_max = data.max_totals[:, None] - m
        if mask is None and (rest_max > 0).all():
            r_rest = _rest_corr_complete(x0, data.totals)
        else:
            rest = (data.totals[:, None] - x0) / rest_max
            ok = data.presented & (rest_max > 0)
            r_rest = masked_corr(np.where(ok, x0, 0.0), np.where(ok, rest, 0.0), ok)
        d27 = (col_dot(x0, upper) / _weight_sums(upper, mask)
               - col_dot(x0, lower) / _weight_sums(lower, mask)) / m  # fmt: skip
        d27 = np.where(n >= 2, d27, np.nan)  # one attempt would sit in both groups
    stats = pd.DataFrame(
        {
            "item_id": data.item_ids,
            "n": n.astype(np.int64),
            "facility": mean / m,
            "sd": sd,
            "r_total": r_total,
            "r_rest": r_rest,
            "d27": d27,
            "alpha_if_deleted": alpha_if_deleted(data),
        }
    )
    distractors = None
    if {"option", "key"} <= set(data.table.columns):
        from analytics.distractors import distractor_analysis

        distractors = distractor_analysis(data, options=options, weights=(upper, lower))
    stats["flags"] = _flags(stats, distractors, thresholds)
    return stats.loc[:, list(ITEM_COLUMNS)]
