"""The Alembic migrations build the schema the models describe, on SQLite and PostgreSQL."""

from __future__ import annotations

import os

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade

from questionnaire import create_app
from questionnaire.extensions import db

POSTGRES_URL = os.environ.get("QUESTIONNAIRE_TEST_POSTGRES_URL")


def _migrate_and_compare(url: str, tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("QUESTIONNAIRE_INSTANCE_PATH", str(tmp_path / "instance"))
    app = create_app({"CONFIG": "testing", "SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        upgrade()
        with db.engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            diff = compare_metadata(context, db.metadata)
            tables = set(sa.inspect(connection).get_table_names())
        assert diff == []
        assert {"user", "theme", "item_version", "attempt", "response", "alembic_version"} <= tables
        downgrade(revision="base")
        with db.engine.connect() as connection:
            assert set(sa.inspect(connection).get_table_names()) <= {"alembic_version"}
        db.engine.dispose()


def test_migrations_on_an_empty_sqlite_database(tmp_path, monkeypatch):
    _migrate_and_compare(f"sqlite:///{tmp_path / 'empty.db'}", tmp_path, monkeypatch)


@pytest.mark.postgres
def test_migrations_on_an_empty_postgres_database(postgres_database, tmp_path, monkeypatch):
    _migrate_and_compare(postgres_database, tmp_path, monkeypatch)
