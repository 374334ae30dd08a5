"""An administrator sees how many logins a lock has refused so far, and how many of them are not
in the journal (audited once per lock), without unlocking: read from the limiter's storage.

The limiter counts with the system clock: time_machine freezes it at the app's frozen T0
(08:00 UTC, 09:00 in Paris); the default lockout lasts 15 minutes, so until 09 h 15.
"""

from __future__ import annotations

import re
import uuid
from html import unescape
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import func, select

from questionnaire import create_app
from questionnaire.audit.models import AuditEvent
from questionnaire.auth.models import Role
from questionnaire.auth.services import create_user
from questionnaire.extensions import db as _db
from tests.conftest import PASSWORD, T0, form_token, login, page_text
from tests.lockout import STRANGER, attempt_login, lock_from

# the limiter counts with the system clock: frozen before any login, the administrator's too
pytestmark = pytest.mark.usefixtures("frozen")

ELSEWHERE = "198.51.100.7"


def _refuse(app, address, times, email="cand@example.org"):
    for _ in range(times):
        assert attempt_login(app, PASSWORD, address, email).status_code == 429


def _events(db, action):
    count = select(func.count(AuditEvent.id)).where(AuditEvent.action == action)
    return db.session.execute(count).scalar_one()


def test_the_account_page_counts_the_refusals_of_a_lock_without_unlocking(
    app, client, admin, candidate, db, frozen
):
    lock_from(app, STRANGER)
    _refuse(app, STRANGER, 7)
    url = f"/admin/utilisateurs/{candidate.id}"
    text = page_text(client.get(url).get_data(as_text=True))
    assert (
        "depuis l'adresse IP 203.0.113.9 jusqu'au 02/03/2026 à 09 h 15 ; "
        "7 connexions refusées depuis le blocage" in text
    )
    assert "6 refus n'y figurent pas" in text
    # reading changes nothing: still locked, nothing recorded, the count goes on
    assert _events(db, "admin.user_unlock") == 0 and _events(db, "auth.login_blocked") == 1
    _refuse(app, STRANGER, 1)
    assert "8 connexions refusées depuis le blocage" in page_text(
        client.get(url).get_data(as_text=True)
    )
    # the unlock records the number the page showed
    client.post(f"{url}/debloquer", data={"csrf_token": form_token(client, url)})
    [unrecorded] = db.session.execute(
        select(AuditEvent.details).where(AuditEvent.action == "admin.user_unlock")
    ).one()
    assert unrecorded["blocked_unrecorded"] == 7


def test_a_lock_nobody_ran_into_says_so(app, client, admin, candidate, frozen):
    lock_from(app, STRANGER)
    text = page_text(client.get(f"/admin/utilisateurs/{candidate.id}").get_data(as_text=True))
    assert "09 h 15 ; aucune connexion refusée depuis le blocage" in text
    assert "n'y figure" not in text


def test_one_refusal_is_in_the_journal_and_not_counted_as_missing(
    app, client, admin, candidate, frozen
):
    lock_from(app, STRANGER)
    _refuse(app, STRANGER, 1)
    text = page_text(client.get(f"/admin/utilisateurs/{candidate.id}").get_data(as_text=True))
    assert "1 connexion refusée depuis le blocage" in text
    assert "n'y figure" not in text


def test_the_account_wide_lock_has_its_own_count_and_the_list_shows_the_total(
    app, client, admin, candidate, frozen
):
    for n in range(4):  # 5 failures from each of 4 addresses: 20, the account-wide ceiling
        lock_from(app, f"203.0.113.{n + 1}")
    _refuse(app, ELSEWHERE, 3)  # only the account-wide lock holds there
    _refuse(app, "203.0.113.1", 2)  # the account-wide lock refuses them too
    text = page_text(client.get(f"/admin/utilisateurs/{candidate.id}").get_data(as_text=True))
    account_line = re.search(r"depuis toutes les adresses jusqu'au [^;]*; ([^.]*?blocage)", text)
    assert account_line.group(1) == "5 connexions refusées depuis le blocage"
    assert "203.0.113.1 jusqu'au 02/03/2026 à 09 h 15 ; aucune connexion refusée" in text
    assert "4 refus n'y figurent pas" in text
    listing = page_text(client.get("/admin/utilisateurs").get_data(as_text=True))
    assert "connexion bloquée jusqu'au 02/03/2026 à 09 h 15 (5 connexions refusées depuis)" in (
        listing
    )


def test_the_page_links_to_this_accounts_failures_in_the_journal(
    app, client, admin, candidate, make_user, frozen
):
    other = make_user(email="other@example.org", name="Autre Candidat")
    lock_from(app, STRANGER)
    lock_from(app, STRANGER, failures=2, email=other.email)
    page = client.get(f"/admin/utilisateurs/{candidate.id}").get_data(as_text=True)
    [link] = [
        unescape(href)
        for href in re.findall(r'href="([^"]+)"', page)
        if href.startswith("/admin/journal?")
    ]
    assert parse_qs(urlsplit(link).query) == {
        "action": ["auth.login_failed"],
        "person": ["cand@example.org"],
        "involvement": ["subject"],
    }
    journal = client.get(link).get_data(as_text=True)
    assert journal.count("<td>Camille Candidate</td>") == 5
    assert "Autre Candidat" not in page_text(journal).split("Détails", 1)[1]


def test_refusals_counted_by_one_worker_show_on_the_page_another_serves(
    redis_url, tmp_path, monkeypatch
):
    monkeypatch.setenv("QUESTIONNAIRE_INSTANCE_PATH", str(tmp_path))
    email = f"cand-{uuid.uuid4().hex}@example.org"  # Redis keeps counters between runs
    settings = {
        "CONFIG": "testing",
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'shared.db'}",
        "RATELIMIT_STORAGE_URI": redis_url,
        "LOGIN_LOCKOUT_ATTEMPTS": 2,
    }
    first = create_app(settings)
    with first.app_context():
        _db.create_all()
        user = create_user(email, PASSWORD, "Cand", [Role.CANDIDATE], T0)
        create_user(f"admin-{email}", PASSWORD, "Ada", [Role.ADMIN], T0)
        _db.session.commit()
        user_id = user.id
        lock_from(first, STRANGER, failures=2, email=email)
        _refuse(first, STRANGER, 4, email=email)
        _db.session.remove()
    second = create_app(settings)
    with second.app_context():
        admin = second.test_client()
        login(admin, f"admin-{email}")
        text = page_text(admin.get(f"/admin/utilisateurs/{user_id}").get_data(as_text=True))
        assert "4 connexions refusées depuis le blocage" in text
        assert "3 refus n'y figurent pas" in text
        _db.session.remove()
        _db.engine.dispose()
