"""An administrator sees that an account's login is locked, until when and from where, and
unlocks it (POST, CSRF, administrators only, audited).

The limiter counts with the system clock: time_machine freezes it at the app's frozen T0
(08:00 UTC, 09:00 in Paris); the default lockout lasts 15 minutes, so until 09 h 15.
"""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from questionnaire import create_app
from questionnaire.audit.models import AuditEvent
from questionnaire.auth.models import Role
from questionnaire.auth.services import create_user
from questionnaire.extensions import db as _db
from questionnaire.security.limits import limiter
from tests.conftest import PASSWORD, T0, form_token, login, page_text
from tests.lockout import STRANGER, attempt_login, lock_from

# the limiter counts with the system clock: frozen before any login, the administrator's too
pytestmark = pytest.mark.usefixtures("frozen")

CENTRE = "192.0.2.10"


def _unlock_events(db):
    return list(
        db.session.execute(
            select(AuditEvent).where(AuditEvent.action == "admin.user_unlock")
        ).scalars()
    )


def test_the_account_page_says_it_is_not_locked(client, admin, candidate, frozen):
    page = page_text(client.get(f"/admin/utilisateurs/{candidate.id}").get_data(as_text=True))
    assert "La connexion à ce compte n'est pas bloquée." in page
    assert "Débloquer la connexion" not in page


def test_the_account_page_and_the_list_show_a_lock_from_one_address(
    app, client, admin, candidate, frozen
):
    lock_from(app, STRANGER)
    page = client.get(f"/admin/utilisateurs/{candidate.id}").get_data(as_text=True)
    text = page_text(page)
    assert "Ce compte est bloqué après trop d'échecs de connexion" in text
    # « adresse IP »: on this page « adresse » alone reads as the account's e-mail address
    assert "depuis l'adresse IP 203.0.113.9 jusqu'au 02/03/2026 à 09 h 15" in text
    assert "depuis toutes les adresses jusqu'au" not in text
    assert f'action="/admin/utilisateurs/{candidate.id}/debloquer"' in page
    listing = page_text(client.get("/admin/utilisateurs").get_data(as_text=True))
    assert "Camille Candidate cand@example.org Candidat actif connexion bloquée" in listing
    assert listing.count("connexion bloquée") == 1  # the administrator's row has no marker


def test_the_account_page_shows_the_account_wide_ceiling(app, client, admin, candidate, frozen):
    for n in range(4):  # 5 failures from each of 4 addresses: 20, the default ceiling
        lock_from(app, f"203.0.113.{n + 1}")
    text = page_text(client.get(f"/admin/utilisateurs/{candidate.id}").get_data(as_text=True))
    assert "depuis toutes les adresses jusqu'au 02/03/2026 à 09 h 15" in text
    assert attempt_login(app, PASSWORD, CENTRE).status_code == 429


def test_unlocking_clears_every_address_and_the_account_wide_count_and_is_audited(
    app, client, admin, candidate, db, frozen
):
    for n in range(4):
        lock_from(app, f"203.0.113.{n + 1}")
    url = f"/admin/utilisateurs/{candidate.id}"
    response = client.post(f"{url}/debloquer", data={"csrf_token": form_token(client, url)})
    assert response.status_code == 302 and response.headers["Location"] == url
    page = page_text(client.get(url).get_data(as_text=True))
    assert (
        "Connexion débloquée pour cand@example.org : ses échecs sont effacés, depuis toutes les "
        "adresses." in page
    )
    assert "La connexion à ce compte n'est pas bloquée." in page
    assert attempt_login(app, PASSWORD, CENTRE).status_code == 200
    assert attempt_login(app, PASSWORD, "203.0.113.1").status_code == 200
    # the counts start again from zero: 4 new failures leave the pair open
    lock_from(app, "203.0.113.2", failures=4)
    assert attempt_login(app, PASSWORD, "203.0.113.2").status_code == 200
    [event] = _unlock_events(db)
    assert (event.actor_id, event.subject_id, event.target) == (
        admin.id,
        candidate.id,
        f"user:{candidate.id}",
    )
    assert event.details == {
        "locked_until": "2026-03-02T08:15:00+00:00",
        "account_wide": True,
        "addresses": ["203.0.113.1", "203.0.113.2", "203.0.113.3", "203.0.113.4"],
        "blocked_unrecorded": 0,
    }
    journal = page_text(
        client.get("/admin/journal?action=admin.user_unlock").get_data(as_text=True)
    )
    assert "déblocage des connexions d'un compte" in journal
    assert "Bloqué jusqu'au : 02/03/2026 à 09 h 15" in journal
    assert "Bloqué depuis toutes les adresses : Oui" in journal


