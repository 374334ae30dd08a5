"""Certification and training sessions: the correction policy, the locked purpose, the statistics."""

from __future__ import annotations

import random
from datetime import timedelta

import pytest
from sqlalchemy import select

from questionnaire.admin import services as admin_services
from questionnaire.attempts.services import start_attempt, submit_attempt
from questionnaire.exams.models import ReleasePolicy, SessionPurpose
from questionnaire.exams.services import (
    PurposeLocked,
    ReleasePolicyRefused,
    create_session,
    enrol,
)
from questionnaire.itemstats import services as itemstats
from questionnaire.itemstats.models import ItemStatistics, SessionStatistics

TRAINING, CERTIFICATION = SessionPurpose.TRAINING, SessionPurpose.CERTIFICATION


def test_a_session_is_for_certification_unless_told_otherwise(make_session, clock):
    existing, _ = make_session()
    session = create_session(
        existing.questionnaire, "Sans précision", clock(), clock() + timedelta(hours=1), clock()
    )
    assert session.purpose is CERTIFICATION and not session.is_training


def test_immediate_correction_is_refused_outside_training(make_session, clock):
    existing, _ = make_session()
    window = (clock(), clock() + timedelta(hours=1), clock())
    with pytest.raises(ReleasePolicyRefused, match="réservé aux sessions d'entraînement"):
        create_session(existing.questionnaire, "Examen", *window, ReleasePolicy.IMMEDIATE)
    training = create_session(
        existing.questionnaire, "Entraînement", *window, ReleasePolicy.IMMEDIATE, TRAINING
    )
    assert training.is_training and training.release_policy is ReleasePolicy.IMMEDIATE


def _reschedule(session, now, *, release=None, purpose=None):
    admin_services.reschedule(
        session,
        session.title,
        session.opens_at,
        session.closes_at,
        release or session.release_policy,
        now,
        purpose,
    )


def test_the_purpose_is_settled_once_a_copy_is_started(make_session, clock, db):
    session, _ = make_session(release=ReleasePolicy.AFTER_CLOSE)
    _reschedule(session, clock(), purpose=TRAINING)  # no copy yet: it may change
    assert session.is_training
    # a training session back to certification keeps no « dès la remise »
    _reschedule(session, clock(), release=ReleasePolicy.IMMEDIATE)
    with pytest.raises(ReleasePolicyRefused, match="réservé aux sessions d'entraînement"):
        _reschedule(session, clock(), purpose=CERTIFICATION)
    assert session.is_training
    _reschedule(session, clock(), release=ReleasePolicy.AFTER_CLOSE, purpose=CERTIFICATION)
    start_attempt(session.enrolments[0], clock(), 30)
    db.session.commit()
    with pytest.raises(PurposeLocked, match="ne peut plus changer"):
        _reschedule(session, clock(), purpose=TRAINING)
    assert session.purpose is CERTIFICATION
    _reschedule(session, clock(), purpose=CERTIFICATION)  # the same purpose is no change


def _sat_and_closed(make_session, make_user, clock, db, theme, purpose, release):
    session, first = make_session(
        theme=theme, item_count=3, blueprint={"alpha": 3}, shuffle=False, release=release,
        purpose=purpose,
    )  # fmt: skip
    for user in [first, make_user(), make_user()]:
        enrolment = enrol(session, user, clock())
        db.session.flush()
        attempt, _ = start_attempt(enrolment, clock(), 30, rng=random.Random(0))
        submit_attempt(attempt, clock(), 30)
    db.session.commit()
    return session


def test_training_copies_stay_out_of_the_item_statistics(
    make_session, make_user, loaded_bank, clock, db
):
    """Their correction may be shown at submission: the keys are known to later candidates."""
    theme = loaded_bank()
    training = _sat_and_closed(
        make_session, make_user, clock, db, theme, TRAINING, ReleasePolicy.IMMEDIATE
    )
    exam = _sat_and_closed(
        make_session, make_user, clock, db, theme, CERTIFICATION, ReleasePolicy.AFTER_CLOSE
    )
    clock.advance(days=2)
    assert itemstats.pending_sessions(clock()) == [exam]
    report = itemstats.refresh_statistics(clock())
    db.session.commit()
    assert report.sessions == 1
    computed = db.session.execute(select(SessionStatistics.session_id)).scalars().all()
    assert computed == [exam.id]
    rows = db.session.execute(select(ItemStatistics)).scalars().all()
    assert rows and {r.session_id for r in rows} == {exam.id, None}
    # the cumulated rows count the three certification copies only
    assert {r.n for r in rows if r.session_id is None} == {3}
    with pytest.raises(itemstats.StatisticsError, match="entraînement"):
        itemstats.refresh_session_statistics(training, clock())
    assert itemstats.statistics_on_close(training, clock()) is False
