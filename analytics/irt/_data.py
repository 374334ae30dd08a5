"""Long response table -> dichotomous response-pattern matrices.

Scoring rule for IRT: a response is *correct* (1) when ``score >= max_score``
(full credit; a tolerance of 1e-9 absorbs float noise), otherwise 0.  Without a
``max_score`` column the maximum is taken as 1.  Rows whose score is missing
(NaN) and items that have no row for an attempt are *not presented*: they are
MISSING, never wrong, so incomplete designs (random draws of items) are
supported.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

_REQUIRED = ("attempt_id", "item_id", "score")
_FULL_CREDIT_TOL = 1e-9


@dataclass(frozen=True, eq=False)
class Patterns:
    """Distinct response patterns of a set of attempts.

    ``x`` and ``m`` are ``(n_patterns, n_items)`` float64 arrays: ``x`` is 1
    for a correct response (0 when wrong *or* missing), ``m`` is 1 when the
    item was presented.  ``counts`` gives the number of attempts sharing each
    pattern and ``inverse`` maps every attempt to its pattern row.
    """

    attempt_ids: np.ndarray
    item_ids: np.ndarray
    x: np.ndarray
    m: np.ndarray
    counts: np.ndarray
    inverse: np.ndarray

    @property
    def complete(self) -> bool:
        """True when every attempt was presented every item."""
        return bool(self.m.all())

    @property
    def n_responses(self) -> int:
        return int(self.counts @ self.m.sum(axis=1))


def _codes(values: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Integer codes and uniques, sorted when the values are orderable."""
    try:
        codes, uniques = pd.factorize(values, sort=True)
    except TypeError:  # mixed, unorderable ids: keep order of appearance
        codes, uniques = pd.factorize(values, sort=False)
    return np.asarray(codes, dtype=np.intp), np.asarray(uniques)


def _score(table: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """0/1 correctness of every row, and which rows are scored (presented)."""
    missing = [c for c in _REQUIRED if c not in table.columns]
    if missing:
        raise ValueError(f"IRT input lacks column(s): {', '.join(missing)}")
    score = pd.to_numeric(table["score"], errors="coerce").to_numpy(dtype=np.float64)
    if "max_score" in table.columns:
        max_score = pd.to_numeric(table["max_score"], errors="coerce").to_numpy(np.float64)
        max_score = np.where(np.isnan(max_score), 1.0, max_score)
    else:
        max_score = np.ones_like(score)
    keep = ~np.isnan(score)
    correct = np.zeros(score.shape, dtype=np.int8)
    correct[keep] = score[keep] >= max_score[keep] - _FULL_CREDIT_TOL
    return correct, keep


def dichotomise(table: pd.DataFrame) -> pd.DataFrame:
    """Return ``attempt_id, item_id, correct`` (0/1) for the presented responses."""
    correct, keep = _score(table)
    return pd.DataFrame(
        {
            "attempt_id": table["attempt_id"].to_numpy()[keep],
            "item_id": table["item_id"].to_numpy()[keep],
            "correct": correct[keep],
        }
    )


def build_patterns(table: pd.DataFrame, item_ids: np.ndarray | None = None) -> Patterns:
    """Dichotomise ``table`` and collapse identical response patterns.

    With ``item_ids`` given, columns follow that order and rows for other
    items are ignored (used to score persons against a calibrated item set).
    """
    correct, keep = _score(table)
    att_codes, att_ids = _codes(table["attempt_id"])  # every attempt, even unscored
    if item_ids is None:
        item_codes, item_ids = _codes(table["item_id"])
    else:
        item_ids = np.asarray(item_ids)
        item_codes = np.asarray(pd.Index(item_ids).get_indexer(table["item_id"]), dtype=np.intp)
    ok = keep & (item_codes >= 0)
    n_att, n_items = len(att_ids), len(item_ids)
    x = np.zeros((n_att, n_items), dtype=np.uint8)
    m = np.zeros((n_att, n_items), dtype=np.uint8)
    m[att_codes[ok], item_codes[ok]] = 1
    if m.sum(dtype=np.int64) != ok.sum():  # a cell was written twice
        raise ValueError("IRT input has several scored rows for the same (attempt_id, item_id)")
    x[att_codes[ok], item_codes[ok]] = correct[ok]

    # Collapse identical (x, m) rows: pack both bit-rows into one opaque key.
    key = np.ascontiguousarray(np.hstack([np.packbits(x, axis=1), np.packbits(m, axis=1)]))
    if n_att and key.shape[1]:
        void = key.view(np.dtype((np.void, key.shape[1]))).ravel()
        _, first, inverse, counts = np.unique(
            void, return_index=True, return_inverse=True, return_counts=True
        )
    else:
        first = np.zeros(min(n_att, 1), dtype=np.intp)
        inverse = np.zeros(n_att, dtype=np.intp)
        counts = np.array([n_att] if n_att else [], dtype=np.intp)
    return Patterns(
        attempt_ids=att_ids,
        item_ids=item_ids,
        x=x[first].astype(np.float64),
        m=m[first].astype(np.float64),
        counts=counts.astype(np.float64),
        inverse=np.asarray(inverse, dtype=np.intp).ravel(),
    )
