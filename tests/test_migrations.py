"""The Alembic migrations build the schema the models describe, on SQLite and PostgreSQL."""

from __future__ import annotations

import os
from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import event

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
    _clean_stored_control_characters(
        f"sqlite:///{tmp_path / 'data.db'}", tmp_path, monkeypatch, removed="\x00"
    )


@pytest.mark.postgres
def test_control_characters_leave_the_stored_texts_of_unseen_versions_on_postgres(
    postgres_database, tmp_path, monkeypatch
):
    """0022 on PostgreSQL, where a text column cannot hold a NUL: no import could have stored
    one there (the insert failed), so another removed character stands in for it."""
    _clean_stored_control_characters(postgres_database, tmp_path, monkeypatch, removed="\x1b")


@pytest.mark.postgres
def test_a_version_first_used_while_0022_runs_keeps_its_texts_on_postgres(
    postgres_database, tmp_path, monkeypatch
):
    """A candidate may start an attempt during the upgrade: the migration read the draft as
    unseen, then its first use committed before the migration wrote. An update by id alone
    changed the text the candidate was shown (SQLite, locking the whole file, cannot interleave
    them)."""
    monkeypatch.setenv("QUESTIONNAIRE_INSTANCE_PATH", str(tmp_path / "instance"))
    app = create_app({"CONFIG": "testing", "SQLALCHEMY_DATABASE_URI": postgres_database})
    with app.app_context():
        tables = _store_texts_with_control_characters(removed="\x1b")
        other = sa.create_engine(db.engine.url)
        first_uses = []

        def first_use_before_the_first_write(connection, cursor, statement, *args) -> None:
            if first_uses or not statement.lstrip().startswith("UPDATE item_"):
                return
            with other.begin() as concurrent:  # what starting an attempt does
                concurrent.execute(sa.text("SET LOCAL lock_timeout = '5s'"))
                result = concurrent.execute(
                    sa.text(
                        "UPDATE item_version SET first_used_at = now() "
                        "WHERE id = 2 AND first_used_at IS NULL"
                    )
                )
                first_uses.append(result.rowcount)

        event.listen(db.engine, "before_cursor_execute", first_use_before_the_first_write)
        try:
            upgrade(revision="0022")
        finally:
            event.remove(db.engine, "before_cursor_execute", first_use_before_the_first_write)
            other.dispose()
        versions, texts = _stored_texts(tables)
        assert first_uses == [1]
        assert (versions[2].stem, versions[2].content_hash) == ("Taux\x0b2026 ?\x01 ", "ancienne")
        assert texts[2] == ["30\x02 %", "\x01\x1f", "41 %\u2028"]
        downgrade(revision="base")
        db.engine.dispose()


