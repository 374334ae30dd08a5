"""Errors never show a traceback: JSON in the API, a French page elsewhere."""

import pytest


@pytest.fixture
def failing_app(app):
    app.config["PROPAGATE_UNEXPECTED"] = False
    app.config["PROPAGATE_EXCEPTIONS"] = False

    def explode():
        raise RuntimeError("secret internal detail")

    explode.access_rule = "public"
    app.add_url_rule("/api/v1/explode", "api_explode", explode)
    app.add_url_rule("/explode", "explode", explode)
    return app


def test_unexpected_api_error_is_json_500(failing_app):
    response = failing_app.test_client().get("/api/v1/explode")
    assert response.status_code == 500 and response.is_json
    assert response.get_json()["error"]["code"] == "server_error"
    assert "secret internal detail" not in response.get_data(as_text=True)


def test_unexpected_page_error_is_a_french_page(failing_app):
    response = failing_app.test_client().get("/explode")
    html = response.get_data(as_text=True)
    assert response.status_code == 500 and "erreur interne" in html and "Traceback" not in html


def test_oversized_body_is_413_json(client):
    response = client.post(
        "/api/v1/auth/login", data="x" * (3 * 1024 * 1024), content_type="application/json"
    )
    assert (
        response.status_code == 413 and response.get_json()["error"]["code"] == "payload_too_large"
    )


def test_wrong_method_on_api_is_json_405(client):
    response = client.delete("/api/v1/sessions")
    assert response.status_code == 405 and response.is_json


def test_unknown_page_is_a_french_404(client):
    response = client.get("/nulle-part")
    assert response.status_code == 404 and "introuvable" in response.get_data(as_text=True)


@pytest.fixture
def racing_app(app, make_user):
    """A route that loses a race: it inserts a second account with an existing e-mail."""
    from questionnaire.auth.models import User
    from questionnaire.extensions import db

    existing = make_user(email="deja@example.org")

    def duplicate():
        db.session.add(
            User(
                email=existing.email,
                display_name="Double",
                password_hash="x",
                created_at=existing.created_at,
            )
        )
        db.session.commit()
        return "jamais"

    duplicate.access_rule = "public"
    app.add_url_rule("/api/v1/duplicate", "api_duplicate", duplicate)
    app.add_url_rule("/duplicate", "duplicate", duplicate)
    return app


def test_a_lost_race_on_a_unique_row_is_a_409_not_a_500(racing_app):
    from sqlalchemy import func, select

    from questionnaire.auth.models import User
    from questionnaire.extensions import db

    client = racing_app.test_client()
    api = client.get("/api/v1/duplicate")
    assert api.status_code == 409 and api.get_json()["error"]["code"] == "conflict"
    page = client.get("/duplicate")
    html = page.get_data(as_text=True)
    assert page.status_code == 409 and "rechargez la page" in html and "Traceback" not in html
    # the session was rolled back: it still works, and nothing of the loser was written
    assert db.session.execute(select(func.count()).select_from(User)).scalar_one() == 1


def _raising(app, name: str, error: Exception) -> None:
    def view():
        raise error

    view.access_rule = "public"
    app.add_url_rule(f"/api/v1/{name}", f"api_{name}", view)
    app.add_url_rule(f"/{name}", name, view, methods=["GET", "POST"])


def _operational(orig: Exception, invalidated: bool = False):
    from sqlalchemy.exc import OperationalError

    return OperationalError("SELECT 1", {}, orig, connection_invalidated=invalidated)


def test_a_lost_database_connection_is_a_503_to_retry_not_a_500(failing_app):
    lost = _operational(ConnectionError("server closed the connection"), True)
    _raising(failing_app, "lost", lost)
    client = failing_app.test_client()
    response = client.get("/api/v1/lost")
    assert response.status_code == 503 and response.headers["Retry-After"] == "1"
    assert response.get_json()["error"]["code"] == "unavailable"
    assert "server closed" not in response.get_data(as_text=True)
    page = client.get("/lost")
    assert page.status_code == 503 and page.headers["Retry-After"] == "1"
    assert "momentanément indisponible" in page.get_data(as_text=True)
    assert "envoyez-la de nouveau" not in page.get_data(as_text=True)
    # a form sent without JavaScript: the candidate is told it was not saved, and how to resend
    failing_app.config["WTF_CSRF_ENABLED"] = False
    sent = client.post("/lost", data={"answer": "A"})
    assert sent.status_code == 503
    assert "n'a pas été enregistré" in sent.get_data(as_text=True)


