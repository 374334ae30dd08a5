"""Erasure of a person who is composing: refused until the copy is handed in or its time is up.

Erasing ends the person's sessions at once: a candidate in the middle of an exam (or another
person than meant, the address mistyped) would be thrown out, the copy left to expire and count
as handed in at its deadline.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select

from questionnaire.attempts.models import Attempt, AttemptStatus
from questionnaire.attempts.services import find_enrolment, start_attempt
from questionnaire.auth.models import Role, User
from questionnaire.privacy.models import Erasure
from questionnaire.privacy.services import ErasureError, erase_user
from tests.conftest import form_token


@pytest.fixture
def composing(make_session, db, clock):
    session, candidate = make_session(duration=30)
    attempt, _started = start_attempt(find_enrolment(candidate, session.id), clock(), 30)
    db.session.commit()
    return candidate, attempt


def test_the_form_refuses_while_a_copy_is_in_progress(client, admin, composing, db):
    candidate, attempt = composing
    token = form_token(client, "/admin/rgpd/effacement")
    response = client.post(
        "/admin/rgpd/effacement",
        data={
            "email": candidate.email,
            "reason": "Demande écrite du 3 mars",
            "confirm": "y",
            "csrf_token": token,
        },
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    # the session and the deadline in Paris time (T0 = 08:00 UTC, 09:00 in Paris, + 30 min)
    assert "copie en cours" in page and "Session test" in page and "09 h 30" in page
    db.session.expire_all()
    assert db.session.get(User, candidate.id).active
    assert db.session.execute(select(Erasure)).first() is None
    assert db.session.get(Attempt, attempt.id).status is AttemptStatus.IN_PROGRESS


def test_a_copy_whose_time_is_up_is_finalised_and_the_account_erased(
    composing, make_user, db, clock
):
    candidate, attempt = composing
    clock.advance(minutes=30)  # the deadline: the cron has not run yet
    erase_user(candidate, make_user(Role.ADMIN), "Demande écrite", clock())
    db.session.commit()
    assert db.session.get(Attempt, attempt.id).status is AttemptStatus.EXPIRED
    assert db.session.execute(select(Erasure.user_id)).scalar_one() == candidate.id


def test_the_service_refuses_one_minute_before_the_deadline(composing, make_user, clock):
    candidate, _attempt = composing
    clock.advance(minutes=29)
    with pytest.raises(ErasureError, match="copie en cours") as refused:
        erase_user(candidate, make_user(Role.ADMIN), "Demande écrite", clock())
    assert refused.value.field == "email"