def test_unlocking_an_account_that_is_not_locked_says_so(client, admin, candidate, db, frozen):
    url = f"/admin/utilisateurs/{candidate.id}"
    client.post(f"{url}/debloquer", data={"csrf_token": form_token(client, url)})
    page = page_text(client.get(url).get_data(as_text=True))
    assert "Le compte cand@example.org n'était pas bloqué" in page
    assert len(_unlock_events(db)) == 1


def test_the_blocked_login_names_its_lockout_in_the_journal(app, client, admin, candidate, frozen):
    lock_from(app, STRANGER)
    assert attempt_login(app, PASSWORD, STRANGER).status_code == 429
    journal = page_text(
        client.get("/admin/journal?action=auth.login_blocked").get_data(as_text=True)
    )
    assert "Blocage : ce compte depuis cette adresse" in journal


def test_the_unlock_says_how_many_refusals_went_unrecorded_and_a_new_lock_is_audited(
    app, client, admin, candidate, db, frozen
):
    """A blocked login is audited once per lock: the unlock counts the refusals after it and
    forgets them, so that the next lock, within the same window, gets its row again."""
    lock_from(app, STRANGER)
    for _ in range(7):
        assert attempt_login(app, PASSWORD, STRANGER).status_code == 429

    def blocked_rows():
        return db.session.execute(
            select(AuditEvent).where(AuditEvent.action == "auth.login_blocked")
        ).all()

    assert len(blocked_rows()) == 1
    url = f"/admin/utilisateurs/{candidate.id}"
    client.post(f"{url}/debloquer", data={"csrf_token": form_token(client, url)})
    [event] = _unlock_events(db)
    assert event.details["blocked_unrecorded"] == 6
    journal = page_text(
        client.get("/admin/journal?action=admin.user_unlock").get_data(as_text=True)
    )
    assert "Connexions refusées depuis, non journalisées : 6" in journal
    lock_from(app, STRANGER)
    assert attempt_login(app, PASSWORD, STRANGER).status_code == 429
    assert len(blocked_rows()) == 2


@pytest.mark.parametrize("role", [Role.CANDIDATE, Role.AUTHOR, Role.REVIEWER, Role.JURY])
def test_only_an_administrator_can_unlock(app, client, make_user, candidate, db, frozen, role):
    lock_from(app, STRANGER)
    someone = make_user(role, email="someone@example.org")
    token = login(client, someone.email)
    response = client.post(
        f"/admin/utilisateurs/{candidate.id}/debloquer", data={"csrf_token": token}
    )
    assert response.status_code == 403
    assert attempt_login(app, PASSWORD, STRANGER).status_code == 429
    assert _unlock_events(db) == []


def test_unlocking_without_the_csrf_token_is_refused(app, client, admin, candidate, db, frozen):
    lock_from(app, STRANGER)
    response = client.post(f"/admin/utilisateurs/{candidate.id}/debloquer")
    assert response.status_code == 400
    assert "Jeton de sécurité (CSRF) absent ou invalide" in response.get_data(as_text=True)
    assert attempt_login(app, PASSWORD, STRANGER).status_code == 429
    assert _unlock_events(db) == []


def test_unlocking_an_unknown_account_is_not_found(client, admin):
    url = "/admin/utilisateurs"
    response = client.post(
        "/admin/utilisateurs/999/debloquer", data={"csrf_token": form_token(client, url)}
    )
    assert response.status_code == 404


