"""Extra time entered once the candidate has started lengthens the copy they are writing.

A tiers temps forgotten at the enrolment is often noticed when the candidate sits down: the
copy must get it as if it had been entered before the start, not only later copies.
"""

from __future__ import annotations

import io
from datetime import timedelta

from sqlalchemy import select

from questionnaire.attempts import services as attempts
from questionnaire.attempts.models import Attempt
from questionnaire.audit.models import AuditEvent
from tests.conftest import form_token, login

GRACE = 30  # the testing configuration's grace, in seconds (checked below)


def _composing(make_session, clock, db, extra: int = 0):
    """A 30-minute session whose candidate started 5 minutes ago."""
    session, candidate = make_session(duration=30, extra=extra)
    enrolment = attempts.find_enrolment(candidate, session.id)
    attempt, _ = attempts.start_attempt(enrolment, clock(), GRACE)
    db.session.commit()
    clock.advance(minutes=5)
    return session, candidate, enrolment, attempt


def _update(client, session, enrolment, extra: str):
    url = f"/admin/sessions/{session.id}"
    return client.post(
        f"{url}/inscriptions/{enrolment.id}",
        data={"csrf_token": form_token(client, url), "extra_time_percent": extra, "note": ""},
        follow_redirects=True,
    )


def test_the_grace_of_the_tests_is_the_one_assumed(app):
    assert app.config["GRACE_SECONDS"] == GRACE


def test_a_tiers_temps_entered_after_the_start_lengthens_the_copy(
    client, admin, make_session, clock, db
):
    session, candidate, enrolment, attempt = _composing(make_session, clock, db)
    started_deadline = attempt.deadline
    page = _update(client, session, enrolment, "33").get_data(as_text=True)
    db.session.refresh(attempt)
    # 33 % of 30 minutes: 9 min 54 s
    assert attempt.deadline == started_deadline + timedelta(minutes=9, seconds=54)
    assert f"La copie en cours de {candidate.display_name} est prolongée de 9 min 54 s" in page
    event = db.session.execute(
        select(AuditEvent).where(AuditEvent.action == "admin.enrolment_update")
    ).scalar_one()
    assert event.details == {"extra_time_percent": 33, "running_copy_added_seconds": 594}
    journal = client.get("/admin/journal").get_data(as_text=True)
    assert "Ajouté à la copie en cours" in journal and "9 min 54 s" in journal
    # the candidate sees it: the deadline the API gives is the new one
    login(client, candidate.email)
    state = client.get(f"/api/v1/attempts/{attempt.id}").get_json()
    assert state["deadline"].startswith(
        (started_deadline + timedelta(minutes=9, seconds=54)).strftime("%Y-%m-%dT%H:%M:%S")
    )


def test_raising_extra_time_adds_only_the_difference(client, admin, make_session, clock, db):
    session, _candidate, enrolment, attempt = _composing(make_session, clock, db, extra=25)
    started_deadline = attempt.deadline
    _update(client, session, enrolment, "50")
    db.session.refresh(attempt)
    # 50 % − 25 % of 30 minutes
    assert attempt.deadline == started_deadline + timedelta(minutes=7, seconds=30)


def test_less_extra_time_does_not_shorten_a_copy_being_written(
    client, admin, make_session, clock, db
):
    session, candidate, enrolment, attempt = _composing(make_session, clock, db, extra=50)
    started_deadline = attempt.deadline
    page = _update(client, session, enrolment, "0").get_data(as_text=True)
    db.session.refresh(attempt)
    db.session.refresh(enrolment)
    assert attempt.deadline == started_deadline
    assert enrolment.extra_time_percent == 0
    assert f"{candidate.display_name} compose déjà : sa copie garde sa fin" in page


def test_a_copy_whose_time_is_over_is_not_reopened(client, admin, make_session, clock, db):
    session, candidate, enrolment, attempt = _composing(make_session, clock, db)
    started_deadline = attempt.deadline
    clock.now = started_deadline + timedelta(seconds=GRACE + 1)
    page = _update(client, session, enrolment, "33").get_data(as_text=True)
    db.session.refresh(attempt)
    assert attempt.deadline == started_deadline
    assert f"{candidate.display_name} a déjà terminé sa copie" in page


def test_a_copy_in_its_grace_gets_the_time(client, admin, make_session, clock, db):
    """Within the grace the copy still takes answers: like an incident's grant, it is extended."""
    session, _candidate, enrolment, attempt = _composing(make_session, clock, db)
    started_deadline = attempt.deadline
    clock.now = started_deadline + timedelta(seconds=GRACE)
    _update(client, session, enrolment, "10")
    db.session.refresh(attempt)
    assert attempt.deadline == started_deadline + timedelta(minutes=3)


def test_a_candidate_not_started_gets_no_copy_message(client, admin, make_session, db):
    session, candidate = make_session(duration=30)
    enrolment = session.enrolments[0]
    page = _update(client, session, enrolment, "33").get_data(as_text=True)
    assert f"Aménagement de {candidate.display_name} enregistré." in page
    assert "prolongée" not in page and "compose déjà" not in page and "terminé" not in page
    assert db.session.execute(select(Attempt)).first() is None


def test_an_enrolment_file_raising_extra_time_lengthens_the_copy(
    client, admin, make_session, clock, db
):
    session, candidate, _enrolment, attempt = _composing(make_session, clock, db)
    started_deadline = attempt.deadline
    url = f"/admin/sessions/{session.id}"
    page = client.post(
        f"{url}/inscriptions/csv",
        data={
            "csrf_token": form_token(client, url),
            "file": (io.BytesIO(f"{candidate.email};20\n".encode()), "inscrits.csv"),
        },
        content_type="multipart/form-data",
        follow_redirects=True,
    ).get_data(as_text=True)
    db.session.refresh(attempt)
    assert attempt.deadline == started_deadline + timedelta(minutes=6)  # 20 % of 30 minutes
    assert (
        f"Copie en cours prolongée du temps supplémentaire ajouté : {candidate.display_name}."
        in page
    )
