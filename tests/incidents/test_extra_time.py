"""Extra time granted to a whole session after an incident."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from questionnaire.attempts.models import AttemptStatus
from questionnaire.attempts.services import find_enrolment, start_attempt, submit_attempt
from questionnaire.audit.models import AuditEvent
from questionnaire.auth.models import Role
from questionnaire.exams.services import enrol
from questionnaire.incidents.services import IncidentError, grant_extra_time
from tests.conftest import form_token, login


def test_running_deadlines_move_finished_attempts_stay_and_later_starts_get_it(
    make_session, make_user, db, clock
):
    session, running_candidate = make_session(duration=30)
    finished_candidate, late_candidate = make_user(), make_user()
    for user in (finished_candidate, late_candidate):
        enrol(session, user, clock())
    running, _ = start_attempt(find_enrolment(running_candidate, session.id), clock(), 30)
    finished, _ = start_attempt(find_enrolment(finished_candidate, session.id), clock(), 30)
    submit_attempt(finished, clock(), 30)
    db.session.commit()
    admin = make_user(Role.ADMIN)

    clock.advance(minutes=10)
    extension = grant_extra_time(session, 15, "Coupure du réseau 8 h 05 – 8 h 20", admin, clock())
    db.session.commit()

    assert extension.attempts_moved == 1
    assert running.deadline == running.started_at + timedelta(minutes=45)
    assert finished.status is AttemptStatus.SUBMITTED
    assert finished.deadline == finished.started_at + timedelta(minutes=30)
    late, _ = start_attempt(find_enrolment(late_candidate, session.id), clock(), 30)
    assert late.deadline == clock() + timedelta(minutes=45)
    event = db.session.execute(
        select(AuditEvent).where(AuditEvent.action == "session.extra_time")
    ).scalar_one()
    # the reason, which may name a candidate, stays with the grant (replaced at their erasure)
    assert event.details == {"minutes": 15, "attempts_moved": 1} and event.actor_id == admin.id


def test_extra_time_adds_to_individual_accommodations(make_session, make_user, db, clock):
    session, candidate = make_session(duration=30, extra=50)
    grant_extra_time(session, 10, "Panne", make_user(Role.ADMIN), clock())
    attempt, _ = start_attempt(find_enrolment(candidate, session.id), clock(), 30)
    assert attempt.deadline == clock() + timedelta(minutes=45 + 10)


@pytest.mark.parametrize(("minutes", "reason"), [(0, "x"), (241, "x"), (5, "  ")])
def test_invalid_grants_are_refused(make_session, make_user, clock, minutes, reason):
    session, _ = make_session()
    with pytest.raises(IncidentError):
        grant_extra_time(session, minutes, reason, make_user(Role.ADMIN), clock())


def test_the_admin_form(client, make_session, make_user, db):
    session, _candidate = make_session()
    admin = make_user(Role.ADMIN)
    login(client, admin.email)
    assert session.title in client.get("/admin/incidents").get_data(as_text=True)
    url = f"/admin/incidents/sessions/{session.id}"
    token = form_token(client, url)
    bad = client.post(url, data={"minutes": "0", "reason": "", "csrf_token": token})
    assert bad.status_code == 422
    assert "Entre 1 et 240 minutes" in bad.get_data(as_text=True)
    good = client.post(
        url,
        data={"minutes": "20", "reason": "Serveur redémarré", "csrf_token": token},
        follow_redirects=True,
    )
    page = good.get_data(as_text=True)
    assert good.status_code == 200
    assert "20 minutes accordées ; " in page and "Serveur redémarré" in page
    assert client.get("/admin/incidents/sessions/999").status_code == 404


def test_candidates_cannot_grant_time(client, make_session):
    session, candidate = make_session()
    login(client, candidate.email)
    assert client.get(f"/admin/incidents/sessions/{session.id}").status_code == 403


def test_a_session_closed_for_more_than_a_day_gets_no_extra_time(
    client, make_session, make_user, db, clock
):
    session, _ = make_session()  # closes in 23 hours
    admin = make_user(Role.ADMIN)
    clock.advance(hours=23 + 23)  # closed 23 hours ago: still within reach
    grant_extra_time(session, 5, "Panne", admin, clock())
    clock.advance(hours=2)
    with pytest.raises(IncidentError, match="close depuis plus d'un jour"):
        grant_extra_time(session, 5, "Panne", admin, clock())
    db.session.commit()
    login(client, admin.email)
    url = f"/admin/incidents/sessions/{session.id}"
    page = client.get(url).get_data(as_text=True)
    assert "close depuis plus d'un jour" in page and 'name="minutes"' not in page
    token = form_token(client, "/admin/incidents")  # the token of any page of the session
    refused = client.post(url, data={"minutes": "5", "reason": "Panne", "csrf_token": token})
    assert refused.status_code == 422
    assert "close depuis plus d'un jour" in refused.get_data(as_text=True)
    minutes = db.session.execute(
        select(AuditEvent.details).where(AuditEvent.action == "session.extra_time")
    ).scalars()
    assert [d["minutes"] for d in minutes] == [5]  # only the grant within reach


def test_an_expired_attempt_waiting_for_the_cron_is_not_reopened(
    make_session, make_user, db, clock
):
    session, candidate = make_session(duration=30)
    attempt, _ = start_attempt(find_enrolment(candidate, session.id), clock(), 30)
    db.session.commit()
    clock.advance(minutes=31)  # past the deadline and its 30 s grace; cron not run yet
    extension = grant_extra_time(session, 15, "Panne", make_user(Role.ADMIN), clock(), 30)
    assert extension.attempts_moved == 0
    assert attempt.deadline == attempt.started_at + timedelta(minutes=30)
    assert attempt.is_expired(clock(), 30)


@pytest.mark.parametrize("minutes", ["abc", "1.5", "1e3"])
def test_minutes_that_are_not_a_whole_number_get_one_french_message(
    client, make_session, make_user, minutes
):
    session, _ = make_session()
    login(client, make_user(Role.ADMIN).email)
    url = f"/admin/incidents/sessions/{session.id}"
    response = client.post(
        url, data={"minutes": minutes, "reason": "Panne", "csrf_token": form_token(client, url)}
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Indiquez un nombre entier de minutes" in page
    assert "Not a valid" not in page and "Entre 1 et 240" not in page
