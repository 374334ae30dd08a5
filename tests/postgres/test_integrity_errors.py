"""Integrity errors on PostgreSQL: a unique violation is a double send (409), a foreign key
whose row was just deleted is a conflict told as such (409), a check is a server bug (500); so is
a statement psycopg refuses to send (too many parameters), not the database out of reach."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from questionnaire.extensions import db

pytestmark = pytest.mark.postgres

STATEMENTS = {
    "unique": "INSERT INTO probe (id, code, n, parent_id) VALUES (2, 'a', 1, NULL)",
    "foreign": "INSERT INTO probe (id, code, n, parent_id) VALUES (3, 'b', 1, 999999)",
    "check": "INSERT INTO probe (id, code, n, parent_id) VALUES (4, 'c', 0, NULL)",
    "notnull": "INSERT INTO probe (id, code, n, parent_id) VALUES (5, NULL, 1, NULL)",
}


@pytest.fixture
def probe_client(pg_app):
    db.session.execute(
        sa.text(
            "CREATE TABLE probe (id integer PRIMARY KEY, code text NOT NULL UNIQUE, "
            'n integer CHECK (n > 0), parent_id integer REFERENCES "user" (id))'
        )
    )
    db.session.execute(sa.text("INSERT INTO probe (id, code, n) VALUES (1, 'a', 1)"))
    db.session.commit()
    for name, statement in STATEMENTS.items():

        def view(statement=statement):
            db.session.execute(sa.text(statement))
            db.session.commit()
            return "jamais"

        view.access_rule = "public"
        pg_app.add_url_rule(f"/api/v1/probe-{name}", f"api_probe_{name}", view)
        pg_app.add_url_rule(f"/probe-{name}", f"probe_{name}", view)
    return pg_app.test_client()


def test_a_unique_violation_is_a_double_send(probe_client):
    api = probe_client.get("/api/v1/probe-unique")
    assert api.status_code == 409 and api.get_json()["error"]["code"] == "conflict"
    assert "double envoi" in api.get_json()["error"]["message"]


def test_a_foreign_key_violation_is_a_conflict_not_a_double_send(probe_client):
    api = probe_client.get("/api/v1/probe-foreign")
    assert api.status_code == 409 and api.get_json()["error"]["code"] == "conflict"
    message = api.get_json()["error"]["message"]
    assert "double envoi" not in message and "supprimée" in message
    page = probe_client.get("/probe-foreign")
    html = page.get_data(as_text=True)
    assert page.status_code == 409 and "supprimée" in html and "double envoi" not in html
    assert "probe" not in html and "foreign key" not in html


@pytest.mark.parametrize("name", ["check", "notnull"])
def test_other_integrity_errors_are_server_errors(probe_client, name):
    api = probe_client.get(f"/api/v1/probe-{name}")
    assert api.status_code == 500 and api.get_json()["error"]["code"] == "server_error"
    page = probe_client.get(f"/probe-{name}")
    html = page.get_data(as_text=True)
    assert page.status_code == 500 and "autre requête" not in html and "probe" not in html
    # the session was rolled back: the next request works
    assert db.session.execute(sa.text("SELECT count(*) FROM probe")).scalar_one() == 1


def test_a_statement_with_too_many_parameters_is_a_500_not_unavailable(pg_app):
    """More than 65,535 bound parameters: psycopg's OperationalError is a server bug, not the
    database out of reach (503 « indisponible », retried for nothing)."""

    def view():
        ids = sa.bindparam("ids", expanding=True)
        statement = sa.text('SELECT count(*) FROM "user" WHERE id IN :ids').bindparams(ids)
        db.session.execute(statement, {"ids": list(range(70_000))})
        return "jamais"

    view.access_rule = "public"
    pg_app.add_url_rule("/api/v1/probe-params", "api_probe_params", view)
    response = pg_app.test_client().get("/api/v1/probe-params")
    assert response.status_code == 500 and "Retry-After" not in response.headers
    assert response.get_json()["error"]["code"] == "server_error"
    assert db.session.execute(sa.text("SELECT 1")).scalar_one() == 1


def test_the_conflict_log_names_the_constraint_not_the_values(probe_client, caplog):
    """PostgreSQL's DETAIL « Key (code)=(a) already exists » put the duplicated value (an
    e-mail address) in the service's log."""
    import logging

    with caplog.at_level(logging.WARNING, logger="questionnaire.errors"):
        assert probe_client.get("/api/v1/probe-unique").status_code == 409
    [record] = caplog.records
    assert "probe_code_key" in record.getMessage() and "(a)" not in record.getMessage()
