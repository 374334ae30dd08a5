"""Login lockout per (account, address), ceiling per account and per address (flask-limiter).

The limiter counts with the system clock: time_machine freezes it at the app's frozen T0
(08:00 UTC, 09:00 in Paris), so that deadlines read as written here.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from sqlalchemy import select

from questionnaire.audit.models import AuditEvent
from questionnaire.config import ConfigurationError, apply_environment
from tests.conftest import PASSWORD, T0, form_token, login

CENTRE = "192.0.2.10"  # an exam centre: every candidate behind one NAT address
ELSEWHERE = "198.51.100.7"


def _api_login(client, email, password, address="127.0.0.1"):
    return client.post(
        "/api/v1/auth/login",
        json={"email": email, "password": password},
        environ_base={"REMOTE_ADDR": address},
    )


def _message(response) -> str:
    return response.get_json()["error"]["message"]


def _actions(db):
    return [
        e.action for e in db.session.execute(select(AuditEvent).order_by(AuditEvent.id)).scalars()
    ]


@pytest.fixture
def strict(app):
    app.config.update(LOGIN_LOCKOUT_ATTEMPTS=3, LOGIN_LOCKOUT_MINUTES=10, LOGIN_ACCOUNT_CEILING=7)
    return app


def test_an_account_is_locked_after_n_failures_even_with_the_right_password(
    strict, client, make_user, db, frozen
):
    user = make_user(email="cand@example.org")
    for _ in range(3):
        assert _api_login(client, "cand@example.org", "wrong-password").status_code == 401
    response = _api_login(client, "Cand@Example.org", PASSWORD)
    assert response.status_code == 429
    error = response.get_json()["error"]
    assert error["code"] == "too_many_requests"
    assert error["message"] == (
        "Trop d'échecs de connexion avec cette adresse électronique depuis ce poste ou ce "
        "réseau : la connexion est bloquée jusqu'au 02/03/2026 à 09 h 10. Vérifiez l'adresse "
        "électronique et le mot de passe avant de réessayer. Pour vous connecter avant (un "
        "examen, par exemple), demandez à un administrateur de débloquer le compte."
    )
    assert "Retry-After" in response.headers
    assert _actions(db) == ["auth.login_failed"] * 3 + ["auth.login_blocked"]
    blocked = db.session.execute(
        select(AuditEvent).where(AuditEvent.action == "auth.login_blocked")
    ).scalar_one()
    assert blocked.subject_id == user.id
    assert blocked.details["lockout"] == "login-account-address"


def test_the_lockout_holds_for_the_address_that_failed_not_for_the_account_elsewhere(
    strict, client, make_user, frozen
):
    make_user(email="cand@example.org")
    for _ in range(3):
        _api_login(client, "cand@example.org", "wrong-password", address=ELSEWHERE)
    assert _api_login(client, "cand@example.org", PASSWORD, address=ELSEWHERE).status_code == 429
    # the candidate, at the exam centre, is not locked out by the stranger
    assert _api_login(client, "cand@example.org", PASSWORD, address=CENTRE).status_code == 200


def test_the_message_does_not_tell_whether_the_account_exists(strict, client, make_user, frozen):
    make_user(email="cand@example.org")
    for email in ("cand@example.org", "nobody@example.org"):
        for _ in range(3):
            _api_login(client, email, "wrong-password")
    known = _api_login(client, "cand@example.org", PASSWORD)
    unknown = _api_login(client, "nobody@example.org", PASSWORD)
    assert known.status_code == unknown.status_code == 429
    assert _message(known) == _message(unknown)


def test_the_account_wide_ceiling_locks_the_account_from_every_address(
    strict, client, make_user, db, frozen
):
    make_user(email="cand@example.org")
    # a distributed attack: 3 + 3 + 1 failures, each address under its own lockout
    for address, failures in (("203.0.113.1", 3), ("203.0.113.2", 3), ("203.0.113.3", 1)):
        for _ in range(failures):
            assert _api_login(client, "cand@example.org", "x", address=address).status_code == 401
    response = _api_login(client, "cand@example.org", PASSWORD, address=CENTRE)
    assert response.status_code == 429
    assert _message(response) == (
        "Trop d'échecs de connexion avec cette adresse électronique, venus de plusieurs "
        "réseaux : par précaution, la connexion est bloquée jusqu'au 02/03/2026 à 09 h 10, "
        "d'où que vous vous connectiez. Si vous n'êtes pas à l'origine de ces essais, ou pour "
        "vous connecter avant, prévenez un administrateur : il peut débloquer le compte."
    )
    blocked = db.session.execute(
        select(AuditEvent).where(AuditEvent.action == "auth.login_blocked")
    ).scalar_one()
    assert blocked.details["lockout"] == "login-account"
    frozen.shift(timedelta(minutes=10))
    assert _api_login(client, "cand@example.org", PASSWORD, address=CENTRE).status_code == 200


def test_one_ipv6_subscriber_counts_as_one_address(strict, client, make_user, frozen):
    make_user(email="cand@example.org")
    for host in ("1", "2", "3"):  # three addresses of one /64
        _api_login(client, "cand@example.org", "x", address=f"2001:db8:0:5::{host}")
    locked = _api_login(client, "cand@example.org", PASSWORD, address="2001:db8:0:5::99")
    assert locked.status_code == 429
    other_network = _api_login(client, "cand@example.org", PASSWORD, address="2001:db8:0:6::1")
    assert other_network.status_code == 200


def test_at_an_exam_centre_a_locked_candidate_locks_nobody_else(app, client, make_user, frozen):
    app.config.update(LOGIN_LOCKOUT_ATTEMPTS=3, LOGIN_FAILURES_PER_ADDRESS="5 per 5 minutes")
    make_user(email="alice@example.org")
    make_user(email="bruno@example.org")
    make_user(email="chloe@example.org")
    for _ in range(3):
        assert _api_login(client, "alice@example.org", "typo", address=CENTRE).status_code == 401
    # Alice, locked, keeps trying: refused attempts count towards no limit
    for _ in range(10):
        assert _api_login(client, "alice@example.org", PASSWORD, address=CENTRE).status_code == 429
    # Bruno mistypes once (4 failures from the centre, under its ceiling of 5), then logs in
    assert _api_login(client, "bruno@example.org", "typo", address=CENTRE).status_code == 401
    assert _api_login(client, "bruno@example.org", PASSWORD, address=CENTRE).status_code == 200
    client.delete_cookie("questionnaire_session")
    assert _api_login(client, "chloe@example.org", PASSWORD, address=CENTRE).status_code == 200


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
    assert "Trop d&#39;échecs de connexion avec cette adresse électronique" in page
    assert "<!doctype html>" in page


def test_failures_from_one_address_are_capped_across_accounts(app, client, make_user):
    app.config["LOGIN_FAILURES_PER_ADDRESS"] = "4 per minute"
    make_user(email="cand@example.org")
    for n in range(4):
        assert _api_login(client, f"guess{n}@example.org", "x").status_code == 401
    response = _api_login(client, "cand@example.org", PASSWORD)
    assert response.status_code == 429
    assert _message(response).startswith(
        "Trop d'échecs de connexion depuis ce poste ou ce réseau, tous comptes confondus : "
        "les connexions qui en viennent sont suspendues jusqu'au "
    )


def test_a_declared_exam_centre_has_its_own_limit_across_accounts(app, client, make_user):
    """Hundreds of candidates behind the centre's one address make typos: the general limit
    would have suspended the whole centre."""
    from ipaddress import ip_network

    app.config.update(
        LOGIN_FAILURES_PER_ADDRESS="4 per minute",
        LOGIN_CENTRE_FAILURES_PER_ADDRESS="8 per minute",
        LOGIN_CENTRE_NETWORKS=(ip_network("192.0.2.0/24"),),
    )
    make_user(email="cand@example.org")
    for n in range(8):
        failed = _api_login(client, f"typo{n}@example.org", "x", address=CENTRE)
        assert failed.status_code == 401
    response = _api_login(client, "cand@example.org", PASSWORD, address=CENTRE)
    assert response.status_code == 429  # the centre's own limit still holds
    assert "tous comptes confondus" in _message(response)
    for n in range(4):
        assert _api_login(client, f"guess{n}@example.org", "x", address=ELSEWHERE).status_code
    assert _api_login(client, "cand@example.org", PASSWORD, address=ELSEWHERE).status_code == 429


def test_redis_is_used_for_the_counters_when_configured(monkeypatch, tmp_path):
    monkeypatch.setenv("QUESTIONNAIRE_REDIS_URL", "redis://127.0.0.1:6379/0")
    monkeypatch.setenv("QUESTIONNAIRE_LOGIN_LOCKOUT_ATTEMPTS", "7")
    config = {"ENV_NAME": "testing", "SQLALCHEMY_DATABASE_URI": "sqlite://", "SECRET_KEY": "k"}
    apply_environment(config, str(tmp_path))
    assert config["RATELIMIT_STORAGE_URI"] == "redis://127.0.0.1:6379/0"
    assert config["LOGIN_LOCKOUT_ATTEMPTS"] == 7


def test_the_account_ceiling_is_read_from_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("QUESTIONNAIRE_LOGIN_ACCOUNT_CEILING", "30")
    config = {"ENV_NAME": "testing", "SQLALCHEMY_DATABASE_URI": "sqlite://", "SECRET_KEY": "k"}
    config.update(LOGIN_LOCKOUT_ATTEMPTS=5, LOGIN_ACCOUNT_CEILING=20)
    apply_environment(config, str(tmp_path))
    assert config["LOGIN_ACCOUNT_CEILING"] == 30


def test_the_openapi_document_describes_the_three_login_limits_as_configured(
    app, client, make_user
):
    """Before: « Trop d'échecs : compte bloqué pour un temps », which the lockout per
    (account, address) made wrong (the account stays open from elsewhere) and which said
    neither the ceilings, nor that an unknown e-mail answers the same, nor the header."""
    app.config.update(
        LOGIN_LOCKOUT_ATTEMPTS=3,
        LOGIN_LOCKOUT_MINUTES=10,
        LOGIN_ACCOUNT_CEILING=7,
        LOGIN_FAILURES_PER_ADDRESS="40 per 5 minutes",
    )
    login(client, make_user().email)
    document = client.get("/api/v1/openapi.json").get_json()
    refused = document["paths"]["/auth/login"]["post"]["responses"]["429"]
    description = refused["description"]
    assert "compte bloqué pour un temps" not in description
    for part in (
        "3 échecs en 10 minutes pour ce compte depuis cette adresse IP",
        "7 échecs pour ce compte depuis toutes les adresses",
        "40 per 5 minutes",
        "tous comptes confondus",
        "seuls les échecs comptent",
        "même avec le bon mot de passe",
        "adresse électronique sans compte",
    ):
        assert part in description, part
    assert refused["headers"]["Retry-After"]["schema"] == {"type": "integer"}


def test_a_distributed_attack_does_not_lock_a_candidate_out_of_a_declared_exam_centre(
    strict, client, make_user, frozen
):
    """Before: 7 failures (here; 20 by default) from a few addresses elsewhere, which one IPv6
    /62 provides, locked the candidate everywhere, the exam centre included."""
    from ipaddress import ip_network

    strict.config["LOGIN_CENTRE_NETWORKS"] = (ip_network("192.0.2.0/24"),)
    make_user(email="cand@example.org")
    for address, failures in (("2001:db8:0:1::1", 3), ("2001:db8:0:2::1", 3), ("203.0.113.3", 1)):
        for _ in range(failures):
            assert _api_login(client, "cand@example.org", "x", address=address).status_code == 401
    elsewhere = _api_login(client, "cand@example.org", PASSWORD, address="203.0.113.4")
    assert elsewhere.status_code == 429
    assert "d'où que vous vous connectiez (sauf depuis un centre d'examen)." in _message(elsewhere)
    assert _api_login(client, "cand@example.org", PASSWORD, address=CENTRE).status_code == 200
    client.delete_cookie("questionnaire_session")
    # at the centre, the lockout of the account from that address still holds
    for _ in range(3):
        assert _api_login(client, "cand@example.org", "x", address=CENTRE).status_code == 401
    assert _api_login(client, "cand@example.org", PASSWORD, address=CENTRE).status_code == 429


def test_exam_centre_networks_are_read_and_checked_at_start_up(monkeypatch, tmp_path):
    from ipaddress import ip_network

    monkeypatch.setenv("QUESTIONNAIRE_LOGIN_CENTRE_NETWORKS", "192.0.2.0/24, 2001:db8:5::/48")
    config = {"ENV_NAME": "testing", "SQLALCHEMY_DATABASE_URI": "sqlite://", "SECRET_KEY": "k"}
    apply_environment(config, str(tmp_path))
    assert config["LOGIN_CENTRE_NETWORKS"] == (
        ip_network("192.0.2.0/24"),
        ip_network("2001:db8:5::/48"),
    )
    monkeypatch.setenv("QUESTIONNAIRE_LOGIN_CENTRE_NETWORKS", "192.0.2.0/33")
    with pytest.raises(ConfigurationError, match="des réseaux séparés par des virgules"):
        apply_environment(dict(config), str(tmp_path))


def test_a_login_without_an_e_mail_logs_no_error(app, client, caplog):
    """Before: each view of the login page (and each login without an e-mail) logged
    « Skipping limit: … Empty value found in parameters. » twice at ERROR level, a thousand
    times on an exam morning, burying the real errors (and waking whoever reads them)."""
    import logging

    with caplog.at_level(logging.WARNING):
        assert client.get("/connexion").status_code == 200
        assert client.post("/api/v1/auth/login", json={"email": " ", "password": "x"}).status_code
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING] == []


def test_the_blocked_login_page_says_connexion_bloquee_not_erreur_429(strict, client, make_user):
    """Before: a candidate read « Erreur 429 » (title and heading) above the explanation."""
    make_user(email="cand@example.org")
    for _ in range(3):
        _api_login(client, "cand@example.org", "wrong-password")
    token = form_token(client, "/connexion")
    response = client.post(
        "/connexion", data={"email": "cand@example.org", "password": PASSWORD, "csrf_token": token}
    )
    assert response.status_code == 429
    page = response.get_data(as_text=True)
    assert "<title>Connexion bloquée" in page
    assert re.search(r"<h1[^>]*>Connexion bloquée</h1>", page)
    assert "429" not in re.sub(r"<[^>]+>", " ", page)  # no status code for the candidate to read
    assert '<a href="/connexion">Revenir à la page de connexion</a>' in page


def test_a_blocked_login_is_audited_once_per_lock_however_often_it_is_retried(
    strict, client, make_user, db, frozen
):
    """Before: every refused attempt wrote its row, so whoever kept trying a blocked login
    made the append-only audit log grow without bound."""
    make_user(email="cand@example.org")
    for _ in range(3):
        _api_login(client, "cand@example.org", "wrong-password")
    for _ in range(20):
        assert _api_login(client, "cand@example.org", PASSWORD).status_code == 429
    token = form_token(client, "/connexion")
    page = client.post(
        "/connexion", data={"email": "cand@example.org", "password": PASSWORD, "csrf_token": token}
    )
    assert page.status_code == 429  # the page and the API share the lock, and its one row
    assert _actions(db) == ["auth.login_failed"] * 3 + ["auth.login_blocked"]
    # another lock (the address's ceiling, another account) has its own row
    strict.config["LOGIN_FAILURES_PER_ADDRESS"] = "4 per minute"
    for _ in range(3):
        assert _api_login(client, "other@example.org", "x", address=ELSEWHERE).status_code
    assert _api_login(client, "cand@example.org", "x", address=ELSEWHERE).status_code == 401
    for _ in range(5):
        assert _api_login(client, "third@example.org", "x", address=ELSEWHERE).status_code == 429
    blocked = db.session.execute(
        select(AuditEvent).where(AuditEvent.action == "auth.login_blocked").order_by(AuditEvent.id)
    ).scalars()
    assert [e.details["lockout"] for e in blocked] == ["login-account-address", "login-address"]


def test_a_new_lock_after_the_last_one_ended_is_audited_again(strict, client, make_user, db):
    make_user(email="cand@example.org")
    with time_machine.travel(T0, tick=False) as traveller:
        for _ in range(3):
            _api_login(client, "cand@example.org", "wrong-password")
        for _ in range(3):
            assert _api_login(client, "cand@example.org", PASSWORD).status_code == 429
        traveller.shift(timedelta(minutes=11))  # the lock is over
        for _ in range(3):
            assert _api_login(client, "cand@example.org", "wrong").status_code == 401
        for _ in range(3):
            assert _api_login(client, "cand@example.org", PASSWORD).status_code == 429
    assert _actions(db) == (["auth.login_failed"] * 3 + ["auth.login_blocked"]) * 2
