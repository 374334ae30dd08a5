"""A candidate starts their copy while an administrator removes their enrolment (PostgreSQL):
the removal commits first, the start had already found the enrolment."""

from __future__ import annotations

import random

import pytest
import sqlalchemy as sa

from questionnaire.admin import services as admin
from questionnaire.attempts import services as attempts
from questionnaire.attempts.models import Attempt
from questionnaire.clock import now_utc
from questionnaire.exams.models import Enrolment
from questionnaire.extensions import db
from tests.conftest import form_token, login
from tests.postgres.conftest import race, seed_exam

pytestmark = pytest.mark.postgres


@pytest.fixture
def pause_in_the_draw(monkeypatch):
    """Pause the start after its enrolment check and its look for a copy, before its insert."""

    def pause_at(checkpoint):
        draw_form = attempts.draw_form

        def drawing(*args, **kwargs):
            checkpoint()
            return draw_form(*args, **kwargs)

        monkeypatch.setattr(attempts, "draw_form", drawing)

    return pause_at


def _removing(enrolment_id):
    def removing():
        admin.unenrol(db.session.get(Enrolment, enrolment_id), now_utc())

    return removing


def _nothing_left(enrolment_id) -> None:
    assert db.session.get(Enrolment, enrolment_id) is None
    assert db.session.execute(sa.select(sa.func.count(Attempt.id))).scalar_one() == 0


def test_a_start_after_the_removal_is_told_the_enrolment_is_gone(
    pg_app, tmp_path, pause_in_the_draw
):
    """The copy's insert broke its foreign key to the deleted enrolment: a server error."""
    exam = seed_exam(tmp_path, candidates=1)
    enrolment_id = db.session.execute(sa.select(Enrolment.id)).scalar_one()

    def starting():
        enrolment = attempts.find_enrolment(
            db.session.get(Enrolment, enrolment_id).user, exam.session_id
        )
        attempts.start_attempt(enrolment, now_utc(), 0, random.Random(1))

    outcomes = race(pg_app, starting, _removing(enrolment_id), pause_at=pause_in_the_draw)
    assert outcomes[1] is None  # the removal went through
    assert isinstance(outcomes[0], attempts.NotEnrolled), repr(outcomes[0])
    assert "plus inscrit" in str(outcomes[0])
    _nothing_left(enrolment_id)


def test_the_api_start_answers_404_with_a_french_message(pg_app, tmp_path, pause_in_the_draw):
    exam = seed_exam(tmp_path, candidates=1)
    enrolment_id = db.session.execute(sa.select(Enrolment.id)).scalar_one()
    client = pg_app.test_client()
    token = login(client, exam.emails[0])
    db.session.remove()
    responses = []

    def starting():
        responses.append(
            client.post(
                f"/api/v1/sessions/{exam.session_id}/attempt", headers={"X-CSRFToken": token}
            )
        )

    outcomes = race(pg_app, starting, _removing(enrolment_id), pause_at=pause_in_the_draw)
    assert outcomes == [None, None]
    (response,) = responses
    assert response.status_code == 404, response.get_data(as_text=True)
    body = response.get_json()
    assert body["error"]["code"] == "not_enrolled", body
    assert "plus inscrit" in body["error"]["message"]
    _nothing_left(enrolment_id)


def test_the_start_button_leads_to_a_404_that_says_why(pg_app, tmp_path, pause_in_the_draw):
    exam = seed_exam(tmp_path, candidates=1)
    enrolment_id = db.session.execute(sa.select(Enrolment.id)).scalar_one()
    client = pg_app.test_client()
    login(client, exam.emails[0])
    token = form_token(client, f"/sessions/{exam.session_id}")
    db.session.remove()
    responses = []

    def starting():
        responses.append(
            client.post(
                f"/sessions/{exam.session_id}", data={"csrf_token": token}, follow_redirects=True
            )
        )

    outcomes = race(pg_app, starting, _removing(enrolment_id), pause_at=pause_in_the_draw)
    assert outcomes == [None, None]
    (response,) = responses
    assert response.status_code == 404
    html = response.get_data(as_text=True)
    assert "plus inscrit" in html and "la copie n&#39;a pas été commencée" in html
    _nothing_left(enrolment_id)
