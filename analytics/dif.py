"""Differential item functioning: Mantel–Haenszel with the ETS A/B/C classification."""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd
from scipy import stats

from analytics.io import AnalyticsInputError, ResponseData, _fail, prepare

DIF_COLUMNS = (
    "item_id",
    "mh_alpha",
    "mh_chi2",
    "mh_p",
    "mh_d_dif",
    "ets_class",
    "n_reference",
    "n_focal",
    "mh_d_dif_se",
)
#: ETS delta scale: D-DIF = −2.35 ln(alpha_MH) (Holland & Thayer 1988).
DELTA = 2.35


@dataclass(frozen=True)
class MantelHaenszel:
    """Mantel–Haenszel statistics over stratified 2 × 2 tables."""

    alpha: float
    chi2: float
    p: float
    d_dif: float
    se_d_dif: float
    var_log_alpha: float
    n_strata: int


def mantel_haenszel(a: np.ndarray, b: np.ndarray, c: np.ndarray, d: np.ndarray) -> MantelHaenszel:
    """MH common odds ratio, continuity-corrected chi-square and RBG variance of ln alpha.

    Per stratum k: a = reference right, b = reference wrong, c = focal right, d = focal
    wrong. alpha = Σ(a d / N) / Σ(b c / N) (Mantel & Haenszel 1959); chi-square =
    (|Σa − ΣE(a)| − 0.5)² / ΣVar(a) with E(a) = n_R m_1 / N and
    Var(a) = n_R n_F m_1 m_0 / (N²(N − 1)) (Holland & Thayer 1988); Var(ln alpha) by
    Robins, Breslow & Greenland (1986). Strata without variation (N < 2, or one group or
    one response absent) are skipped.
    """
    mh = _mantel_haenszel(a, b, c, d)
    return replace(mh, p=float(stats.chi2.sf(mh.chi2, 1)))  # NaN without a stratum


def _mantel_haenszel(a: np.ndarray, b: np.ndarray, c: np.ndarray, d: np.ndarray) -> MantelHaenszel:
    """`mantel_haenszel` without its p-value (NaN): `mh_dif` asks scipy for all items' at once."""
    a, b, c, d = (np.asarray(v, dtype=np.float64) for v in (a, b, c, d))
    n_ref, n_foc = a + b, c + d
    right, wrong = a + c, b + d
    n = n_ref + n_foc
    keep = (n >= 2) & (n_ref > 0) & (n_foc > 0) & (right > 0) & (wrong > 0)
    a, b, c, d = a[keep], b[keep], c[keep], d[keep]
    n_ref, n_foc, right, wrong, n = n_ref[keep], n_foc[keep], right[keep], wrong[keep], n[keep]
    nan = float("nan")
    if not keep.any():
        return MantelHaenszel(nan, nan, nan, nan, nan, nan, 0)
    expected = n_ref * right / n
    variance = n_ref * n_foc * right * wrong / (n * n * (n - 1))
    chi2 = max(abs(a.sum() - expected.sum()) - 0.5, 0.0) ** 2 / variance.sum()
    r = a * d / n
    s = b * c / n
    big_r, big_s = r.sum(), s.sum()
    if big_r > 0 and big_s > 0:
        alpha = big_r / big_s
        pp = (a + d) / n
        qq = (b + c) / n
        var_log = (
            (pp * r).sum() / (2 * big_r**2)
            + (pp * s + qq * r).sum() / (2 * big_r * big_s)
            + (qq * s).sum() / (2 * big_s**2)
        )
        d_dif = -DELTA * math.log(alpha)
        se = DELTA * math.sqrt(var_log)
    else:
        alpha = var_log = d_dif = se = nan
    return MantelHaenszel(
        float(alpha), float(chi2), nan, float(d_dif), float(se), float(var_log), len(a)
    )


def ets_class(d_dif: float, se_d_dif: float, p_value: float, level: float = 0.05) -> str:
    """ETS A/B/C category (Zwick 2012); '' when the statistics are undefined.

    A: |D| < 1 or the MH chi-square is not significant (p ≥ level). C: |D| ≥ 1.5 and |D| is
    significantly greater than 1, i.e. the test of H0: |Δ| ≤ 1 rejects at `level`:
    P = Φ(−(|D| − 1)/SE) + Φ(−(|D| + 1)/SE) < level (the non-central χ²₁ test of
    Paek & Holland 2015). B: otherwise.
    """
    if not (math.isfinite(d_dif) and math.isfinite(p_value)):
        return "A" if math.isfinite(p_value) and p_value >= level else ""
    size = abs(d_dif)
    if size < 1 or p_value >= level:
        return "A"
    if size >= 1.5 and se_d_dif > 0:
        p_gt_1 = stats.norm.sf((size - 1) / se_d_dif) + stats.norm.sf((size + 1) / se_d_dif)
        if p_gt_1 < level:
            return "C"
    return "B"


