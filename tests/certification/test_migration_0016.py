"""Migration 0016: blocks capitalised before it keep no deliberation; downgrade removes it all."""

from __future__ import annotations

import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from questionnaire.extensions import db


def test_existing_capitalised_blocks_keep_no_deliberation_and_downgrade_removes_the_tables(
    migration_db,
):
    upgrade(revision="0015")
    with db.engine.begin() as connection:  # SQLite does not enforce the foreign keys here
        connection.execute(
            sa.text(
                "INSERT INTO certification_block_validation (id, enrolment_id, block_id,"
                " recorded_by_id, recorded_at, validated_at) VALUES (1, 1, 1, 1,"
                " '2026-03-01 10:00:00.000000', '2026-02-20 10:00:00.000000')"
            )
        )
    upgrade(revision="0016")
    with db.engine.connect() as connection:
        kept = connection.execute(
            sa.text("SELECT id, block_id, deliberation_id FROM certification_block_validation")
        ).one()
        tables = set(sa.inspect(connection).get_table_names())
        columns = {c["name"] for c in sa.inspect(connection).get_columns("certification")}
    assert tuple(kept) == (1, 1, None)
    assert {
        "certification_jury_seat",
        "certification_deliberation",
        "certification_deliberation_member",
    } <= tables
    assert {"jury_basis", "jury_source_line"} <= columns
    downgrade(revision="0015")
    with db.engine.connect() as connection:
        inspector = sa.inspect(connection)
        tables = set(inspector.get_table_names())
        validation_columns = {
            c["name"] for c in inspector.get_columns("certification_block_validation")
        }
        kept = connection.execute(
            sa.text("SELECT id FROM certification_block_validation")
        ).scalar_one()
    assert not tables & {"certification_jury_seat", "certification_deliberation"}
    assert "deliberation_id" not in validation_columns and kept == 1
