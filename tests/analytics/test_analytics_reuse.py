"""Data prepared once and reused: the same numbers as the table prepared afresh each time."""

from __future__ import annotations

import numpy as np
import pandas as pd
from pandas.testing import assert_frame_equal
from scipy import stats

from analytics import distractor_analysis, item_drift, item_stats, prepare
from analytics.dif import _attempt_groups, mantel_haenszel, mh_dif
from analytics.simulate import simulate_responses


def _table(form_length: int | None = None) -> pd.DataFrame:
    sim = simulate_responses(12, 400, seed=7, dif=["SIM-003"], form_length=form_length)
    return sim.responses


def test_a_column_added_to_prepared_data_gives_the_numbers_of_a_fresh_table():
    for table in (_table(), _table(form_length=8)):
        data = prepare(table)
        cov = data.pairwise_cov  # computed before: kept, the same for the added column
        halves = np.where(data.row_attempt % 3 == 0, "avant", "après")
        added = data.with_column("half", halves)
        fresh = prepare(table.assign(half=halves))
        assert added.table.columns.tolist() == fresh.table.columns.tolist()
        assert_frame_equal(
            item_drift(added, "half", "avant", "après"), item_drift(fresh, "half", "avant", "après")
        )
        assert_frame_equal(
            mh_dif(added, "half", "avant", "après"), mh_dif(fresh, "half", "avant", "après")
        )
        assert "half" not in data.table.columns  # the original is left as it was
        assert added.pairwise_cov is cov


def test_item_and_distractor_statistics_share_their_groups_without_changing_them():
    for table in (_table(), _table(form_length=8)):
        data = prepare(table)
        stats_once = item_stats(data)
        options_once = distractor_analysis(data)
        assert data.group_weights is data.group_weights
        assert_frame_equal(stats_once, item_stats(prepare(table)))
        assert_frame_equal(options_once, distractor_analysis(prepare(table)))


def test_every_items_p_value_is_mantel_haenszels_own():
    table = _table(form_length=8)
    data = prepare(table)
    found = mh_dif(data, "group", "ref", "focal")
    per_attempt, labels = _attempt_groups(data, "group")
    ref = per_attempt == labels.get_loc("ref")
    foc = per_attempt == labels.get_loc("focal")
    # strata by exact total then maximum total, in mh_dif's order (sums in the same order)
    keys = np.rint(np.stack([data.totals, data.max_totals], axis=1) * 1e6).astype(np.int64)
    strata = np.unique(keys, axis=0, return_inverse=True)[1].reshape(-1)
    for i, row in enumerate(found.itertuples(index=False)):
        seen = data.presented[:, i] & (ref | foc)
        right = data.filled[:, i] >= data.max_scores[i]

        def count(mask, seen=seen):
            return np.bincount(strata[seen & mask], minlength=strata.max() + 1)

        mh = mantel_haenszel(
            count(ref & right), count(ref & ~right), count(foc & right), count(foc & ~right)
        )
        assert row.mh_p == mh.p == stats.chi2.sf(mh.chi2, 1) or (
            np.isnan(row.mh_p) and np.isnan(mh.p)
        )
        assert row.mh_chi2 == mh.chi2 or (np.isnan(row.mh_chi2) and np.isnan(mh.chi2))


def test_small_forms_skipped_early_give_the_forms_hidden_afterwards():
    """With random forms, the alphas of forms too small to show are no longer computed: the
    forms reported are those computed in full, then hidden, as before."""
    from analytics.reliability import MIN_FORM_ATTEMPTS, _hide_small_form, form_reliability

    for n_forms in (3, 12, 40):
        sim = simulate_responses(10, 300, seed=n_forms, form_length=6, n_forms=n_forms)
        data = prepare(sim.responses)
        assert any(f.n_attempts >= MIN_FORM_ATTEMPTS for f in form_reliability(data)) or (
            n_forms == 40
        )
        full = [_hide_small_form(f) for f in form_reliability(data)]
        assert form_reliability(data, MIN_FORM_ATTEMPTS) == full
