"""Migration 0027: a questionnaire is replaced once per candidate. Duplicates a race may have
saved keep the replacement the application read (the latest recorded) and the earlier ones
become accommodations that replace nothing, their description kept."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from questionnaire import create_app
from questionnaire.extensions import db

INSERT = (
    "INSERT INTO certification_accommodation (id, enrolment_id, description, recorded_by_id,"
    " recorded_at, replaced_theme, replacement) VALUES (:id, :enrolment, :description, 3,"
    " :at, :theme, :replacement)"
)


def _insert(connection, id_, enrolment, description, at, theme=None, replacement=None):
    connection.execute(
        sa.text(INSERT),
        {
            "id": id_,
            "enrolment": enrolment,
            "description": description,
            "at": f"2026-12-01 {at}:00",
            "theme": theme,
            "replacement": replacement,
        },
    )


def _rows(connection) -> list[tuple]:
    return [
        tuple(row)
        for row in connection.execute(
            sa.text(
                "SELECT id, enrolment_id, description, replaced_theme, replacement"
                " FROM certification_accommodation ORDER BY id"
            )
        )
    ]


@pytest.fixture
def on_postgres(postgres_database, tmp_path, monkeypatch):
    """As ``migration_db``, on a throw-away PostgreSQL database (its foreign keys enforced:
    the accommodations' are dropped, the rows below name no real enrolment)."""
    monkeypatch.setenv("QUESTIONNAIRE_INSTANCE_PATH", str(tmp_path / "instance"))
    app = create_app({"CONFIG": "testing", "SQLALCHEMY_DATABASE_URI": postgres_database})
    with app.app_context():
        yield db
        db.engine.dispose()


def test_duplicate_replacements_keep_the_latest_and_a_second_is_refused(migration_db):
    _duplicates_are_demoted_then_refused()


@pytest.mark.postgres
def test_the_same_on_postgres(on_postgres):
    _duplicates_are_demoted_then_refused(drop_foreign_keys=True)


def _duplicates_are_demoted_then_refused(drop_foreign_keys: bool = False) -> None:
    upgrade(revision="0026")
    if drop_foreign_keys:
        with db.engine.begin() as connection:
            for key in sa.inspect(connection).get_foreign_keys("certification_accommodation"):
                connection.execute(
                    sa.text(
                        f'ALTER TABLE certification_accommodation DROP CONSTRAINT "{key["name"]}"'
                    )
                )
    with db.engine.begin() as connection:
        _insert(connection, 1, 5, "Oral", "10:00", "rgpd", "epreuve_orale")
        _insert(connection, 2, 5, "Oral, tiers temps", "10:00", "rgpd", "epreuve_orale")
        _insert(connection, 3, 5, "Dossier", "09:00", "rgpd", "dossier")
        _insert(connection, 4, 5, "Tiers temps", "09:00")
        _insert(connection, 5, 5, "Fauteuil", "09:30")
        _insert(connection, 6, 5, "Oral", "11:00", "fiscalite", "epreuve_orale")
        _insert(connection, 7, 6, "Oral", "08:00", "rgpd", "epreuve_orale")
    upgrade(revision="0027")
    with db.engine.begin() as connection:
        assert _rows(connection) == [
            (1, 5, "Oral", None, None),
            (2, 5, "Oral, tiers temps", "rgpd", "epreuve_orale"),
            (3, 5, "Dossier", None, None),
            (4, 5, "Tiers temps", None, None),
            (5, 5, "Fauteuil", None, None),
            (6, 5, "Oral", "fiscalite", "epreuve_orale"),
            (7, 6, "Oral", "rgpd", "epreuve_orale"),
        ]
        _insert(connection, 8, 5, "Lunettes", "12:00")  # descriptions alone stay free
    with pytest.raises(sa.exc.IntegrityError), db.engine.begin() as connection:
        _insert(connection, 9, 5, "Oral", "12:00", "rgpd", "epreuve_orale")
    downgrade(revision="0026")
    with db.engine.begin() as connection:
        _insert(connection, 9, 5, "Oral", "12:00", "rgpd", "epreuve_orale")
        assert len(_rows(connection)) == 9
