"""A session left idle (an exam centre's shared computer) ends after SESSION_IDLE_MINUTES."""

from __future__ import annotations

import pytest

from tests.conftest import form_token, login, post_from_page

IDLE = 120


@pytest.fixture
def idle_app(app):
    app.config["SESSION_IDLE_MINUTES"] = IDLE
    return app


def test_a_session_idle_longer_than_the_limit_ends(idle_app, client, clock, make_user):
    user = make_user(email="cand@example.org")
    login(client, user.email)
    clock.advance(minutes=IDLE, seconds=1)
    response = client.get("/mes-donnees")
    assert response.status_code == 303
    assert response.headers["Location"] == "/connexion?next=/mes-donnees"
    page = client.get("/connexion").get_data(as_text=True)
    assert "fermée après 120 minutes sans activité" in page
    assert client.get("/api/v1/auth/me").status_code == 401  # ended, not only redirected


def test_the_api_answers_401_json_once_idle(idle_app, client, clock, make_user):
    user = make_user(email="cand@example.org")
    login(client, user.email)
    clock.advance(minutes=IDLE + 1)
    response = client.get("/api/v1/sessions")
    assert response.status_code == 401
    error = response.get_json()["error"]
    assert error["code"] == "unauthenticated" and "sans activité" in error["message"]


def test_activity_keeps_the_session_open(idle_app, client, clock, make_user):
    user = make_user(email="cand@example.org")
    login(client, user.email)
    for _ in range(4):  # 4 × 100 minutes: longer than the limit, never idle that long
        clock.advance(minutes=IDLE - 20)
        assert client.get("/api/v1/auth/me").status_code == 200


def test_the_last_request_time_is_rewritten_at_most_once_a_minute(
    idle_app, client, clock, make_user
):
    user = make_user(email="cand@example.org")
    login(client, user.email)
    clock.advance(seconds=30)
    assert "Set-Cookie" not in client.get("/api/v1/auth/me").headers
    clock.advance(seconds=31)
    assert "questionnaire_session=" in client.get("/api/v1/auth/me").headers["Set-Cookie"]


def test_zero_turns_the_limit_off(app, client, clock, make_user):
    app.config["SESSION_IDLE_MINUTES"] = 0
    user = make_user(email="cand@example.org")
    login(client, user.email)
    clock.advance(days=2)
    assert client.get("/api/v1/auth/me").status_code == 200


def test_a_form_sent_once_idle_says_it_was_not_saved(idle_app, client, clock, make_user):
    user = make_user(email="cand@example.org")
    login(client, user.email)
    token = form_token(client, "/preferences-affichage")
    clock.advance(minutes=IDLE + 1)
    response = post_from_page(client, "/preferences-affichage", {"csrf_token": token})
    assert response.status_code == 303
    assert response.headers["Location"] == "/connexion?next=/preferences-affichage"
    page = client.get("/connexion").get_data(as_text=True)
    assert "n&#39;a pas été enregistré" in page or "n'a pas été enregistré" in page
