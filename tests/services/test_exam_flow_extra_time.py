"""A running copy's extra time follows the candidate's accommodation: never granted twice."""

from __future__ import annotations

from datetime import timedelta

from questionnaire.admin.services import update_enrolment
from questionnaire.attempts import services as attempts

GRACE = 30


def _composing(make_session, clock, db, extra: int):
    """A 30-minute session whose candidate started 5 minutes ago."""
    session, candidate = make_session(duration=30, extra=extra)
    enrolment = attempts.find_enrolment(candidate, session.id)
    attempt, _ = attempts.start_attempt(enrolment, clock(), GRACE)
    db.session.commit()
    clock.advance(minutes=5)
    return enrolment, attempt


def _set(enrolment, percent: int, clock, db):
    change = update_enrolment(enrolment, percent, "", now=clock(), grace_seconds=GRACE)
    db.session.commit()
    return change


def test_extra_time_lowered_by_mistake_then_restored_is_not_added_again(make_session, clock, db):
    enrolment, attempt = _composing(make_session, clock, db, extra=33)
    started_at = attempt.started_at
    # 30 minutes and a third: 39 min 54 s, as given at the start
    assert attempt.deadline == started_at + timedelta(minutes=39, seconds=54)
    _set(enrolment, 0, clock, db)  # a slip in the accommodation form: the copy keeps its time
    change = _set(enrolment, 33, clock, db)  # put right
    db.session.refresh(attempt)
    assert attempt.deadline == started_at + timedelta(minutes=39, seconds=54)
    assert change is not None and change.added == timedelta(0)


def test_raised_past_what_the_copy_kept_adds_only_the_rest(make_session, clock, db):
    enrolment, attempt = _composing(make_session, clock, db, extra=33)
    started_at = attempt.started_at
    _set(enrolment, 0, clock, db)
    change = _set(enrolment, 50, clock, db)  # 45 minutes in all: 5 min 6 s more than kept
    db.session.refresh(attempt)
    assert attempt.deadline == started_at + timedelta(minutes=45)
    assert change.added == timedelta(minutes=5, seconds=6)


def test_the_minutes_of_an_incident_are_kept_when_the_extra_time_is_raised(
    make_session, make_user, clock, db
):
    from questionnaire.auth.models import Role
    from questionnaire.incidents.services import grant_extra_time

    enrolment, attempt = _composing(make_session, clock, db, extra=0)
    started_at = attempt.started_at
    admin = make_user(Role.ADMIN)
    grant_extra_time(enrolment.session, 10, "Panne du réseau", admin, clock(), GRACE)
    db.session.commit()
    change = _set(enrolment, 33, clock, db)
    db.session.refresh(attempt)
    # 30 min + 9 min 54 s of extra time + the incident's 10 minutes
    assert attempt.deadline == started_at + timedelta(minutes=49, seconds=54)
    assert change.added == timedelta(minutes=9, seconds=54)
