"""The audit log: what is recorded, append-only, and the administrators' viewer."""

from __future__ import annotations

import pytest
from sqlalchemy import delete, select, update

from questionnaire.attempts.grading import rekey_item
from questionnaire.attempts.models import Attempt
from questionnaire.audit.models import AuditEvent, AuditLogImmutable
from questionnaire.audit.services import record
from questionnaire.auth.models import Role
from tests.conftest import PASSWORD, login


def _events(db, action=None):
    query = select(AuditEvent).order_by(AuditEvent.id)
    if action:
        query = query.where(AuditEvent.action == action)
    return list(db.session.execute(query).scalars())


def test_logins_and_failures_are_recorded_with_account_and_address(client, make_user, db, clock):
    user = make_user(email="cand@example.org")
    client.post("/api/v1/auth/login", json={"email": "cand@example.org", "password": "bad"})
    client.post("/api/v1/auth/login", json={"email": "ghost@example.org", "password": "bad"})
    login(client, "cand@example.org")
    events = _events(db)
    assert [e.action for e in events] == ["auth.login_failed", "auth.login_failed", "auth.login"]
    assert [e.subject_id for e in events] == [user.id, None, user.id]
    assert events[2].actor_id == user.id
    assert {e.address for e in events} == {"127.0.0.1"}
    assert events[0].occurred_at == clock.now


def test_the_login_page_records_logins_too(client, make_user, db):
    from tests.conftest import form_token

    make_user(email="cand@example.org")
    token = form_token(client, "/connexion")
    client.post(
        "/connexion",
        data={"email": "cand@example.org", "password": PASSWORD, "csrf_token": token},
    )
    assert [e.action for e in _events(db)] == ["auth.login"]


def test_starts_submissions_grade_and_key_changes_are_recorded(
    client, make_session, make_user, db, clock
):
    session, candidate = make_session()
    token = login(client, candidate.email)
    body = client.post(
        f"/api/v1/sessions/{session.id}/attempt", headers={"X-CSRFToken": token}
    ).get_json()
    attempt_id = body["attempt_id"]
    client.post(f"/api/v1/attempts/{attempt_id}/submit", headers={"X-CSRFToken": token})
    start = _events(db, "attempt.start")[0]
    submit = _events(db, "attempt.submit")[0]
    assert (start.actor_id, start.target) == (candidate.id, f"attempt:{attempt_id}")
    assert submit.details == {"score": 0, "max_score": 2, "passed": False}

    admin = make_user(Role.ADMIN)
    attempt = db.session.get(Attempt, attempt_id)
    version = attempt.items[0].version
    other_key = sorted(version.option_keys - version.correct_keys)[0]
    # the candidate answered nothing: a new key changes no grade, but is itself recorded
    rekey_item(version, [other_key], admin, "Erreur de clé", clock())
    db.session.commit()
    rekey = _events(db, "scoring.rekey")[0]
    assert rekey.actor_id == admin.id
    assert rekey.details["correct_keys"] == [other_key]
    assert _events(db, "grade.change") == []


def test_a_grade_change_is_recorded(client, make_session, make_user, db, clock):
    session, candidate = make_session()
    token = login(client, candidate.email)
    body = client.post(
        f"/api/v1/sessions/{session.id}/attempt", headers={"X-CSRFToken": token}
    ).get_json()
    attempt = db.session.get(Attempt, body["attempt_id"])
    first = attempt.items[0]
    wrong = sorted(first.version.option_keys - first.version.correct_keys)[0]
    client.put(
        f"/api/v1/attempts/{attempt.id}/responses/{first.external_id}",
        json={"selected": [wrong], "seq": 1},
        headers={"X-CSRFToken": token},
    )
    client.post(f"/api/v1/attempts/{attempt.id}/submit", headers={"X-CSRFToken": token})
    admin = make_user(Role.ADMIN)
    rekey_item(first.version, [wrong], admin, "Deux réponses défendables", clock())
    db.session.commit()
    change = _events(db, "grade.change")[0]
    assert change.subject_id == candidate.id
    assert change.details["before"] == "0/2" and change.details["after"] == "1/2"


def test_events_cannot_be_changed_or_deleted_through_the_application(db, clock):
    event = record("auth.login", clock())
    db.session.commit()
    event.action = "auth.login_failed"
    with pytest.raises(AuditLogImmutable):
        db.session.flush()
    db.session.rollback()
    db.session.delete(event)
    with pytest.raises(AuditLogImmutable):
        db.session.flush()
    db.session.rollback()
    with pytest.raises(AuditLogImmutable):
        db.session.execute(update(AuditEvent).values(action="x"))
    with pytest.raises(AuditLogImmutable):
        db.session.execute(delete(AuditEvent))
    db.session.rollback()
    assert [e.action for e in _events(db)] == ["auth.login"]


def test_administrators_read_and_filter_the_log(client, make_user, db, clock):
    admin = make_user(Role.ADMIN, email="admin@example.org", name="Alice Admin")
    candidate = make_user(email="cand@example.org", name="Bob Candidat")
    record(
        "attempt.start", clock(), actor_id=candidate.id, subject_id=candidate.id, target="attempt:9"
    )
    db.session.commit()
    login(client, admin.email)
    page = client.get("/admin/journal").get_data(as_text=True)
    copy = "Copie n°\u00a09"
    assert "début d&#39;une copie" in page and "Bob Candidat" in page and copy in page
    assert "connexion</td>" in page
    filtered = client.get("/admin/journal?action=attempt.start").get_data(as_text=True)
    assert copy in filtered and "connexion</td>" not in filtered


def test_the_log_is_paginated(client, make_user, db, clock):
    admin = make_user(Role.ADMIN)
    for n in range(60):
        record("privacy.export", clock(), target=f"n{n}")
    db.session.commit()
    login(client, admin.email)
    first = client.get("/admin/journal?action=privacy.export").get_data(as_text=True)
    second = client.get("/admin/journal?action=privacy.export&page=2").get_data(as_text=True)
    assert "n59<" in first and "n0<" not in first
    assert "n0<" in second and "page 2 sur 2" in second
    # a page past the end shows the last one, a page that is no number the first
    for asked, shown, present in (("9", 2, "n0<"), ("0", 1, "n59<"), ("x", 1, "n59<")):
        response = client.get(f"/admin/journal?action=privacy.export&page={asked}")
        text = response.get_data(as_text=True)
        assert response.status_code == 200 and f"page {shown} sur 2" in text and present in text
    huge = client.get("/admin/journal?action=privacy.export&page=" + "9" * 40)
    assert huge.status_code == 200 and "page 1 sur 2" in huge.get_data(as_text=True)


def test_candidates_cannot_read_the_log(client, make_user):
    candidate = make_user()
    login(client, candidate.email)
    assert client.get("/admin/journal").status_code == 403