def test_a_busy_sqlite_database_is_a_503(failing_app):
    import sqlite3

    _raising(failing_app, "busy", _operational(sqlite3.OperationalError("database is locked")))
    assert failing_app.test_client().get("/api/v1/busy").status_code == 503


def test_a_missing_table_is_a_500_no_retry_mends_it(failing_app):
    import sqlite3

    missing = _operational(sqlite3.OperationalError("no such table: attempt"))
    _raising(failing_app, "missing", missing)
    response = failing_app.test_client().get("/api/v1/missing")
    assert response.status_code == 500 and "Retry-After" not in response.headers


def test_an_exhausted_connection_pool_is_a_503(failing_app):
    from sqlalchemy.exc import TimeoutError as PoolTimeout

    _raising(failing_app, "pool", PoolTimeout("QueuePool limit of size 5 overflow 10 reached"))
    response = failing_app.test_client().get("/api/v1/pool")
    assert response.status_code == 503 and response.headers["Retry-After"] == "1"
    assert "QueuePool" not in response.get_data(as_text=True)


def test_a_form_sent_after_the_session_ended_leads_to_the_login(app, client, make_user):
    """The token went with the session (browser closed, logout elsewhere): logging in again is
    the way on, and the candidate is told the entry was not saved."""
    from tests.conftest import form_token, login, post_from_page

    user = make_user(email="cand@example.org")
    login(client, user.email)
    token = form_token(client, "/preferences-affichage")
    client.delete_cookie("questionnaire_session")  # the session is gone, the page stayed
    response = post_from_page(client, "/preferences-affichage", {"csrf_token": token})
    assert response.status_code == 303
    assert response.headers["Location"] == "/connexion?next=/preferences-affichage"
    page = client.get("/connexion").get_data(as_text=True)
    assert "Votre session a pris fin" in page and "pas été enregistré" in page
    # from another site, the referrer is not followed
    other = post_from_page(client, "/preferences-affichage", referer="https://example.net/x")
    assert other.headers["Location"] == "/connexion"


@pytest.fixture
def probe_app(failing_app):
    """Routes that break the constraints of a probe table: unique, check, not null."""
    from sqlalchemy import text

    from questionnaire.extensions import db

    db.session.execute(
        text(
            "CREATE TABLE probe (id INTEGER PRIMARY KEY, code TEXT NOT NULL UNIQUE, n INTEGER CHECK (n > 0))"
        )
    )
    db.session.execute(text("INSERT INTO probe (id, code, n) VALUES (1, 'a', 1)"))
    db.session.commit()
    statements = {
        "unique": "INSERT INTO probe (id, code, n) VALUES (2, 'a', 1)",
        "check": "INSERT INTO probe (id, code, n) VALUES (3, 'b', 0)",
        "notnull": "INSERT INTO probe (id, code, n) VALUES (4, NULL, 1)",
    }
    for name, statement in statements.items():

        def view(statement=statement):
            db.session.execute(text(statement))
            db.session.commit()
            return "jamais"

        view.access_rule = "public"
        failing_app.add_url_rule(f"/api/v1/probe-{name}", f"api_probe_{name}", view)
        failing_app.add_url_rule(f"/probe-{name}", f"probe_{name}", view)
    return failing_app


def test_only_a_unique_violation_is_announced_as_a_double_send(probe_app):
    """A check or not-null constraint broken is a server bug (a rule the service did not
    check): a logged 500, not « enregistrée par une autre requête », which sends the user to
    reload and send again what will fail again."""
    client = probe_app.test_client()
    unique = client.get("/probe-unique")
    assert unique.status_code == 409 and "double envoi" in unique.get_data(as_text=True)
    for name in ("check", "notnull"):
        api = client.get(f"/api/v1/probe-{name}")
        assert api.status_code == 500, name
        assert api.get_json()["error"]["code"] == "server_error"
        page = client.get(f"/probe-{name}")
        html = page.get_data(as_text=True)
        assert page.status_code == 500 and "erreur interne" in html
        assert "autre requête" not in html and "probe" not in html and "INSERT" not in html


def test_a_broken_check_constraint_is_logged_as_an_error(probe_app, caplog):
    import logging

    with caplog.at_level(logging.WARNING, logger="questionnaire.errors"):
        probe_app.test_client().get("/probe-check")
    assert [r.levelno for r in caplog.records] == [logging.ERROR]
    assert caplog.records[0].exc_info is not None


