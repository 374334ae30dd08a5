"""A user's own password change: proved by the current password, the same policy as an
administrator's, the other sessions ended, audited, and wrong current passwords limited."""

from __future__ import annotations

import html
import re

import pytest
from argon2 import PasswordHasher
from sqlalchemy import select

from questionnaire.audit.models import AuditEvent
from questionnaire.auth.models import Role, User
from questionnaire.auth.services import PasswordChangeError, authenticate, change_password
from tests.conftest import PASSWORD, form_token, login

COOKIE = "questionnaire_session"
NEW = "une phrase de passe toute neuve"
URL = "/mot-de-passe"


def _post(client, current=PASSWORD, new=NEW, confirmation=None):
    return client.post(
        URL,
        data={
            "csrf_token": form_token(client, URL),
            "current_password": current,
            "new_password": new,
            "confirmation": NEW if confirmation is None else confirmation,
        },
    )


def _actions(db) -> list[str]:
    return [
        event.action
        for event in db.session.execute(select(AuditEvent).order_by(AuditEvent.id)).scalars()
        if event.action.startswith("auth.password")
    ]


# ---------------------------------------------------------------- rules (service)


@pytest.mark.parametrize(
    ("current", "new", "field", "message"),
    [
        ("pas le bon mot de passe", NEW, "current_password", "Mot de passe actuel incorrect."),
        (PASSWORD, "court", "new_password", "au moins 12 caractères"),
        (PASSWORD, PASSWORD, "new_password", "différent de l'actuel"),
        (PASSWORD, "CAND@example.org ", "new_password", "l'adresse électronique du compte"),
    ],
)
def test_a_refused_change_names_its_field_and_keeps_the_password(
    app, db, clock, make_user, current, new, field, message
):
    user = make_user(email="cand@example.org")
    with pytest.raises(PasswordChangeError, match=message) as refused:
        change_password(user, current, new)
    assert refused.value.field == field
    assert user.session_epoch == 0
    assert authenticate("cand@example.org", PASSWORD, clock()) is not None


def test_the_new_password_is_hashed_with_argon2_and_replaces_the_old(app, db, clock, make_user):
    user = make_user(email="cand@example.org")
    change_password(user, PASSWORD, NEW)
    db.session.commit()
    assert NEW not in user.password_hash
    assert PasswordHasher().verify(user.password_hash, NEW)
    assert authenticate("cand@example.org", PASSWORD, clock()) is None
    assert authenticate("cand@example.org", NEW, clock()) is not None


# ---------------------------------------------------------------- page


def test_the_page_has_labelled_fields_for_password_managers(client, make_user):
    user = make_user(email="cand@example.org")
    login(client, user.email)
    page = client.get(URL)
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    for name, autocomplete in (
        ("current_password", "current-password"),
        ("new_password", "new-password"),
        ("confirmation", "new-password"),
    ):
        assert f'<label for="{name}">' in text
        tag = re.search(rf'<input[^>]*id="{name}"[^>]*>', text).group(0)
        assert f'autocomplete="{autocomplete}"' in tag and 'type="password"' in tag
    assert f'href="{URL}"' in client.get("/").get_data(as_text=True)  # linked from every page


