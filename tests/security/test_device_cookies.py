"""Device cookies (OWASP): a browser that has logged in to an account counts its own failures,
so nobody else at its address, nor from many addresses, locks the candidate out of it.

The limiter counts with the system clock: time_machine freezes it at the app's frozen T0
(08:00 UTC, 09:00 in Paris); the default lockout lasts 15 minutes.
"""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from questionnaire.audit.models import AuditEvent
from questionnaire.auth.models import Role
from questionnaire.security.limits import DEVICE_COOKIE
from questionnaire.security.lockout import lockout_of, unlock_account
from tests.conftest import PASSWORD, T0, login

CENTRE = "192.0.2.10"  # every candidate of the exam centre behind this one address
EMAIL = "cand@example.org"


@pytest.fixture
def candidate(make_user):
    return make_user(email=EMAIL, name="Camille Candidate")


def attempt(browser, password, address=CENTRE, email=EMAIL):
    return browser.post(
        "/api/v1/auth/login",
        json={"email": email, "password": password},
        environ_base={"REMOTE_ADDR": address},
    )


def known_browser(app):
    """A browser in which the candidate has logged in once, then whose session has ended."""
    browser = app.test_client()
    response = attempt(browser, PASSWORD)
    assert response.status_code == 200
    browser.delete_cookie("questionnaire_session")
    return browser, response


def fail(browser, times, address=CENTRE, email=EMAIL):
    for _ in range(times):
        assert attempt(browser, "wrong-password", address, email).status_code == 401


def test_the_login_sets_a_signed_cookie_that_does_not_show_the_address(app, candidate, frozen):
    _browser, response = known_browser(app)
    [cookie] = [c for c in response.headers.getlist("Set-Cookie") if c.startswith(DEVICE_COOKIE)]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert re.search(r"Max-Age=15552000\b", cookie)  # 180 days
    assert "cand" not in cookie.lower() and "example" not in cookie


def test_a_colleague_at_the_same_address_no_longer_locks_a_known_browser(app, candidate, frozen):
    mine, _ = known_browser(app)
    colleague = app.test_client()
    fail(colleague, 5)
    assert attempt(colleague, PASSWORD).status_code == 429  # the address's pair is locked
    assert attempt(mine, PASSWORD).status_code == 200  # the candidate's browser is not


def test_a_known_browser_has_the_same_few_tries_on_its_own_counter(app, candidate, db, frozen):
    mine, _ = known_browser(app)
    fail(mine, 5)
    assert attempt(mine, PASSWORD).status_code == 429
    # its failures counted on its own counter: the address stays open to a new browser
    assert attempt(app.test_client(), PASSWORD).status_code == 200
    devices = {
        e.details["device"]
        for e in db.session.execute(
            select(AuditEvent).where(AuditEvent.action == "auth.login_failed")
        ).scalars()
    }
    assert len(devices) == 1 and next(iter(devices)).isalnum()


def test_many_addresses_reach_the_account_ceiling_but_not_a_known_browser(app, candidate, frozen):
    mine, _ = known_browser(app)
    stranger = app.test_client()
    for n in range(4):  # 5 failures from each of 4 addresses: 20, the default ceiling
        fail(stranger, 5, address=f"203.0.113.{n + 1}")
    assert attempt(app.test_client(), PASSWORD, address="198.51.100.7").status_code == 429
    assert attempt(mine, PASSWORD, address="198.51.100.7").status_code == 200


def test_a_cookie_for_another_account_or_altered_counts_for_nothing(
    app, candidate, make_user, frozen
):
    make_user(email="autre@example.org")
    mine, _ = known_browser(app)
    # the same browser, failing on another account: the address's pair for that account
    fail(mine, 5, email="autre@example.org")
    assert attempt(app.test_client(), PASSWORD, email="autre@example.org").status_code == 429
    forged = app.test_client()
    value = mine.get_cookie(DEVICE_COOKIE).value
    forged.set_cookie(DEVICE_COOKIE, value[:-2] + ("AA" if value[-2:] != "AA" else "BB"))
    colleague = app.test_client()
    fail(colleague, 5)
    assert attempt(forged, PASSWORD).status_code == 429  # counted as the locked address


def test_an_administrator_sees_and_clears_a_browser_lock(app, candidate, make_user, frozen, db):
    mine, _ = known_browser(app)
    fail(mine, 5)
    lockout = lockout_of(candidate, T0)
    [(place, _until)] = lockout.addresses
    assert place.startswith("device:") and lockout.account_until is None
    admin = make_user(Role.ADMIN, email="admin@example.org")
    client = app.test_client()
    login(client, admin.email)
    page = client.get(f"/admin/utilisateurs/{candidate.id}").get_data(as_text=True)
    assert "depuis un navigateur déjà connecté à ce compte" in page.replace("&#39;", "'")
    with app.test_request_context():
        unlock_account(candidate, T0)
    db.session.commit()
    assert attempt(mine, PASSWORD).status_code == 200
