"""Logging in gives a new CSRF token: one read or planted before the login is void after it."""

from tests.conftest import PASSWORD, form_token

ME = "/api/v1/auth/me"


def _raw_token(client) -> str | None:
    with client.session_transaction() as session:
        return session.get("csrf_token")


def _log_out(client, token: str) -> int:
    """A CSRF-protected API call every user may make."""
    return client.post("/api/v1/auth/logout", headers={"X-CSRFToken": token}).status_code


def test_the_login_form_rotates_the_token(client, make_user):
    user = make_user(email="cand@example.org")
    before = form_token(client, "/connexion")
    raw_before = _raw_token(client)
    response = client.post(
        "/connexion", data={"email": user.email, "password": PASSWORD, "csrf_token": before}
    )
    assert response.status_code == 302
    assert _raw_token(client) != raw_before
    after = client.get(ME).get_json()["csrf_token"]
    assert after != before
    assert _log_out(client, before) == 400  # the old token is refused
    assert _log_out(client, after) == 200


def test_the_api_login_returns_the_new_token(client, make_user):
    user = make_user(email="cand@example.org")
    before = form_token(client, "/connexion")
    raw_before = _raw_token(client)
    response = client.post("/api/v1/auth/login", json={"email": user.email, "password": PASSWORD})
    after = response.get_json()["csrf_token"]
    assert _raw_token(client) not in (None, raw_before)
    assert after != before
    assert _log_out(client, before) == 400
    assert _log_out(client, after) == 200