def test_unreachable_counters_are_said_on_the_pages_and_nothing_is_unlocked(tmp_path, monkeypatch):
    monkeypatch.setenv("QUESTIONNAIRE_INSTANCE_PATH", str(tmp_path))
    # the value this test found, put back at its end (the limiter is one object for every app)
    monkeypatch.setattr(limiter, "_storage_dead", False)
    app = create_app({"CONFIG": "testing", "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:1/0"})
    with app.app_context():
        _db.create_all()
        create_user("admin@example.org", PASSWORD, "Ada", [Role.ADMIN], T0)
        user = create_user("cand@example.org", PASSWORD, "Cand", [Role.CANDIDATE], T0)
        _db.session.commit()
        client = app.test_client()
        token = login(client, "admin@example.org")  # logins fall back to memory counters
        attempt_login(app, "wrong-password", "203.0.113.9")  # a recent failure to ask Redis about
        # Redis fails after the limiter last looked at it: the pages meet the failure themselves
        monkeypatch.setattr(limiter, "_storage_dead", False)
        page = client.get(f"/admin/utilisateurs/{user.id}")
        assert page.status_code == 200
        assert "Les compteurs de connexion (Redis) sont injoignables" in page.get_data(as_text=True)
        listing = client.get("/admin/utilisateurs")
        assert listing.status_code == 200
        assert "les comptes bloqués ne peuvent pas être signalés ici" in listing.get_data(
            as_text=True
        )
        response = client.post(
            f"/admin/utilisateurs/{user.id}/debloquer",
            data={"csrf_token": token},
            follow_redirects=True,
        )
        assert response.status_code == 200
        assert "le compte n'a pas été débloqué" in page_text(response.get_data(as_text=True))
        assert _unlock_events(_db) == []
        _db.session.remove()


def test_the_account_page_says_declared_exam_centres_escape_the_account_wide_lock(
    app, client, admin, candidate, frozen
):
    from ipaddress import ip_network

    app.config["LOGIN_CENTRE_NETWORKS"] = (ip_network("192.0.2.0/24"),)
    for n in range(4):
        lock_from(app, f"203.0.113.{n + 1}")
    text = page_text(client.get(f"/admin/utilisateurs/{candidate.id}").get_data(as_text=True))
    assert (
        "depuis toutes les adresses jusqu'au 02/03/2026 à 09 h 15 (échecs venus de plusieurs "
        "adresses), sauf depuis les centres d'examen déclarés" in text
    )
    assert attempt_login(app, PASSWORD, CENTRE).status_code == 200


def test_the_account_form_is_not_read_as_part_of_the_lockout_section(
    app, client, admin, candidate, frozen
):
    """Before: the form (roles, activation, password) came right after the « Blocage des
    connexions » heading, with no heading of its own: read by headings, it belonged there."""
    lock_from(app, STRANGER)
    page = client.get(f"/admin/utilisateurs/{candidate.id}").get_data(as_text=True)
    headings = re.findall(r"<h([1-3])[^>]*>([^<]*)</h\1>", page)
    main = page.index('<form method="post" class="narrow-form"')
    last_heading = max(m.start() for m in re.finditer(r"<h[1-3][ >]", page[:main]))
    assert re.match(r'<h2 id="account-form-title">Modifier le compte</h2>', page[last_heading:])
    assert 'aria-labelledby="account-form-title"' in page[main : page.index(">", main)]
    assert [text for level, text in headings if level == "2"][:2] == [
        "Blocage des connexions",
        "Modifier le compte",
    ]


def test_an_ipv6_lock_is_named_as_the_network_it_holds_for(app, client, admin, candidate, frozen):
    """Before: « depuis l'adresse 2001:db8:0:5::/64 », a network read as one address."""
    lock_from(app, "2001:db8:0:5::17")
    text = page_text(client.get(f"/admin/utilisateurs/{candidate.id}").get_data(as_text=True))
    assert "depuis le réseau IPv6 2001:db8:0:5::/64 jusqu'au 02/03/2026 à 09 h 15" in text
    assert "depuis l'adresse IP 2001" not in text
