"""The same extra-time form sent twice (double click, reload, two administrators) grants once."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from questionnaire.attempts.services import find_enrolment, start_attempt
from questionnaire.audit.models import AuditEvent
from questionnaire.auth.models import Role
from questionnaire.incidents.models import SessionTimeExtension
from questionnaire.incidents.services import GrantedMeanwhile, grant_extra_time
from tests.conftest import form_token, login


def _grants_seen(html: str) -> str:
    match = re.search(r'name="grants_seen" value="(\d+)"', html)
    assert match, "the form carries the number of grants it showed"
    return match.group(1)


def test_a_form_sent_twice_grants_the_time_once(client, make_session, make_user, db, clock):
    session, candidate = make_session(duration=30)
    attempt, _ = start_attempt(find_enrolment(candidate, session.id), clock(), 30)
    db.session.commit()
    login(client, make_user(Role.ADMIN).email)
    url = f"/admin/incidents/sessions/{session.id}"
    html = client.get(url).get_data(as_text=True)
    data = {
        "minutes": "15",
        "reason": "Coupure du réseau",
        "grants_seen": _grants_seen(html),
        "csrf_token": form_token(client, url),
    }

    first = client.post(url, data=data)
    second = client.post(url, data=data)  # the same form, sent again

    assert first.status_code == 302
    assert second.status_code == 422
    page = second.get_data(as_text=True)
    assert "depuis l&#39;affichage de ce formulaire" in page and "rien n&#39;a été ajouté" in page
    assert attempt.deadline == attempt.started_at + timedelta(minutes=30 + 15)
    assert db.session.execute(select(SessionTimeExtension.minutes)).scalars().all() == [15]
    events = db.session.execute(
        select(AuditEvent).where(AuditEvent.action == "session.extra_time")
    ).scalars()
    assert len(list(events)) == 1
    # the refused page shows the grant and carries the new count: a deliberate second grant
    assert _grants_seen(page) == "1"
    assert "Total accordé à la session : 15 minutes (ajouté" in page
    data["grants_seen"] = _grants_seen(page)
    assert client.post(url, data=data).status_code == 302
    assert attempt.deadline == attempt.started_at + timedelta(minutes=30 + 15 + 15)


def test_the_service_refuses_a_grant_based_on_a_stale_count(make_session, make_user, clock):
    session, _ = make_session()
    admin = make_user(Role.ADMIN)
    grant_extra_time(session, 10, "Panne", admin, clock(), grants_seen=0)
    with pytest.raises(GrantedMeanwhile):
        grant_extra_time(session, 10, "Panne", admin, clock(), grants_seen=0)
    grant_extra_time(session, 5, "Seconde panne", admin, clock(), grants_seen=1)
