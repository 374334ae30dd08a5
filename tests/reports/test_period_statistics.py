"""The period report's pooled figures against the library run on tables built independently.

The report validates the period's table once and reuses it for the forms and the drift; these
tests recompute each figure from the sessions' own tables, the plain way.
"""

from __future__ import annotations

from datetime import date
from fractions import Fraction

import numpy as np
import pandas as pd
import pytest

from analytics import item_drift, prepare, test_stats
from questionnaire.extensions import db
from questionnaire.reports.drift import AFTER, BEFORE
from questionnaire.reports.loader import load_session
from questionnaire.reports.period_report import build_period_report
from tests.reports.conftest import PATTERNS

LATER = [[None if p[0] is None else not p[0], *p[1:]] for p in PATTERNS]
SHIFTED = [p[1:] + p[:1] for p in PATTERNS]


def _period_table(sessions) -> pd.DataFrame:
    """The sessions' tables, attempt ids prefixed by the session as the period report does."""
    parts = []
    for session in sessions:
        table = load_session(session).table
        parts.append(table.assign(attempt_id=[f"S{session.id}-{a}" for a in table["attempt_id"]]))
    return pd.concat(parts, ignore_index=True)


def _sat(sit_session, clock):
    first, _, _ = sit_session()
    clock.advance(days=10)
    second, _, _ = sit_session(LATER)
    clock.advance(days=10)
    third, _, _ = sit_session(SHIFTED)
    return first, second, third


def _form_rows(sessions, clock):
    theme = sessions[0].questionnaire.theme
    report = build_period_report(theme, date(2026, 3, 1), date(2026, 3, 31), clock())
    return report, {row[0]: row for row in report.table("formes").rows}


def _check(row, sessions):
    stats = test_stats(_period_table(sessions), cut=Fraction(3, 5))
    data = prepare(_period_table(sessions))
    assert row[1:3] == (len(sessions), stats.n_attempts)
    assert row[3] == pytest.approx(float(np.mean(data.proportions)), abs=1e-12)
    assert row[4] == pytest.approx(stats.pass_rate, abs=1e-12)
    assert row[5] == pytest.approx(stats.alpha, abs=1e-12)


@pytest.mark.parametrize("shared", ["two of three", "all"])
def test_a_form_sat_in_several_sessions_is_summarised_on_their_pooled_copies(
    sit_session, clock, shared
):
    sessions = _sat(sit_session, clock)
    moved = sessions[1:2] if shared == "two of three" else sessions[1:]
    for session, title in zip(sessions, "ABC", strict=True):
        session.questionnaire.title = f"Forme {title}"
    for session in moved:  # the same questionnaire sat again (the shipped forms are reused)
        session.questionnaire_id = sessions[0].questionnaire_id
    db.session.commit()
    db.session.expire_all()
    _, rows = _form_rows(sessions, clock)
    pooled = [s for s in sessions if s.questionnaire_id == sessions[0].questionnaire_id]
    _check(rows[sessions[0].questionnaire.title], pooled)
    if shared == "two of three":
        assert len(rows) == 2
        _check(rows[sessions[2].questionnaire.title], sessions[2:])
    else:
        assert len(rows) == 1


def test_drift_equals_the_library_on_the_period_table_split_by_start(sit_session, clock):
    sessions = _sat(sit_session, clock)
    report, _ = _form_rows(sessions, clock)
    table = _period_table(sessions)
    # the middle of March falls between the second session (12 March) and the third (22 March)
    first = {f"S{s.id}-{a}" for s in sessions[:2] for a in load_session(s).table["attempt_id"]}
    halves = table.assign(half=[BEFORE if a in first else AFTER for a in table["attempt_id"]])
    expected = item_drift(halves, "half", BEFORE, AFTER).set_index("item_id")
    rows = {row[0]: row for row in report.table("derive").rows}
    assert sorted(rows) == sorted(expected.index)
    for item, row in rows.items():
        want = expected.loc[item]
        assert row[1:6] == (
            want["n_before"], want["facility_before"], want["n_after"], want["facility_after"],
            want["raw_change"],
        )  # fmt: skip
        for got, key in zip(row[6:10], ("mh_alpha", "mh_p", "mh_d", "mh_d_se"), strict=True):
            assert (got is None and not np.isfinite(want[key])) or got == want[key], (item, key)


def test_topic_means_are_those_of_each_topics_rows_prepared_alone():
    from analytics.simulate import simulate_responses
    from questionnaire.reports.loader import ItemInfo
    from questionnaire.reports.psychometrics import topic_table

    table = simulate_responses(15, 250, seed=3, form_length=7).responses
    names = sorted(table["item_id"].unique())
    items = {n: ItemInfo(n, i, n, f"Sujet {i % 4}", "published") for i, n in enumerate(names)}
    topic_of = table["item_id"].map({n: info.topic for n, info in items.items()})
    expected = []
    for topic in sorted(set(topic_of)):
        part = prepare(table[topic_of == topic].reset_index(drop=True))
        expected.append((topic, part.n_items, part.n_attempts, float(np.mean(part.proportions))))
    assert topic_table(prepare(table), items).rows == tuple(expected)
    assert topic_table(table, items).rows == tuple(expected)


def test_forms_of_one_title_are_told_apart_by_their_number(sit_session, clock):
    """Two questionnaires titled alike (a form rebuilt) gave two rows of the same name."""
    sessions = _sat(sit_session, clock)
    for session, title in zip(sessions, ["Forme", "Forme", "Autre"], strict=True):
        session.questionnaire.title = title
    db.session.commit()
    first, second, third = (s.questionnaire for s in sessions)
    assert len({first.id, second.id, third.id}) == 3
    _, rows = _form_rows(sessions, clock)
    assert sorted(rows) == sorted(["Autre", f"Forme (n° {first.id})", f"Forme (n° {second.id})"])
    _check(rows[f"Forme (n° {second.id})"], sessions[1:2])


def test_items_shown_as_often_are_listed_in_natural_order():
    """Two items each shown to 5 copies: the exposure table listed « Q10 » before « Q2 »."""
    from questionnaire.reports.period_report import exposure_table

    table = exposure_table({"Q10": 5, "Q2": 5, "Q3": 7}, 10)
    assert table.column("item_id") == ["Q3", "Q2", "Q10"]
