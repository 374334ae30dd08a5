"""Migration 0020: an accommodation recorded before replacements keeps its description and
replaces nothing; a replacement names both the questionnaire and another modality."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from questionnaire.extensions import db

INSERT = (
    "INSERT INTO certification_accommodation (id, enrolment_id, description, recorded_by_id,"
    " recorded_at{columns}) VALUES ({id}, 5, 'Tiers temps', 3, '2026-12-01 10:00:00'{values})"
)


def _insert(connection, id_: int, **columns) -> None:
    connection.execute(
        sa.text(
            INSERT.format(
                id=id_,
                columns="".join(f", {name}" for name in columns),
                values="".join(f", '{value}'" for value in columns.values()),
            )
        )
    )


def test_earlier_accommodations_replace_nothing_and_a_pair_is_whole(migration_db):
    upgrade(revision="0019")
    with db.engine.begin() as connection:
        _insert(connection, 1)
    upgrade(revision="0020")
    with db.engine.begin() as connection:
        row = connection.execute(
            sa.text(
                "SELECT description, replaced_theme, replacement FROM certification_accommodation"
            )
        ).one()
        assert tuple(row) == ("Tiers temps", None, None)
        _insert(connection, 2, replaced_theme="rgpd", replacement="epreuve_orale")
    for wrong in (
        {"replaced_theme": "rgpd"},
        {"replacement": "epreuve_orale"},
        {"replaced_theme": "rgpd", "replacement": "questionnaire"},
    ):
        with pytest.raises(sa.exc.IntegrityError), db.engine.begin() as connection:
            _insert(connection, 3, **wrong)
    downgrade(revision="0019")
    with db.engine.connect() as connection:
        columns = {
            c["name"] for c in sa.inspect(connection).get_columns("certification_accommodation")
        }
        ids = connection.execute(sa.text("SELECT id FROM certification_accommodation")).scalars()
        assert sorted(ids) == [1, 2]
    assert "replaced_theme" not in columns and "replacement" not in columns
