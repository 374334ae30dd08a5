"""Whether a session's copies count is audited: its creation, every change, and the change itself."""

from __future__ import annotations

from sqlalchemy import select

from questionnaire.admin.forms import to_local
from questionnaire.audit.models import AuditEvent
from questionnaire.auth.models import Role
from questionnaire.exams.models import ExamSession
from tests.conftest import form_token, login


def _events(db, action):
    return list(
        db.session.execute(
            select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)
        ).scalars()
    )


def _form(session, purpose, release):
    return {
        "title": session.title,
        "opens_at": to_local(session.opens_at).strftime("%Y-%m-%dT%H:%M"),
        "closes_at": to_local(session.closes_at).strftime("%Y-%m-%dT%H:%M"),
        "purpose": purpose,
        "release_policy": release,
    }


def test_a_purpose_change_is_its_own_event_and_reads_in_french(client, make_user, make_session, db):
    admin = make_user(Role.ADMIN)
    session, _ = make_session()
    login(client, admin.email)
    edit = f"/admin/sessions/{session.id}/modifier"
    data = _form(session, "training", "immediate") | {"csrf_token": form_token(client, edit)}
    assert client.post(edit, data=data).status_code == 302
    (change,) = _events(db, "admin.session_purpose")
    assert (change.actor_id, change.target) == (admin.id, f"session:{session.id}")
    assert change.details == {"previous_purpose": "certification", "purpose": "training"}
    (edited,) = _events(db, "admin.session")
    assert edited.details["purpose"] == "training"
    assert edited.details["release_policy"] == "immediate"
    # an edit that keeps the purpose records no purpose change
    data = _form(session, "training", "after_close") | {"csrf_token": form_token(client, edit)}
    assert client.post(edit, data=data).status_code == 302
    assert len(_events(db, "admin.session_purpose")) == 1
    page = client.get("/admin/journal").get_data(as_text=True)
    assert "changement de la nature d&#39;une session" in page
    assert "Nature auparavant : Certification ; Nature : Entraînement" in page
    assert "Nature : Entraînement ; Publication de la correction : Dès la remise" in page
    assert "previous_purpose" not in page and "training" not in page


def test_a_new_session_records_its_purpose_and_policy(client, make_user, make_session, db):
    admin = make_user(Role.ADMIN)
    existing, _ = make_session()
    login(client, admin.email)
    new = "/admin/sessions/nouvelle"
    data = _form(existing, "training", "immediate") | {
        "csrf_token": form_token(client, new),
        "questionnaire": str(existing.questionnaire.id),
        "title": "Entraînement de mai",
    }
    assert client.post(new, data=data).status_code == 302
    created = db.session.execute(
        select(ExamSession).where(ExamSession.title == "Entraînement de mai")
    ).scalar_one()
    (event,) = _events(db, "admin.session_create")
    assert event.target == f"session:{created.id}"
    assert (event.details["purpose"], event.details["release_policy"]) == (
        "training",
        "immediate",
    )
