"""Logging out (or a new password) ends every copy of the session, not just the browser's."""

from questionnaire.admin.services import update_user
from questionnaire.auth.models import Role
from tests.conftest import T0, form_token, login

COOKIE = "questionnaire_session"


def _stolen_copy(app, client):
    """Another client holding a copy of ``client``'s session cookie."""
    thief = app.test_client()
    thief.set_cookie(COOKIE, client.get_cookie(COOKIE).value)
    return thief


def _me(client) -> int:
    return client.get("/api/v1/auth/me").status_code


def test_logout_page_ends_a_copied_session(app, client, make_user):
    user = make_user(email="cand@example.org")
    login(client, user.email)
    thief = _stolen_copy(app, client)
    assert _me(thief) == 200
    token = form_token(client, "/")
    assert client.post("/deconnexion", data={"csrf_token": token}).status_code == 302
    assert _me(client) == 401
    assert _me(thief) == 401


def test_api_logout_ends_a_copied_session(app, client, make_user):
    user = make_user(email="cand@example.org")
    token = login(client, user.email)
    thief = _stolen_copy(app, client)
    assert client.post("/api/v1/auth/logout", headers={"X-CSRFToken": token}).status_code == 200
    assert _me(thief) == 401


def test_logging_in_again_after_logout_works(app, client, make_user):
    user = make_user(email="cand@example.org")
    token = login(client, user.email)
    client.post("/api/v1/auth/logout", headers={"X-CSRFToken": token})
    login(client, user.email)
    assert _me(client) == 200


def test_a_new_password_set_by_an_administrator_ends_sessions(app, client, db, make_user):
    user = make_user(email="cand@example.org")
    admin = make_user(Role.ADMIN, email="admin@example.org")
    login(client, user.email)
    update_user(
        user,
        admin,
        display_name="Cand",
        roles=[Role.CANDIDATE],
        active=True,
        now=T0,
        new_password="",
    )
    db.session.commit()
    assert _me(client) == 200  # editing the name alone signs nobody out
    update_user(
        user,
        admin,
        display_name="Cand",
        roles=[Role.CANDIDATE],
        active=True,
        now=T0,
        new_password="un-nouveau-mot-de-passe",
    )
    db.session.commit()
    assert _me(client) == 401


def test_identifiers_carry_the_epoch_and_bare_ids_only_match_epoch_zero(app, db, make_user):
    user = make_user(email="cand@example.org")
    load = app.login_manager._user_callback
    assert user.get_id() == f"{user.id}.0"
    assert load(f"{user.id}.0").id == user.id
    assert load(str(user.id)).id == user.id  # a session opened before epochs existed
    user.end_sessions()
    db.session.commit()
    assert load(f"{user.id}.0") is None and load(str(user.id)) is None
    assert load(f"{user.id}.1").id == user.id
    assert load("x.1") is None and load(f"{user.id}.-1") is None and load("") is None


def test_deactivating_an_account_ends_its_sessions_for_good(app, client, db, make_user):
    user = make_user(email="cand@example.org")
    admin = make_user(Role.ADMIN, email="admin@example.org")
    login(client, user.email)
    old_cookie = _stolen_copy(app, client)
    for active in (False, True):  # deactivated, then reactivated
        update_user(user, admin, display_name="Cand", roles=[Role.CANDIDATE], active=active, now=T0)
        db.session.commit()
    assert _me(old_cookie) == 401
    assert _me(client) == 401


def test_a_role_change_ends_the_sessions_of_the_account(app, client, db, make_user):
    user = make_user(Role.JURY, email="jury@example.org")
    admin = make_user(Role.ADMIN, email="admin@example.org")
    login(client, user.email)
    update_user(user, admin, display_name="Jury", roles=[Role.JURY], active=True, now=T0)
    db.session.commit()
    assert _me(client) == 200  # same roles: nobody is signed out
    update_user(user, admin, display_name="Jury", roles=[Role.CANDIDATE], active=True, now=T0)
    db.session.commit()
    assert _me(client) == 401


def test_an_administrator_adding_a_role_to_themself_stays_signed_in(app, client, db, make_user):
    admin = make_user(Role.ADMIN, email="admin@example.org")
    login(client, admin.email)
    update_user(
        admin, admin, display_name="Ada", roles=[Role.ADMIN, Role.JURY], active=True, now=T0
    )
    db.session.commit()
    assert _me(client) == 200