def _clean_stored_control_characters(url: str, tmp_path, monkeypatch, removed: str) -> None:
    """0022 on the rows of ``_store_texts_with_control_characters``, then back down."""
    from questionnaire.banks.models import CognitiveLevel, Difficulty, ItemType, Volatility
    from questionnaire.banks.services import content_hash
    from questionnaire.banks.validation import ParsedItem, ParsedOption

    monkeypatch.setenv("QUESTIONNAIRE_INSTANCE_PATH", str(tmp_path / "instance"))
    app = create_app({"CONFIG": "testing", "SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        tables = _store_texts_with_control_characters(removed)
        upgrade(revision="0022")
        versions, texts = _stored_texts(tables)
        assert versions[1].stem == "Taux\x0b2026 ?"
        assert versions[1].content_hash == "ancienne"
        assert texts[1] == ["30\x02 %", "\x01\x1f", "41 %\u2028"]
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
        # going down changes no schema and puts nothing back: the removed characters were kept
        # nowhere, and were invisible
        downgrade(revision="0021")
        with db.engine.connect() as connection:
            revision = connection.execute(sa.text("SELECT version_num FROM alembic_version"))
            assert revision.scalars().all() == ["0021"]
        versions, _ = _stored_texts(tables)
        assert [versions[1].stem, versions[2].stem] == ["Taux\x0b2026 ?", "Taux\n2026 ?"]
        downgrade(revision="base")
        db.engine.dispose()


def _store_texts_with_control_characters(removed: str) -> sa.MetaData:
    """At 0021, the texts an earlier import stored with control characters (``removed`` among
    them) in two versions of an item: the first seen by a candidate, the second a draft."""
    upgrade(revision="0021")
    tables = sa.MetaData()
    tables.reflect(db.engine)
    now = datetime(2026, 3, 2, 9, tzinfo=UTC)
    version_row = {
        "item_id": 1,
        "topic_id": 1,
        "competency": "C9",
        "item_type": "single",
        "rationale": f"Parce{removed} que.",
        "reference": "Art.\x0c1 CGI",
        "cognitive_level": "connaissance",
        "difficulty": "moyen",
        "valid_as_of": date(2026, 2, 1),
        "volatility": "stable",
        "content_hash": "ancienne",
        "created_at": now,
    }
    theme = {"id": 1, "slug": "fiscalite", "title": "Fiscalité", "competencies": ["C9"]}
    topic = {"id": 1, "theme_id": 1, "slug": "ir", "title": "IR", "default_draw": 1}
    with db.engine.begin() as connection:
        connection.execute(tables.tables["theme"].insert(), [{**theme, "position": 0}])
        connection.execute(tables.tables["topic"].insert(), [{**topic, "position": 0}])
        connection.execute(
            tables.tables["item"].insert(),
            [{"id": 1, "external_id": "CSV-1", "theme_id": 1, "created_at": now}],
        )
        connection.execute(
            tables.tables["item_version"].insert(),
            [
                # seen by a candidate: frozen
                {**version_row, "id": 1, "number": 1, "status": "published",
                 "stem": "Taux\x0b2026 ?", "first_used_at": now},
                {**version_row, "id": 2, "number": 2, "status": "draft",
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
                    [("A", "30\x02 %"), ("B", "\x01\x1f"), ("C", "41 %\u2028")]
                )
            ],
        )  # fmt: skip
    return tables


def _stored_texts(tables: sa.MetaData) -> tuple[dict, dict[int, list[str]]]:
    """The item's versions by id, and their option texts in order."""
    with db.engine.connect() as connection:
        versions = {
            row.id: row for row in connection.execute(sa.select(tables.tables["item_version"]))
        }
        options = connection.execute(
            sa.select(tables.tables["item_option"]).order_by("version_id", "position")
        ).all()
    texts = {version: [o.text for o in options if o.version_id == version] for version in versions}
    return versions, texts


def test_accounts_created_before_0024_get_their_sort_name(tmp_path, monkeypatch):
    """0024: the accounts already there get their name as lists sort it, the same key the
    model keeps for new ones (questionnaire.folding.folded)."""
    from questionnaire.folding import folded

    monkeypatch.setenv("QUESTIONNAIRE_INSTANCE_PATH", str(tmp_path / "instance"))
    url = f"sqlite:///{tmp_path / 'accounts.db'}"
    app = create_app({"CONFIG": "testing", "SQLALCHEMY_DATABASE_URI": url})
    names = ["Émilie Œuvrard", "ZOÉ Martin", "bruno d’Arc"]
    with app.app_context():
        upgrade(revision="0023")
        tables = sa.MetaData()
        tables.reflect(db.engine)
        now = datetime(2026, 3, 2, 9, tzinfo=UTC)
        with db.engine.begin() as connection:
            connection.execute(
                tables.tables["user"].insert(),
                [
                    {"email": f"u{n}@example.org", "display_name": name, "password_hash": "x",
                     "active": True, "created_at": now}
                    for n, name in enumerate(names)
                ],
            )  # fmt: skip
        upgrade(revision="0024")
        with db.engine.connect() as connection:
            rows = connection.execute(
                sa.text('SELECT display_name, sort_name FROM "user" ORDER BY sort_name')
            ).all()
        assert [tuple(row) for row in rows] == [
            ("bruno d’Arc", "bruno d'arc"),
            ("Émilie Œuvrard", "emilie oeuvrard"),
            ("ZOÉ Martin", "zoe martin"),
        ]
        assert all(sort_name == folded(name) for name, sort_name in rows)
        downgrade(revision="base")
        db.engine.dispose()
