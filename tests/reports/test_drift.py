"""The period report's drift: measured at equal score, so a stronger cohort is no drift."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pandas as pd
import pytest

from questionnaire.reports.drift import drift_table

#: Ten answer patterns on four items (1 right, 0 wrong); totals 4, 3, 3, 3, 2, 2, 1, 1, 1, 0.
PATTERNS = [[1, 1, 1, 1], [1, 1, 1, 0], [1, 1, 0, 1], [1, 0, 1, 1], [1, 1, 0, 0],
            [1, 0, 1, 0], [0, 1, 0, 0], [1, 0, 0, 0], [0, 0, 1, 0], [0, 0, 0, 0]]  # fmt: skip
#: The later cohort is stronger: each pattern comes back 1, 1, 2, 3, 4 times by total score,
#: as it does under the Rasch model when every candidate's ability rises by the same amount.
WEIGHTS = [1, 1, 2, 3, 4]
MIDDLE = datetime(2026, 3, 16, tzinfo=UTC)


def _period(later_flips_item_1: bool = False) -> tuple[pd.DataFrame, dict[str, datetime]]:
    earlier = PATTERNS * 3
    later = [p for p in PATTERNS * 3 for _ in range(WEIGHTS[sum(p)])]
    if later_flips_item_1:
        later = [[1 - p[0], *p[1:]] for p in later]
    rows, started = [], {}
    for half, block, when in (("a", earlier, -1), ("b", later, 1)):
        for n, pattern in enumerate(block):
            attempt = f"{half}{n}"
            started[attempt] = MIDDLE + timedelta(days=when)
            rows += [(attempt, f"TST-000{i + 1} v1", s, 1.0) for i, s in enumerate(pattern)]
    return pd.DataFrame(rows, columns=["attempt_id", "item_id", "score", "max_score"]), started


def test_a_stronger_cohort_is_not_read_as_drift():
    table, started = _period()
    rows = {row[0]: row for row in drift_table(table, started, MIDDLE).rows}
    first = rows["TST-0001 v1"]
    # by hand: 7 of 10 patterns right on item 1, then (4+3+3+3+2+2+1) of 21 weighted patterns
    assert first[1:6] == (30, pytest.approx(0.7), 63, pytest.approx(18 / 21),
                          pytest.approx(18 / 21 - 0.7))  # fmt: skip
    assert rows["TST-0004 v1"][5] == pytest.approx(10 / 21 - 0.3)  # raw facility: +0.18
    for row in rows.values():
        # matched on score, the same patterns answer alike: alpha MH = 1, D = 0, class A
        assert row[6] == pytest.approx(1.0) and row[8] == pytest.approx(0.0, abs=1e-12)
        assert row[10:] == ("A", "")


def test_a_drifting_item_is_flagged_first_with_its_direction():
    table, started = _period(later_flips_item_1=True)
    rows = drift_table(table, started, MIDDLE).rows
    first = rows[0]  # sorted by |D|
    assert first[0] == "TST-0001 v1" and first[8] < -1.5
    assert first[10:] == ("C", "dérive forte (plus difficile)")
    assert all(row[11] == "" for row in rows[1:])
