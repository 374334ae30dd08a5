"""A correction never shows a candidate the keys of a certification sitting still ahead of them.

Every questionnaire of a theme draws on the theme's one bank: a training correction shown at
submission, or a failed certification's before its retake, would hand over answers that the
next certification session may ask.
"""

from __future__ import annotations

from datetime import timedelta

from questionnaire.attempts import services as attempts
from questionnaire.attempts.results import attempt_result
from questionnaire.exams.models import ReleasePolicy, SessionPurpose
from questionnaire.exams.services import correction_released
from tests.conftest import bank_yaml

GRACE = 30
TRAINING, CERTIFICATION = SessionPurpose.TRAINING, SessionPurpose.CERTIFICATION


def _sit(session, candidate, clock, db):
    enrolment = attempts.find_enrolment(candidate, session.id)
    attempt, _ = attempts.start_attempt(enrolment, clock(), GRACE)
    attempts.submit_attempt(attempt, clock(), GRACE)
    db.session.commit()
    return attempt


def _training(make_session, candidate):
    session, _ = make_session(
        candidate=candidate, release=ReleasePolicy.IMMEDIATE, purpose=TRAINING
    )
    return session


def test_a_training_correction_waits_for_the_open_certification_of_the_theme(
    make_session, make_user, clock, db
):
    candidate = make_user()
    exam, _ = make_session(candidate=candidate)
    training = _training(make_session, candidate)
    sat = _sit(training, candidate, clock, db)
    assert correction_released(training, clock(), GRACE)  # the session's policy would show it
    result = attempt_result(sat, clock(), GRACE)
    assert not result.correction_released and result.corrections is None
    assert result.topics == [] and result.withheld_for == [exam]
    # once the certification copy is handed in, the training keys can no longer help
    _sit(exam, candidate, clock, db)
    result = attempt_result(sat, clock(), GRACE)
    assert result.correction_released and result.corrections and result.withheld_for == []


def test_an_upcoming_certification_holds_it_back_until_it_closes(
    make_session, make_user, clock, db
):
    candidate = make_user()
    exam, _ = make_session(candidate=candidate, opens_in=timedelta(days=2))
    sat = _sit(_training(make_session, candidate), candidate, clock, db)
    assert attempt_result(sat, clock(), GRACE).withheld_for == [exam]
    clock.now = exam.closes_at  # closed, not sat: nothing left to protect for this candidate
    assert attempt_result(sat, clock(), GRACE).correction_released


def test_a_certification_copy_still_answered_after_the_close_holds_it_back(
    make_session, make_user, clock, db
):
    """Extra time runs past the session's close: the candidate is still composing."""
    candidate = make_user()
    exam, _ = make_session(candidate=candidate, extra=100)
    sat = _sit(_training(make_session, candidate), candidate, clock, db)
    clock.now = exam.closes_at - timedelta(minutes=10)
    composing, _ = attempts.start_attempt(
        attempts.find_enrolment(candidate, exam.id), clock(), GRACE
    )
    db.session.commit()
    clock.now = exam.closes_at + timedelta(minutes=30)
    assert attempt_result(sat, clock(), GRACE).withheld_for == [exam]
    clock.now = composing.deadline + timedelta(seconds=GRACE + 1)
    assert attempt_result(sat, clock(), GRACE).correction_released


def test_other_themes_and_other_candidates_are_not_held_back(
    make_session, make_user, loaded_bank, clock, db
):
    candidate, other = make_user(), make_user()
    rgpd = loaded_bank(bank_yaml("rgpd", prefix="RGPD"), theme="rgpd")
    make_session(candidate=candidate, theme=rgpd)  # another bank
    make_session(candidate=other)  # someone else's certification
    training_of_the_theme = _training(make_session, candidate)  # training is not certification
    make_session(candidate=candidate, release=ReleasePolicy.IMMEDIATE, purpose=TRAINING)
    sat = _sit(training_of_the_theme, candidate, clock, db)
    result = attempt_result(sat, clock(), GRACE)
    assert result.correction_released and result.withheld_for == []


def test_a_failed_certification_correction_waits_for_the_retake(make_session, make_user, clock, db):
    candidate = make_user()
    first, _ = make_session(candidate=candidate)
    sat = _sit(first, candidate, clock, db)
    retake, _ = make_session(candidate=candidate, opens_in=timedelta(days=3))
    clock.now = first.closes_at + timedelta(minutes=1)
    assert correction_released(first, clock(), GRACE)
    assert attempt_result(sat, clock(), GRACE).withheld_for == [retake]


def test_a_legacy_immediate_certification_session_waits_for_its_close(
    make_session, make_user, clock, db
):
    """Configured « dès la remise » before training sessions existed: it no longer applies."""
    session, candidate = make_session()
    session.release_policy = ReleasePolicy.IMMEDIATE  # as migration 0014 left such a session
    db.session.commit()
    assert session.purpose is CERTIFICATION and session.has_legacy_immediate_release
    assert session.effective_release_policy is ReleasePolicy.AFTER_CLOSE
    sat = _sit(session, candidate, clock, db)
    assert not correction_released(session, clock(), GRACE)
    assert attempt_result(sat, clock(), GRACE).corrections is None
    clock.now = session.closes_at
    assert attempt_result(sat, clock(), GRACE).correction_released
