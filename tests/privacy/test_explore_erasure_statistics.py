"""Erasure keeps the psychometric data: a session's item statistics are the same before and
after a candidate is erased (and after the retention purge pseudonymises another)."""

from __future__ import annotations

from questionnaire.attempts.services import (
    find_enrolment,
    save_response,
    start_attempt,
    submit_attempt,
)
from questionnaire.exams.services import enrol
from questionnaire.itemstats.loader import load_session_responses
from questionnaire.itemstats.services import analyse
from questionnaire.privacy.services import purge

ANSWERS = [["A"], ["B"], ["C"], ["D"], ["B"], ["A"]]


def _statistics(session):
    loaded = load_session_responses(session)
    stats, options = analyse(loaded)
    table = loaded.table.sort_values(["attempt_id", "item_id"]).reset_index(drop=True)
    return table, stats.sort_values("item_id").reset_index(drop=True), options


def test_item_statistics_are_unchanged_by_an_erasure_and_by_the_purge(
    make_session, make_user, erase, db, clock, app
):
    session, first = make_session(item_count=2, duration=30)
    people = [first] + [make_user(name=f"Candidat {n}") for n in range(1, len(ANSWERS))]
    for person in people[1:]:
        enrol(session, person, clock())
    for person, selected in zip(people, ANSWERS, strict=True):
        attempt, _ = start_attempt(find_enrolment(person, session.id), clock(), 30)
        for item in attempt.items:
            save_response(attempt, item, selected, None, clock(), 30)
        submit_attempt(attempt, clock(), 30)
    db.session.commit()
    clock.advance(days=2)  # the session closed (one day long)
    table_before, stats_before, options_before = _statistics(session)
    assert len(table_before) == 2 * len(ANSWERS)  # every copy counts

    erase(people[2])
    clock.advance(days=app.config["RETENTION_ACCOUNT_DAYS"] + 1)
    report = purge(
        clock(), app.config["RETENTION_AUDIT_DAYS"], app.config["RETENTION_ACCOUNT_DAYS"]
    )
    db.session.commit()
    assert report.accounts_pseudonymised == len(ANSWERS) - 1  # the others, dormant since

    table_after, stats_after, options_after = _statistics(session)
    assert table_after.equals(table_before)
    assert stats_after.equals(stats_before)
    assert options_after.equals(options_before)
