"""Migration 0017: existing modalities get no observation rule (until the referentials are
loaded again); downgrade removes the observed interviews and the rule's columns."""

from __future__ import annotations

import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from questionnaire.extensions import db

RULE_COLUMNS = {
    "observations_min",
    "observations_max",
    "observations_within_days",
    "observations_distinct_channels",
    "observations_source_line",
}


def _modality_columns(connection) -> set[str]:
    return {c["name"] for c in sa.inspect(connection).get_columns("certification_modality")}


def test_existing_modalities_keep_no_rule_and_downgrade_removes_the_observations(migration_db):
    upgrade(revision="0016")
    with db.engine.begin() as connection:  # SQLite does not enforce the foreign keys here
        connection.execute(
            sa.text(
                "INSERT INTO certification_modality (id, competency_id, kind, label, position)"
                " VALUES (1, 1, 'observation', 'Entretiens observés', 0)"
            )
        )
    upgrade(revision="0017")
    with db.engine.connect() as connection:
        kept = connection.execute(
            sa.text(
                "SELECT id, kind, observations_min, observations_max, observations_within_days"
                " FROM certification_modality"
            )
        ).one()
        tables = set(sa.inspect(connection).get_table_names())
        assert _modality_columns(connection) >= RULE_COLUMNS
    assert tuple(kept) == (1, "observation", None, None, None)
    assert "certification_observed_interview" in tables
    downgrade(revision="0016")
    with db.engine.connect() as connection:
        tables = set(sa.inspect(connection).get_table_names())
        assert not RULE_COLUMNS & _modality_columns(connection)
        label = connection.execute(
            sa.text("SELECT label FROM certification_modality WHERE id = 1")
        ).scalar_one()
    assert "certification_observed_interview" not in tables
    assert label == "Entretiens observés"
