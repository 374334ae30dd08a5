"""Migration 0019: a panel set up before panels had a list of judges gets as judges those who
saved estimates on it (in the order they first did); downgrade removes the lists."""

from __future__ import annotations

import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from questionnaire.extensions import db


def test_the_judges_of_earlier_panels_are_those_who_estimated(migration_db):
    upgrade(revision="0018")
    with db.engine.begin() as connection:  # SQLite does not enforce the foreign keys here
        connection.execute(
            sa.text(
                "INSERT INTO angoff_rating (id, panel_id, judge_id, item_version_id,"
                " value_bp, rated_at) VALUES"
                " (1, 1, 8, 100, 5000, '2026-12-02 10:00:00'),"
                " (2, 1, 8, 101, 6000, '2026-12-02 10:05:00'),"
                " (3, 1, 7, 100, 4000, '2026-12-02 11:00:00'),"
                " (4, 2, 7, 100, 4000, '2026-12-01 09:00:00')"
            )
        )
    upgrade(revision="0019")
    with db.engine.connect() as connection:
        named = connection.execute(
            sa.text(
                "SELECT panel_id, judge_id, added_by_id, added_at FROM angoff_judge ORDER BY id"
            )
        ).all()
    assert [tuple(row[:3]) for row in named] == [(1, 8, None), (1, 7, None), (2, 7, None)]
    assert str(named[0][3]).startswith("2026-12-02 10:00:00")
    downgrade(revision="0018")
    with db.engine.connect() as connection:
        tables = set(sa.inspect(connection).get_table_names())
        ratings = connection.execute(sa.text("SELECT COUNT(*) FROM angoff_rating")).scalar()
    assert "angoff_judge" not in tables and ratings == 4
