"""With Redis, every process shares the lockout counters (Redis on 127.0.0.1:6379)."""

from __future__ import annotations

import uuid

import redis
from sqlalchemy import select

from questionnaire import create_app
from questionnaire.audit.models import AuditEvent
from questionnaire.auth.models import Role
from questionnaire.auth.services import create_user
from questionnaire.extensions import db
from tests.conftest import PASSWORD, T0


def test_two_application_processes_share_one_lockout(redis_url, tmp_path, monkeypatch):
    monkeypatch.setenv("QUESTIONNAIRE_INSTANCE_PATH", str(tmp_path))
    database = f"sqlite:///{tmp_path / 'shared.db'}"
    # a fresh account: Redis keeps counters between runs
    email = f"cand-{uuid.uuid4().hex}@example.org"

    def make_app():
        return create_app(
            {
                "CONFIG": "testing",
                "SQLALCHEMY_DATABASE_URI": database,
                "RATELIMIT_STORAGE_URI": redis_url,
                "LOGIN_LOCKOUT_ATTEMPTS": 2,
            }
        )

    first = make_app()
    with first.app_context():
        db.create_all()
        create_user(email, PASSWORD, "Cand", [Role.CANDIDATE], T0)
        db.session.commit()
        response = first.test_client().post(
            "/api/v1/auth/login", json={"email": email, "password": "nope"}
        )
        assert response.status_code == 401
        db.session.remove()
    second = make_app()  # another worker: same database, same Redis
    with second.app_context():
        client = second.test_client()
        wrong = client.post("/api/v1/auth/login", json={"email": email, "password": "nope"})
        assert wrong.status_code == 401
        locked = client.post("/api/v1/auth/login", json={"email": email, "password": PASSWORD})
        assert locked.status_code == 429
        db.session.remove()
    # the lock is audited once, whichever worker refuses the later attempts
    for app in (first, second, first):
        with app.app_context():
            response = app.test_client().post(
                "/api/v1/auth/login", json={"email": email, "password": PASSWORD}
            )
            assert response.status_code == 429
            db.session.remove()
    with second.app_context():
        blocked = db.session.execute(
            select(AuditEvent).where(AuditEvent.action == "auth.login_blocked")
        ).all()
        assert len(blocked) == 1
        db.session.remove()
        db.engine.dispose()


def test_an_administrator_sees_and_clears_a_lockout_kept_in_redis(redis_url, tmp_path, monkeypatch):
    monkeypatch.setenv("QUESTIONNAIRE_INSTANCE_PATH", str(tmp_path))
    database = f"sqlite:///{tmp_path / 'shared.db'}"
    email = f"cand-{uuid.uuid4().hex}@example.org"
    admin_email = f"admin-{uuid.uuid4().hex}@example.org"
    settings = {
        "CONFIG": "testing",
        "SQLALCHEMY_DATABASE_URI": database,
        "RATELIMIT_STORAGE_URI": redis_url,
        "LOGIN_LOCKOUT_ATTEMPTS": 2,
        "LOGIN_ACCOUNT_CEILING": 3,
    }

    def attempt(client, password, address):
        return client.post(
            "/api/v1/auth/login",
            json={"email": email, "password": password},
            environ_base={"REMOTE_ADDR": address},
        )

    first = create_app(settings)
    with first.app_context():
        db.create_all()
        user = create_user(email, PASSWORD, "Cand", [Role.CANDIDATE], T0)
        create_user(admin_email, PASSWORD, "Ada", [Role.ADMIN], T0)
        db.session.commit()
        user_id = user.id
        client = first.test_client()
        # 2 failures lock the pair, a third from elsewhere reaches the account's ceiling of 3
        for address in ("203.0.113.1", "203.0.113.1", "203.0.113.2"):
            assert attempt(client, "nope", address).status_code == 401
        assert attempt(client, PASSWORD, "192.0.2.10").status_code == 429
        db.session.remove()
    second = create_app(settings)  # the administrator's request reaches another worker
    with second.app_context():
        admin = second.test_client()
        token = admin.post(
            "/api/v1/auth/login", json={"email": admin_email, "password": PASSWORD}
        ).get_json()["csrf_token"]
        page = admin.get(f"/admin/utilisateurs/{user_id}").get_data(as_text=True)
        assert "Ce compte est bloqué" in page
        assert "depuis l'adresse IP 203.0.113.1 jusqu'au" in page
        assert "depuis toutes les adresses jusqu'au" in page
        stored = redis.Redis.from_url(redis_url)
        # the account and its two addresses, and the refusals of the account's lock
        assert len(stored.keys(f"*{email}*")) == 4
        response = admin.post(
            f"/admin/utilisateurs/{user_id}/debloquer", data={"csrf_token": token}
        )
        assert response.status_code == 302
        assert stored.keys(f"*{email}*") == []
        client = second.test_client()
        assert attempt(client, PASSWORD, "192.0.2.10").status_code == 200
        assert attempt(second.test_client(), PASSWORD, "203.0.113.1").status_code == 200
        db.session.remove()
        db.engine.dispose()


def test_logins_still_work_when_redis_is_down(tmp_path, monkeypatch):
    monkeypatch.setenv("QUESTIONNAIRE_INSTANCE_PATH", str(tmp_path))
    app = create_app({"CONFIG": "testing", "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:1/0"})
    with app.app_context():
        db.create_all()
        create_user("cand@example.org", PASSWORD, "Cand", [Role.CANDIDATE], T0)
        db.session.commit()
        client = app.test_client()
        wrong = client.post(
            "/api/v1/auth/login", json={"email": "cand@example.org", "password": "nope"}
        )
        assert wrong.status_code == 401
        right = client.post(
            "/api/v1/auth/login", json={"email": "cand@example.org", "password": PASSWORD}
        )
        assert right.status_code == 200
        db.session.remove()
