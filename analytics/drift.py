"""Item drift between two periods, measured relative to the cohort (Mantel–Haenszel).

A raw change of an item's facility mixes two things: the item's own change (exposure, a
changed syllabus) and the cohort's (a stronger cohort finds every item easier). Drift is
therefore measured as DIF between the periods (Donoghue & Isham 1998 treat drift so), by the
Mantel–Haenszel procedure (Holland & Thayer 1988): candidates of the two periods are matched
on their total score, and within each score level the odds of a right answer are compared. A
cohort that is only stronger or weaker shows no drift.

The studied item stays in the matching score: under the Rasch model the total score is
sufficient for ability, so the comparison is then free of the cohorts' ability distributions
(Holland & Thayer 1988; Zwick 1990), which a rest score (total minus the item) is not.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analytics.dif import _attempt_groups, _in_group, mh_dif
from analytics.io import AnalyticsInputError, ResponseData, prepare

DRIFT_COLUMNS = (
    "item_id",
    "n_before",
    "facility_before",
    "n_after",
    "facility_after",
    "raw_change",
    "mh_alpha",
    "mh_chi2",
    "mh_p",
    "mh_d",
    "mh_d_se",
    "ets_class",
)


def item_drift(
    data: pd.DataFrame | ResponseData,
    period: str = "period",
    before: str = "before",
    after: str = "after",
) -> pd.DataFrame:
    """Each item's change of difficulty from ``before`` to ``after``, cohorts matched on score.

    One row per item seen in both periods. ``facility_*`` and ``raw_change`` are descriptive
    (not adjusted). The drift itself is Mantel–Haenszel with ``before`` as reference and
    ``after`` as focal, attempts matched on their exact total score (and, with random forms,
    on their maximum possible total): ``mh_alpha`` > 1 and ``mh_d`` = −2.35 ln(alpha) < 0 when
    the item became harder for candidates of the same score; ``mh_d_se`` its standard error
    (Robins, Breslow & Greenland 1986); ``ets_class`` A (negligible), B (moderate), C (large)
    by the ETS rules of DIF (Zwick 2012).
    """
    if str(before) == str(after):
        raise AnalyticsInputError(
            f"période « {before} » comparée à elle-même : indiquez deux périodes différentes de "
            f"la colonne {period}"
        )
    data = prepare(data)
    per_attempt, labels = _attempt_groups(data, period)
    in_before = _in_group(per_attempt, labels, before, f"période « {before} » absente", period)
    in_after = _in_group(per_attempt, labels, after, f"période « {after} » absente", period)
    share = data.filled / data.max_scores  # 0 where the item was not presented
    n_before = (data.presented & in_before[:, None]).sum(axis=0)
    n_after = (data.presented & in_after[:, None]).sum(axis=0)
    common = (n_before > 0) & (n_after > 0)
    with np.errstate(invalid="ignore", divide="ignore"):
        facility_before = (share * in_before[:, None]).sum(axis=0) / n_before
        facility_after = (share * in_after[:, None]).sum(axis=0) / n_after
    mh = mh_dif(data, period, before, after).set_index("item_id")
    items = data.item_ids[common]
    return pd.DataFrame(
        {
            "item_id": items,
            "n_before": n_before[common].astype(np.int64),
            "facility_before": facility_before[common],
            "n_after": n_after[common].astype(np.int64),
            "facility_after": facility_after[common],
            "raw_change": facility_after[common] - facility_before[common],
            "mh_alpha": mh.loc[items, "mh_alpha"].to_numpy(),
            "mh_chi2": mh.loc[items, "mh_chi2"].to_numpy(),
            "mh_p": mh.loc[items, "mh_p"].to_numpy(),
            "mh_d": mh.loc[items, "mh_d_dif"].to_numpy(),
            "mh_d_se": mh.loc[items, "mh_d_dif_se"].to_numpy(),
            "ets_class": mh.loc[items, "ets_class"].to_numpy(),
        },
        columns=list(DRIFT_COLUMNS),
    )
