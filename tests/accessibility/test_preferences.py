"""Display preferences: saved per user, applied as classes on <body>, CSRF-protected."""

from __future__ import annotations

import re

from questionnaire.accessibility.models import UserPreference
from questionnaire.accessibility.services import (
    DisplayChoices,
    preferences_for,
    save_preferences,
)
from tests.conftest import form_token, login

URL = "/preferences-affichage"


def body_tag(html: str) -> str:
    return re.search(r"<body[^>]*>", html).group(0)


def test_no_preference_means_a_plain_body(client, make_user):
    user = make_user()
    login(client, user.email)
    html = client.get("/").get_data(as_text=True)
    assert body_tag(html) == "<body>"


def test_saved_preferences_put_their_classes_on_body(client, make_user, db):
    user = make_user()
    login(client, user.email)
    token = form_token(client, URL)

    response = client.post(
        URL, data={"csrf_token": token, "large_text": "y", "hide_countdown": "y"}
    )

    assert response.status_code == 302
    stored = db.session.get(UserPreference, user.id)
    assert (
        stored.large_text,
        stored.high_contrast,
        stored.reduced_motion,
        stored.hide_countdown,
    ) == (
        True,
        False,
        False,
        True,
    )
    html = client.get("/").get_data(as_text=True)
    assert body_tag(html) == '<body class="pref-large-text pref-hide-countdown">'


def test_the_form_shows_saved_choices_and_can_clear_them(client, make_user, db):
    user = make_user()
    login(client, user.email)
    client.post(URL, data={"csrf_token": form_token(client, URL), "high_contrast": "y"})

    html = client.get(URL).get_data(as_text=True)
    assert re.search(r'<input [^>]*checked id="high_contrast"', html)
    assert re.search(r'<input [^>]*id="large_text"', html)
    assert not re.search(r'<input [^>]*checked id="large_text"', html)
    assert 'aria-describedby="high_contrast-hint"' in html

    client.post(URL, data={"csrf_token": form_token(client, URL)})
    assert body_tag(client.get("/").get_data(as_text=True)) == "<body>"
    assert preferences_for(user.id).high_contrast is False


def test_preferences_are_refused_without_csrf(client, make_user, db):
    user = make_user()
    login(client, user.email)
    response = client.post(URL, data={"large_text": "y"})
    assert response.status_code == 400
    assert preferences_for(user.id) is None


def test_preferences_need_a_login(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert "/connexion" in response.headers["Location"]


def test_preferences_are_per_user(client, make_user, db, clock):
    first, second = make_user(), make_user()
    save_preferences(first.id, DisplayChoices(high_contrast=True), clock())
    db.session.commit()
    login(client, second.email)
    assert body_tag(client.get("/").get_data(as_text=True)) == "<body>"


def test_saving_again_updates_the_same_row(db, make_user, clock):
    user = make_user()
    save_preferences(user.id, DisplayChoices(reduced_motion=True), clock())
    clock.advance(minutes=5)
    save_preferences(user.id, DisplayChoices(large_text=True), clock())
    db.session.commit()
    rows = db.session.execute(db.select(UserPreference)).scalars().all()
    assert len(rows) == 1
    assert rows[0].body_classes == ["pref-large-text"]
    assert rows[0].updated_at == clock()


def test_hidden_countdown_keeps_the_end_time_and_the_announcer(client, make_session, db, clock):
    session, candidate = make_session()
    save_preferences(candidate.id, DisplayChoices(hide_countdown=True), clock())
    db.session.commit()
    login(client, candidate.email)
    client.post(
        f"/sessions/{session.id}",
        data={"csrf_token": form_token(client, f"/sessions/{session.id}")},
    )
    html = client.get("/copies/1/questions/1").get_data(as_text=True)
    assert 'class="pref-hide-countdown"' in body_tag(html)
    assert "Fin de l'épreuve" in html
    assert 'aria-live="polite"' in html


def test_extra_time_is_shown_on_the_dashboard_and_the_session_page(client, make_session):
    session, candidate = make_session(extra=33, duration=30)
    login(client, candidate.email)
    dashboard = client.get("/").get_data(as_text=True)
    assert "30 minutes, portée à 39 min 54 s avec votre temps supplémentaire de 33 %" in dashboard
    page = client.get(f"/sessions/{session.id}").get_data(as_text=True)
    # 30 min × 1.33 = 39.9 min: the time the server enforces, not a rounded-down figure
    assert "portée à 39 min 54 s avec votre temps supplémentaire de 33 %" in page


def test_pages_still_render_when_preferences_cannot_be_read(client, make_user, monkeypatch):
    from sqlalchemy.exc import OperationalError

    from questionnaire.accessibility import services

    user = make_user()
    login(client, user.email)

    def broken(user_id):
        raise OperationalError("SELECT", {}, Exception("database is locked"))

    monkeypatch.setattr(services, "preferences_for", broken)
    response = client.get("/")
    assert response.status_code == 200
    assert body_tag(response.get_data(as_text=True)) == "<body>"
