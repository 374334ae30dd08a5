"""The correction (answer keys) stays private while any copy of the session can take answers."""

from datetime import timedelta

import pytest

from questionnaire.admin.services import (
    AdminError,
    can_release_correction,
    close_session,
    correction_release_blocker,
    release_correction,
)
from questionnaire.attempts import services
from questionnaire.exams.models import ReleasePolicy
from questionnaire.exams.services import (
    attempts_still_answering,
    correction_released,
    create_session,
    enrol,
)
from questionnaire.incidents.services import grant_extra_time

GRACE = 30


def start(session, candidate, clock):
    return services.start_attempt(services.find_enrolment(candidate, session.id), clock(), GRACE)[0]


@pytest.fixture
def closed_with_a_late_copy(make_session, make_user, clock, db):
    """A 30-minute session closed 10 minutes in: one copy submitted, one with 100 % extra time."""

    def _make(release: ReleasePolicy):
        session, slow = make_session(release=release, extra=100)
        fast = make_user()
        enrol(session, fast, clock())
        late = start(session, slow, clock)
        submitted = services.submit_attempt(start(session, fast, clock), clock(), GRACE)
        clock.advance(minutes=10)
        close_session(session, clock())
        db.session.commit()
        return session, late, submitted

    return _make


def test_after_close_waits_for_the_copies_still_being_answered(closed_with_a_late_copy, clock):
    session, late, _ = closed_with_a_late_copy(ReleasePolicy.AFTER_CLOSE)
    assert session.is_closed(clock())
    assert not correction_released(session, clock(), GRACE)
    running = attempts_still_answering(session, clock(), GRACE)
    assert (running.count, running.until) == (1, late.deadline + timedelta(seconds=GRACE))
    clock.now = late.deadline + timedelta(seconds=GRACE)  # still accepted: the grace is inclusive
    assert not correction_released(session, clock(), GRACE)
    clock.advance(seconds=1)  # overdue, not finalised yet by the cron: it no longer blocks
    assert correction_released(session, clock(), GRACE)


def test_an_incident_extension_holds_the_correction_back_again(
    closed_with_a_late_copy, make_user, clock
):
    session, late, _ = closed_with_a_late_copy(ReleasePolicy.AFTER_CLOSE)
    grant_extra_time(session, 15, "panne réseau", make_user(), clock(), GRACE)
    clock.now = late.deadline - timedelta(minutes=1)
    assert not correction_released(session, clock(), GRACE)


def test_manual_release_is_refused_while_a_copy_is_being_answered(closed_with_a_late_copy, clock):
    session, late, _ = closed_with_a_late_copy(ReleasePolicy.MANUAL)
    assert not can_release_correction(session, clock(), GRACE)
    assert "1 copie en cours jusqu'au" in correction_release_blocker(session, clock(), GRACE)
    with pytest.raises(AdminError, match="1 copie en cours jusqu'au"):
        release_correction(session, clock(), GRACE)
    assert session.released_at is None
    clock.now = late.deadline + timedelta(seconds=GRACE + 1)
    assert can_release_correction(session, clock(), GRACE)
    release_correction(session, clock(), GRACE)
    assert correction_released(session, clock(), GRACE)


def test_immediate_release_is_for_training_sessions_only(closed_with_a_late_copy, clock):
    session, _, _ = closed_with_a_late_copy(ReleasePolicy.IMMEDIATE)
    assert correction_released(session, clock(), GRACE)


def test_new_sessions_release_the_correction_after_the_close_by_default(make_session, clock):
    existing, _ = make_session()
    session = create_session(
        existing.questionnaire, "Sans précision", clock(), clock() + timedelta(hours=1), clock()
    )
    assert session.release_policy is ReleasePolicy.AFTER_CLOSE


def test_a_submitted_copy_says_the_correction_waits_for_the_others_still_answering(
    closed_with_a_late_copy, client, clock
):
    """Before: the result said « consultable après la clôture de la session » although the
    session was closed (exploratory test of 04/12/2026)."""
    from questionnaire.attempts.results import attempt_result
    from tests.conftest import login

    _session, late, submitted = closed_with_a_late_copy(ReleasePolicy.AFTER_CLOSE)
    result = attempt_result(submitted, clock(), GRACE)
    assert result.others_still_answering and result.corrections is None
    login(client, submitted.user.email)
    page = client.get(f"/copies/{submitted.id}/resultat").get_data(as_text=True)
    assert "d&#39;autres candidats composent encore" in page or "d'autres candidats" in page
    assert "après la clôture de la session" not in page
    clock.now = late.deadline + timedelta(seconds=GRACE + 1)
    result = attempt_result(submitted, clock(), GRACE)
    assert not result.others_still_answering and result.corrections is not None


def test_a_manual_session_not_published_yet_is_not_waiting_for_copies(
    closed_with_a_late_copy, clock
):
    from questionnaire.attempts.results import attempt_result

    _session, _late, submitted = closed_with_a_late_copy(ReleasePolicy.MANUAL)
    result = attempt_result(submitted, clock(), GRACE)
    assert not result.others_still_answering and result.corrections is None
