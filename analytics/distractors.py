"""Distractor (option) analysis of multiple-choice items."""

from __future__ import annotations

import string
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from analytics.io import AnalyticsInputError, ResponseData, natural_key, prepare

OMIT = "(omit)"
DISTRACTOR_COLUMNS = (
    "item_id",
    "option",
    "is_key",
    "proportion",
    "mean_total",
    "r_total",
    "p_upper",
    "p_lower",
)


def split_options(value: str) -> list[str]:
    """Option keys of a cell: 'A;C' -> ['A', 'C']; '' -> []."""
    return [part.strip() for part in str(value).split(";") if part.strip()]


def _letter_range(labels: set[str]) -> set[str]:
    """If all labels are single capital letters, every letter from A to the last one."""
    if labels and all(len(x) == 1 and x in string.ascii_uppercase for x in labels):
        return set(string.ascii_uppercase[: string.ascii_uppercase.index(max(labels)) + 1])
    return set()


def _declared(options: Sequence[str] | Mapping[str, Sequence[str]] | None, item: str) -> set[str]:
    if options is None:
        return set()
    if isinstance(options, Mapping):
        return set(options.get(item, ()))
    return set(options)


def distractor_analysis(
    data: pd.DataFrame | ResponseData,
    *,
    options: Sequence[str] | Mapping[str, Sequence[str]] | None = None,
    weights: tuple[np.ndarray, np.ndarray] | None = None,
) -> pd.DataFrame:
    """Per item and option: choice proportion, mean total, point-biserial, upper/lower shares.

    The option set of an item is the union of the options chosen, its key, the declared
    ``options`` (one list for all items or a mapping item -> list) and, when all of these
    are single capital letters, every letter up to the last one (so an option nobody
    chose still appears with proportion 0). An ``(omit)`` row counts unanswered items.
    """
    data = prepare(data)
    table = data.table
    if "option" not in table.columns:
        raise AnalyticsInputError("colonne obligatoire absente : option")
    upper, lower = data.group_weights if weights is None else weights

    option = table["option"].array
    combos = [split_options(c) for c in option.categories]
    labels = sorted({x for c in combos for x in c}, key=natural_key)
    col = {x: j for j, x in enumerate(labels)}
    n_combo, n_lab = len(combos), len(labels)
    member = np.zeros((n_combo, n_lab + 1))  # last column: omitted
    for c, parts in enumerate(combos):
        for x in parts:
            member[c, col[x]] = 1.0
        if not parts:
            member[c, n_lab] = 1.0

    row_item, row_att = data.row_item, data.row_attempt
    k = data.n_items
    cell = row_item * n_combo + np.asarray(option.codes, dtype=np.int64)
    prop = data.proportions[row_att]
    tot = data.totals[row_att]
    w_up = upper[row_att, row_item if upper.shape[1] > 1 else 0]
    w_lo = lower[row_att, row_item if lower.shape[1] > 1 else 0]

    def by_item_label(w: np.ndarray | None) -> np.ndarray:
        sums = np.bincount(cell, weights=w, minlength=k * n_combo).reshape(k, n_combo)
        return sums @ member

    count = by_item_label(None)
    s_prop = by_item_label(prop)
    s_tot = by_item_label(tot)
    s_up = by_item_label(w_up)
    s_lo = by_item_label(w_lo)

    n = np.bincount(row_item, minlength=k).astype(np.float64)[:, None]
    mean_p = np.bincount(row_item, weights=prop, minlength=k)[:, None] / n
    var_p = np.bincount(row_item, weights=prop * prop, minlength=k)[:, None] / n - mean_p**2
    sum_up = np.bincount(row_item, weights=w_up, minlength=k)[:, None]
    sum_lo = np.bincount(row_item, weights=w_lo, minlength=k)[:, None]
    with np.errstate(invalid="ignore", divide="ignore"):
        q = count / n
        mean_total = s_tot / count
        cov = s_prop / n - q * mean_p
        r_total = cov / np.sqrt(q * (1 - q) * np.maximum(var_p, 0.0))
        p_upper = s_up / sum_up
        p_lower = s_lo / sum_lo

    keys: dict[str, set[str]] = {}
    if "key" in table.columns:
        key = table["key"].array
        item_key = np.zeros(k, dtype=np.int64)
        item_key[row_item] = key.codes  # the key is constant within an item (validated)
        values = key.categories[item_key]
        keys = {item: set(split_options(v)) for item, v in zip(data.item_ids, values, strict=True)}
    rows: list[tuple] = []
    for i, item in enumerate(data.item_ids):
        key = keys.get(item, set())
        seen = {labels[j] for j in np.flatnonzero(count[i, :n_lab] > 0)}
        known = seen | key | _declared(options, item)
        known |= _letter_range(known)
        for x in sorted(known, key=natural_key):
            j = col.get(x)
            if j is None:  # never chosen by anyone, on any item
                rows.append((item, x, x in key, 0.0, np.nan, np.nan, 0.0, 0.0))
                continue
            rows.append(
                (item, x, x in key, q[i, j], mean_total[i, j], r_total[i, j], p_upper[i, j],
                 p_lower[i, j])
            )  # fmt: skip
        j = n_lab
        rows.append(
            (item, OMIT, False, q[i, j], mean_total[i, j], r_total[i, j], p_upper[i, j],
             p_lower[i, j])
        )  # fmt: skip
    out = pd.DataFrame(rows, columns=list(DISTRACTOR_COLUMNS))
    out["is_key"] = out["is_key"].astype(bool)
    return out