def _attempt_groups(data: ResponseData, column: str) -> tuple[np.ndarray, pd.Index]:
    """Group code of each attempt (error if an attempt has two different groups)."""
    if column not in data.table.columns:
        raise AnalyticsInputError(f"colonne de groupe absente : {column}")
    values = data.table[column].array
    if not isinstance(values, pd.Categorical):
        values = pd.Categorical(data.table[column].astype(str))
    codes = np.asarray(values.codes, dtype=np.int64)
    per_attempt = np.full(data.n_attempts, -1, dtype=np.int64)
    per_attempt[data.row_attempt] = codes
    if (codes != per_attempt[data.row_attempt]).any():
        first = np.full(data.n_attempts, len(codes), dtype=np.int64)
        np.minimum.at(first, data.row_attempt, np.arange(len(codes), dtype=np.int64))
        bad = codes != codes[first][data.row_attempt]
        pos = int(np.flatnonzero(bad)[0])
        raise _fail(
            pos,
            column,
            f"groupe différent pour la même tentative {data.attempt_ids[data.row_attempt[pos]]}",
        )
    return per_attempt, pd.Index(values.categories.astype(str))


def _in_group(
    per_attempt: np.ndarray, labels: pd.Index, value: object, missing: str, column: str
) -> np.ndarray:
    """Which attempts belong to the group ``value``; ``missing`` names it in the error
    (« groupe focal « X » absent », « période « 2025 » absente »)."""
    if str(value) not in labels:
        raise AnalyticsInputError(
            f"{missing} de la colonne {column} "
            f"(valeurs : {', '.join([str(v) for v in labels if str(v)][:10])})"
        )
    return per_attempt == labels.get_loc(str(value))


def _strata(*keys: np.ndarray) -> np.ndarray:
    """Stratum code of each attempt from exact (rounded) score keys."""
    code = np.zeros(len(keys[0]), dtype=np.int64)
    for key in keys:
        _, inverse = np.unique(np.rint(key * 1e6).astype(np.int64), return_inverse=True)
        code = code * (int(inverse.max()) + 1 if len(inverse) else 1) + inverse.ravel()
    _, code = np.unique(code, return_inverse=True)
    return code.ravel()


def mh_dif(
    data: pd.DataFrame | ResponseData,
    group: str = "group",
    reference: str = "ref",
    focal: str = "focal",
    *,
    exclude_item: bool = False,
) -> pd.DataFrame:
    """Mantel–Haenszel DIF of each item between a reference and a focal group.

    Items are scored right (score = max_score) / wrong. Attempts are matched on their exact
    total score and, with incomplete designs, on their maximum possible total (same score
    out of the same maximum); with ``exclude_item`` on the rest score (total minus the item).
    """
    if str(reference) == str(focal):  # every attempt would be reference, none focal
        raise AnalyticsInputError(
            f"groupe de référence et groupe focal identiques (« {reference} ») : indiquez deux "
            f"groupes différents de la colonne {group}"
        )
    data = prepare(data)
    per_attempt, labels = _attempt_groups(data, group)
    is_ref = _in_group(
        per_attempt, labels, reference, f"groupe référence « {reference} » absent", group
    )
    is_foc = _in_group(per_attempt, labels, focal, f"groupe focal « {focal} » absent", group)
    right = data.filled >= data.max_scores  # fully correct
    totals, max_totals = data.totals, data.max_totals
    shared = None if exclude_item else _strata(totals, max_totals)
    found = []
    for i in range(data.n_items):
        sel = data.presented[:, i] & (is_ref | is_foc)
        if shared is None:
            stratum = _strata(
                totals[sel] - data.filled[sel, i], max_totals[sel] - data.max_scores[i]
            )
        else:
            _, stratum = np.unique(shared[sel], return_inverse=True)
            stratum = stratum.ravel()
        y = right[sel, i]
        ref = is_ref[sel]
        size = int(stratum.max()) + 1 if len(stratum) else 0

        def count(m: np.ndarray, stratum: np.ndarray = stratum, size: int = size) -> np.ndarray:
            return np.bincount(stratum[m], minlength=size)

        mh = _mantel_haenszel(count(ref & y), count(ref & ~y), count(~ref & y), count(~ref & ~y))
        found.append((mh, int(ref.sum()), int((~ref).sum())))
    # one call to scipy for every item's p-value (NaN without a stratum): scipy's cost per call
    # was most of the loop's
    p_values = stats.chi2.sf(np.array([mh.chi2 for mh, _, _ in found], dtype=np.float64), 1)
    rows = [
        (item, mh.alpha, mh.chi2, float(p), mh.d_dif, ets_class(mh.d_dif, mh.se_d_dif, float(p)),
         n_ref, n_foc, mh.se_d_dif)
        for item, (mh, n_ref, n_foc), p in zip(data.item_ids, found, p_values, strict=True)
    ]  # fmt: skip
    return pd.DataFrame(rows, columns=list(DIF_COLUMNS))
