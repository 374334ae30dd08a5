"""Login lockout per account and failure ceiling per address (flask-limiter)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from sqlalchemy import select

from questionnaire.audit.models import AuditEvent
from questionnaire.config import apply_environment
from tests.conftest import PASSWORD, form_token


def _api_login(client, email, password):
    return client.post("/api/v1/auth/login", json={"email": email, "password": password})


def _actions(db):
    return [
        e.action for e in db.session.execute(select(AuditEvent).order_by(AuditEvent.id)).scalars()
    ]


@pytest.fixture
def strict(app):
    app.config.update(LOGIN_LOCKOUT_ATTEMPTS=3, LOGIN_LOCKOUT_MINUTES=10)
    return app


def test_an_account_is_locked_after_n_failures_even_with_the_right_password(
    strict, client, make_user, db
):
    user = make_user(email="cand@example.org")
    for _ in range(3):
        assert _api_login(client, "cand@example.org", "wrong-password").status_code == 401
    response = _api_login(client, "Cand@Example.org", PASSWORD)
    assert response.status_code == 429
    error = response.get_json()["error"]
    assert error["code"] == "too_many_requests"
    assert "bloqué pendant 10 minutes" in error["message"]
    assert "Retry-After" in response.headers
    assert _actions(db) == ["auth.login_failed"] * 3 + ["auth.login_blocked"]
    blocked = db.session.execute(
        select(AuditEvent).where(AuditEvent.action == "auth.login_blocked")
    ).scalar_one()
    assert blocked.subject_id == user.id


def test_the_lockout_concerns_one_account_only(strict, client, make_user):
    make_user(email="cand@example.org")
    make_user(email="other@example.org")
    for _ in range(3):
        _api_login(client, "cand@example.org", "wrong-password")
    assert _api_login(client, "other@example.org", PASSWORD).status_code == 200


def test_the_lockout_ends_after_the_configured_minutes(strict, client, make_user):
    make_user(email="cand@example.org")
    start = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
    with time_machine.travel(start, tick=False) as traveller:
        for _ in range(3):
            _api_login(client, "cand@example.org", "wrong-password")
        traveller.shift(timedelta(minutes=9))
        assert _api_login(client, "cand@example.org", PASSWORD).status_code == 429
        traveller.shift(timedelta(minutes=2))
        assert _api_login(client, "cand@example.org", PASSWORD).status_code == 200


def test_successful_logins_do_not_count(strict, client, make_user):
    make_user(email="cand@example.org")
    for _ in range(5):
        assert _api_login(client, "cand@example.org", PASSWORD).status_code == 200
        client.post("/api/v1/auth/logout")
        client.delete_cookie("questionnaire_session")


def test_the_login_page_and_the_api_share_the_counter_and_the_page_answers_in_french(
    strict, client, make_user
):
    make_user(email="cand@example.org")
    for _ in range(2):
        _api_login(client, "cand@example.org", "wrong-password")
    token = form_token(client, "/connexion")
    response = client.post(
        "/connexion",
        data={"email": "cand@example.org", "password": "wrong-password", "csrf_token": token},
    )
    assert response.status_code == 422
    response = client.post(
        "/connexion",
        data={"email": "cand@example.org", "password": PASSWORD, "csrf_token": token},
    )
    assert response.status_code == 429
    page = response.get_data(as_text=True)
    assert "Trop d&#39;échecs de connexion pour ce compte" in page
    assert "<!doctype html>" in page


def test_failures_from_one_address_are_capped_across_accounts(app, client, make_user):
    app.config["LOGIN_FAILURES_PER_ADDRESS"] = "4 per minute"
    make_user(email="cand@example.org")
    for n in range(4):
        assert _api_login(client, f"guess{n}@example.org", "x").status_code == 401
    response = _api_login(client, "cand@example.org", PASSWORD)
    assert response.status_code == 429
    assert "depuis cette adresse" in response.get_json()["error"]["message"]


def test_redis_is_used_for_the_counters_when_configured(monkeypatch, tmp_path):
    monkeypatch.setenv("QUESTIONNAIRE_REDIS_URL", "redis://127.0.0.1:6379/0")
    monkeypatch.setenv("QUESTIONNAIRE_LOGIN_LOCKOUT_ATTEMPTS", "7")
    config = {"ENV_NAME": "testing", "SQLALCHEMY_DATABASE_URI": "sqlite://", "SECRET_KEY": "k"}
    apply_environment(config, str(tmp_path))
    assert config["RATELIMIT_STORAGE_URI"] == "redis://127.0.0.1:6379/0"
    assert config["LOGIN_LOCKOUT_ATTEMPTS"] == 7
