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


def test_control_characters_leave_the_stored_texts_of_unseen_versions(tmp_path, monkeypatch):
    """0022: a text an earlier import stored with control characters is cleaned as the imports
    now clean it, its fingerprint with it; a version a candidate has seen stays as it was."""
    from datetime import UTC, date, datetime

    from questionnaire.banks.models import CognitiveLevel, Difficulty, ItemType, Volatility
    from questionnaire.banks.services import content_hash
    from questionnaire.banks.validation import ParsedItem, ParsedOption

    monkeypatch.setenv("QUESTIONNAIRE_INSTANCE_PATH", str(tmp_path / "instance"))
    url = f"sqlite:///{tmp_path / 'data.db'}"
    app = create_app({"CONFIG": "testing", "SQLALCHEMY_DATABASE_URI": url})
    now = datetime(2026, 3, 2, 9, tzinfo=UTC)
    version_row = {
        "topic_id": 1,
        "competency": "C9",
        "item_type": "single",
        "rationale": "Parce\x00 que.",
        "reference": "Art.\x0c1 CGI",
        "cognitive_level": "connaissance",
        "difficulty": "moyen",
        "valid_as_of": date(2026, 2, 1),
        "volatility": "stable",
        "content_hash": "ancienne",
        "created_at": now,
    }
    with app.app_context():
        upgrade(revision="0021")
        tables = sa.MetaData()
        tables.reflect(db.engine)
        with db.engine.begin() as connection:
            connection.execute(
                tables.tables["theme"].insert(),
                [
                    {
                        "id": 1,
                        "slug": "fiscalite",
                        "title": "Fiscalité",
                        "competencies": ["C9"],
                        "position": 0,
                    }
                ],
            )
            connection.execute(
                tables.tables["topic"].insert(),
                [
                    {
                        "id": 1,
                        "theme_id": 1,
                        "slug": "ir",
                        "title": "IR",
                        "position": 0,
                        "default_draw": 1,
                    }
                ],
            )
            connection.execute(
                tables.tables["item"].insert(),
                [{"id": 1, "external_id": "CSV-1", "theme_id": 1, "created_at": now}],
            )
            connection.execute(
                tables.tables["item_version"].insert(),
                [
                    # seen by a candidate: frozen
                    {**version_row, "id": 1, "item_id": 1, "number": 1, "status": "published",
                     "stem": "Taux\x0b2026 ?", "first_used_at": now},
                    {**version_row, "id": 2, "item_id": 1, "number": 2, "status": "draft",
                     "stem": "Taux\x0b2026 ?\x01 ", "first_used_at": None},
                ],
            )  # fmt: skip
            connection.execute(
                tables.tables["item_option"].insert(),
                [
                    {"version_id": version, "key": key, "text": text, "is_correct": key == "A",
                     "position": position}
                    for version in (1, 2)
                    for position, (key, text) in enumerate(
                        [("A", "30\x02 %"), ("B", "\x01\x1f"), ("C", "41 %")]
                    )
                ],
            )  # fmt: skip
        upgrade(revision="0022")
        with db.engine.connect() as connection:
            versions = {
                row.id: row for row in connection.execute(sa.select(tables.tables["item_version"]))
            }
            options = connection.execute(
                sa.select(tables.tables["item_option"]).order_by("version_id", "position")
            ).all()
        texts = {
            version: [o.text for o in options if o.version_id == version] for version in (1, 2)
        }
        assert versions[1].stem == "Taux\x0b2026 ?"
        assert versions[1].content_hash == "ancienne"
        assert texts[1] == ["30\x02 %", "\x01\x1f", "41 %"]
        draft = versions[2]
        assert (draft.stem, draft.rationale, draft.reference) == (
            "Taux\n2026 ?",
            "Parce que.",
            "Art. 1 CGI",
        )
        # an option made only of control characters is left empty, for the linter to find
        assert texts[2] == ["30 %", "", "41 %"]
        parsed = ParsedItem(
            id="CSV-1",
            topic="ir",
            competency="C9",
            type=ItemType.SINGLE,
            stem=draft.stem,
            options=[ParsedOption(k, t, k == "A") for k, t in zip("ABC", texts[2], strict=True)],
            rationale=draft.rationale,
            reference=draft.reference,
            cognitive_level=CognitiveLevel.CONNAISSANCE,
            difficulty=Difficulty.MOYEN,
            valid_as_of=date(2026, 2, 1),
            volatility=Volatility.STABLE,
        )
        assert draft.content_hash == content_hash(parsed, "fiscalite")
        downgrade(revision="base")
        db.engine.dispose()
