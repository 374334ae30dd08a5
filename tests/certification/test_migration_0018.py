"""Migration 0018: an observed interview recorded before blocks had their own belongs to the
first block of its certification that declares observations; downgrade keeps only those."""

from __future__ import annotations

import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from questionnaire.extensions import db

ROWS = (
    # block 1 without a rule, block 2 with one (the rule decides, not the position)
    "INSERT INTO certification_block (id, certification_id, code, title, position,"
    " comments_required, incomplete) VALUES (10, 1, 'B1', 'Bloc 1', 0, 0, 0),"
    " (20, 1, 'B2', 'Bloc 2', 1, 0, 0), (30, 2, 'B1', 'Autre', 0, 0, 0)",
    "INSERT INTO certification_competency (id, block_id, code, title, position)"
    " VALUES (11, 10, 'C1', 'C', 0), (21, 20, 'C2', 'C', 0)",
    "INSERT INTO certification_modality (id, competency_id, kind, position, observations_min,"
    " observations_max, observations_within_days, observations_distinct_channels)"
    " VALUES (1, 11, 'entretien', 0, NULL, NULL, NULL, NULL), (2, 21, 'observation', 0, 3, 5, 7, 2)",
    "INSERT INTO certification_enrolment (id, certification_id, user_id, created_at)"
    " VALUES (5, 1, 1, '2026-12-01 09:00:00'), (6, 2, 2, '2026-12-01 09:00:00')",
    "INSERT INTO certification_observed_interview (id, enrolment_id, observed_on, channel,"
    " simulated_difficult, recorded_by_id, recorded_at) VALUES"
    " (100, 5, '2026-12-01', 'mail', 0, 3, '2026-12-01 10:00:00'),"
    " (101, 6, '2026-12-01', 'mail', 0, 3, '2026-12-01 10:00:00')",
)


def _blocks(connection) -> dict[int, int]:
    rows = connection.execute(sa.text("SELECT id, block_id FROM certification_observed_interview"))
    return {id_: block for id_, block in rows}


def test_recorded_interviews_go_to_the_first_observed_block_and_downgrade_keeps_those(migration_db):
    upgrade(revision="0017")
    with db.engine.begin() as connection:  # SQLite does not enforce the foreign keys here
        for statement in ROWS:
            connection.execute(sa.text(statement))
    upgrade(revision="0018")
    with db.engine.begin() as connection:
        # the block with the rule; without any rule in its certification, the first block
        assert _blocks(connection) == {100: 20, 101: 30}
        column = next(
            c
            for c in sa.inspect(connection).get_columns("certification_observed_interview")
            if c["name"] == "block_id"
        )
        assert column["nullable"] is False
        connection.execute(
            sa.text(
                "INSERT INTO certification_observed_interview (id, enrolment_id, block_id,"
                " observed_on, channel, simulated_difficult, recorded_by_id, recorded_at)"
                " VALUES (102, 5, 10, '2026-12-02', 'tchat', 0, 3, '2026-12-02 10:00:00')"
            )
        )
    downgrade(revision="0017")
    with db.engine.connect() as connection:
        columns = {
            c["name"]
            for c in sa.inspect(connection).get_columns("certification_observed_interview")
        }
        kept = connection.execute(
            sa.text("SELECT id FROM certification_observed_interview ORDER BY id")
        ).scalars()
        assert list(kept) == [100, 101]
    assert "block_id" not in columns