def test_too_many_query_parameters_is_a_logged_500_not_a_database_down(failing_app, caplog):
    """psycopg refuses a statement of more than 65,535 parameters with an OperationalError,
    which is a server bug (an unbounded IN list), not the database out of reach: no 503 telling
    people to retry what will fail again."""
    import logging

    import psycopg

    refused = _operational(
        psycopg.OperationalError(
            "sending query and params failed: number of parameters must be between 0 and 65535"
        )
    )
    _raising(failing_app, "params", refused)
    client = failing_app.test_client()
    with caplog.at_level(logging.WARNING, logger="questionnaire.errors"):
        response = client.get("/api/v1/params")
    assert response.status_code == 500 and "Retry-After" not in response.headers
    assert response.get_json()["error"]["code"] == "server_error"
    assert [r.levelno for r in caplog.records] == [logging.ERROR]
    page = client.get("/params")
    html = page.get_data(as_text=True)
    assert page.status_code == 500 and "indisponible" not in html and "65535" not in html


@pytest.fixture
def database_down(failing_app):
    """From the moment it is called, every statement fails as if the database were locked."""
    import sqlite3

    from sqlalchemy import event

    from questionnaire.extensions import db

    def refuse(*args, **kwargs):
        raise sqlite3.OperationalError("database is locked")

    def cut():
        event.listen(db.engine, "before_cursor_execute", refuse)

    yield cut
    if event.contains(db.engine, "before_cursor_execute", refuse):
        event.remove(db.engine, "before_cursor_execute", refuse)


def test_the_database_down_gives_a_logged_in_user_the_french_503_page(
    failing_app, make_user, database_down
):
    """The 503 page must not need the database: loading the user for its menu failed again
    inside the error handler, and a logged-in candidate got the server's bare English error."""
    from tests.conftest import login

    user = make_user(email="cand@example.org")
    client = failing_app.test_client()
    login(client, user.email)
    database_down()
    page = client.get("/")
    html = page.get_data(as_text=True)
    assert page.status_code == 503 and page.headers["Retry-After"] == "1"
    assert 'lang="fr"' in html and "momentanément indisponible" in html
    assert "locked" not in html and "Traceback" not in html
    api = client.get("/api/v1/sessions")
    assert api.status_code == 503 and api.get_json()["error"]["code"] == "unavailable"


def test_the_database_lost_during_a_page_still_gives_the_503_page(
    failing_app, make_user, database_down
):
    """The user loaded, then the database lost: the rollback expires the user, whose reload
    for the page's menu must not be attempted."""
    from flask_login import current_user

    from tests.conftest import login

    def view():
        assert current_user.display_name  # the user is loaded
        database_down()
        from questionnaire.extensions import db

        db.session.execute(db.text("SELECT 1"))
        return "jamais"

    failing_app.add_url_rule("/coupure", "coupure", view)
    user = make_user(email="cand@example.org")
    client = failing_app.test_client()
    login(client, user.email)
    page = client.get("/coupure")
    assert page.status_code == 503
    assert "momentanément indisponible" in page.get_data(as_text=True)


def test_an_unexpected_error_is_logged_with_its_request(failing_app, caplog):
    """« elle a été enregistrée », the page says: the log held the trace but not which address
    failed, so an operator could not tell one user's 500 from another's."""
    import logging

    with caplog.at_level(logging.ERROR, logger="questionnaire.errors"):
        failing_app.test_client().get("/api/v1/explode?email=jean@banque.fr")
    [record] = caplog.records
    assert "GET /api/v1/explode" in record.getMessage() and record.exc_info is not None
    assert "jean@banque.fr" not in record.getMessage()  # the query string may be personal


def test_an_oversized_form_says_the_limit_and_that_nothing_was_saved(client, make_user):
    """« La requête est trop volumineuse. » alone: neither the limit, nor that the entry was
    lost, nor that the browser's Back button still holds it."""
    from tests.conftest import form_token, login, page_text

    make_user(email="cand@example.org")
    login(client, "cand@example.org")
    token = form_token(client, "/preferences-affichage")
    response = client.post(
        "/preferences-affichage", data={"csrf_token": token, "x": "x" * (3 * 1024 * 1024)}
    )
    text = page_text(response.get_data(as_text=True)).replace("&#39;", "'")
    assert response.status_code == 413
    assert "2 Mio au plus" in text and "n'a pas été enregistré" in text and "Retour" in text
    # a route of its own limit says that one (the login form: 8 Kio)
    anonymous = client.application.test_client()
    login_page = anonymous.post("/connexion", data={"email": "x" * 20_000})
    assert "8 Kio au plus" in page_text(login_page.get_data(as_text=True))