def test_the_page_asks_for_a_login_first(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert "/connexion" in response.headers["Location"]


def test_a_change_keeps_this_session_and_ends_the_others(app, client, db, clock, make_user):
    user = make_user(email="cand@example.org")
    other = app.test_client()  # the same account open in another browser
    login(other, user.email)
    login(client, user.email)
    thief = app.test_client()  # a copy of this browser's cookie
    thief.set_cookie(COOKIE, client.get_cookie(COOKIE).value)

    response = _post(client)

    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert "Votre mot de passe a été changé" in client.get("/").get_data(as_text=True)
    assert client.get("/api/v1/auth/me").status_code == 200
    assert other.get("/api/v1/auth/me").status_code == 401
    assert thief.get("/api/v1/auth/me").status_code == 401
    assert authenticate("cand@example.org", NEW, clock()) is not None
    assert _actions(db) == ["auth.password_change"]


def test_mismatched_confirmation_redisplays_the_form_with_a_message(client, db, clock, make_user):
    user = make_user(email="cand@example.org")
    login(client, user.email)
    response = _post(client, confirmation="une autre phrase de passe")
    assert response.status_code == 422
    text = response.get_data(as_text=True)
    assert "Les deux saisies du nouveau mot de passe diffèrent." in text
    assert 'class="error-summary"' in text and 'aria-invalid="true"' in text
    assert NEW not in text  # a password is never sent back
    assert authenticate("cand@example.org", PASSWORD, clock()) is not None
    assert _actions(db) == []  # not a wrong password: nothing to audit


def test_a_wrong_current_password_is_refused_and_audited(client, db, clock, make_user):
    user = make_user(email="cand@example.org")
    login(client, user.email)
    response = _post(client, current="pas le bon mot de passe")
    assert response.status_code == 422
    assert "Mot de passe actuel incorrect." in response.get_data(as_text=True)
    assert authenticate("cand@example.org", NEW, clock()) is None
    assert client.get("/api/v1/auth/me").status_code == 200  # still logged in
    assert _actions(db) == ["auth.password_change_failed"]


def test_wrong_current_passwords_are_limited_per_account(app, client, db, clock, make_user):
    user = make_user(email="cand@example.org")
    login(client, user.email)
    attempts = app.config["LOGIN_LOCKOUT_ATTEMPTS"]
    for _ in range(attempts):
        assert _post(client, current="pas le bon mot de passe").status_code == 422
    token = form_token(client, "/")
    blocked = client.post(
        URL,
        data={
            "csrf_token": token,
            "current_password": PASSWORD,  # even the right one now waits
            "new_password": NEW,
            "confirmation": NEW,
        },
    )
    assert blocked.status_code == 429
    assert "Trop d'essais du mot de passe actuel" in html.unescape(blocked.get_data(as_text=True))
    assert authenticate("cand@example.org", NEW, clock()) is None
    assert _actions(db) == ["auth.password_change_failed"] * attempts
    # the limit is the account's: another account on the same browser is not held
    other = make_user(email="autre@example.org")
    client.post("/deconnexion", data={"csrf_token": token})
    login(client, other.email)
    assert _post(client).status_code == 302


# ---------------------------------------------------------------- password set by an administrator


def _must_change(db, user) -> None:
    user.must_change_password = True
    db.session.commit()


def test_a_password_to_replace_leads_every_page_to_the_change_form(client, db, make_user):
    user = make_user(email="cand@example.org")
    _must_change(db, user)
    login(client, user.email)
    for url in ("/", "/certifications", "/mes-donnees", "/preferences-affichage"):
        response = client.get(url)
        assert response.status_code == 303, url
        assert response.headers["Location"] == URL
    page = client.get(URL)
    assert page.status_code == 200
    assert "fixé par un administrateur" in page.get_data(as_text=True)
    # open without a login anyway: the health check, the notices, logging out
    assert client.get("/sante").status_code == 200
    assert client.get("/confidentialite").status_code == 200


def test_a_password_to_replace_answers_403_on_the_api_but_me_and_logout(client, db, make_user):
    user = make_user(email="cand@example.org")
    _must_change(db, user)
    token = login(client, user.email)
    assert client.get("/api/v1/auth/me").get_json()["user"]["must_change_password"] is True
    refused = client.get("/api/v1/sessions")
    assert refused.status_code == 403
    assert refused.get_json()["error"]["code"] == "password_change_required"
    assert client.post("/api/v1/auth/logout", headers={"X-CSRFToken": token}).status_code == 200


def test_replacing_the_password_opens_the_platform(client, db, clock, make_user):
    user = make_user(email="cand@example.org")
    _must_change(db, user)
    login(client, user.email)
    assert _post(client).status_code == 302
    db.session.refresh(user)
    assert user.must_change_password is False
    assert client.get("/").status_code == 200
    assert client.get("/api/v1/sessions").status_code == 200


def _admin_client(app, make_user):
    admin = make_user(Role.ADMIN, email="admin@example.org")
    client = app.test_client()
    login(client, admin.email)
    return client, admin


def test_an_account_created_by_an_administrator_must_replace_its_password(
    app, db, clock, make_user
):
    admin_client, _admin = _admin_client(app, make_user)
    url = "/admin/utilisateurs/nouveau"
    created = admin_client.post(
        url,
        data={
            "csrf_token": form_token(admin_client, url),
            "email": "nouveau@example.org",
            "display_name": "Nouveau",
            "roles": ["candidate"],
            "active": "y",
            "password": "choisi-par-l-administrateur",
        },
    )
    assert created.status_code == 302
    user = db.session.execute(select(User).where(User.email == "nouveau@example.org")).scalar_one()
    assert user.must_change_password is True
    assert "devra le remplacer" in admin_client.get(f"/admin/utilisateurs/{user.id}").get_data(
        as_text=True
    )

    holder = app.test_client()
    login(holder, user.email, "choisi-par-l-administrateur")
    assert holder.get("/").headers["Location"] == URL
    assert _post(holder, current="choisi-par-l-administrateur").status_code == 302
    assert holder.get("/").status_code == 200


def test_a_password_reset_by_an_administrator_must_be_replaced(app, db, make_user):
    """Their own is changed on the password page (tests/admin/test_own_password.py)."""
    admin_client, _ = _admin_client(app, make_user)
    user = make_user(email="cand@example.org")
    url = f"/admin/utilisateurs/{user.id}"
    response = admin_client.post(
        url,
        data={
            "csrf_token": form_token(admin_client, url),
            "display_name": user.display_name,
            "roles": [role.value for role in user.roles],
            "active": "y",
            "password": "remis-par-le-service-RH",
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    db.session.refresh(user)
    assert user.must_change_password is True
    details = [
        event.details
        for event in db.session.execute(
            select(AuditEvent).where(AuditEvent.action == "admin.user_update")
        ).scalars()
    ]
    assert [d["must_change_password"] for d in details] == [True]


def test_the_login_page_says_what_to_do_with_a_forgotten_password(client):
    page = client.get("/connexion").get_data(as_text=True)
    assert "Mot de passe oublié ?" in page
    assert "il vous donne un nouveau mot de passe" in page


def test_the_api_document_declares_the_403_of_every_call_a_password_to_replace_refuses(
    client, db, make_user
):
    """Only /auth/me and /auth/logout answer such an account (and /auth/login, public): every
    other operation answers 403, so the document declares it; /openapi.json did not."""
    reader = make_user(email="reader@example.org")
    login(client, reader.email)
    document = client.get("/api/v1/openapi.json").get_json()
    client.post(
        "/api/v1/auth/logout",
        headers={"X-CSRFToken": client.get("/api/v1/auth/me").get_json()["csrf_token"]},
    )
    user = make_user(email="cand@example.org")
    _must_change(db, user)
    login(client, user.email)
    refused = client.get("/api/v1/openapi.json")
    assert refused.status_code == 403
    assert refused.get_json()["error"]["code"] == "password_change_required"
    open_to_it = {"/auth/login", "/auth/me", "/auth/logout"}
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            if path not in open_to_it:
                assert "403" in operation["responses"], f"{method.upper()} {path}"
