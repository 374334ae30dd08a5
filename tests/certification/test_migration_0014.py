"""Migration 0014: existing sessions stay certification ones; attestations keep their click date."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from questionnaire.extensions import db


def test_existing_rows_are_certification_sessions_and_prerequisites_met_on_their_click_day(
    migration_db,
):
    upgrade(revision="0013")
    with db.engine.begin() as connection:  # SQLite does not enforce the foreign keys here
        connection.execute(
            sa.text(
                "INSERT INTO exam_session (id, questionnaire_id, title, opens_at, closes_at,"
                " release_policy, created_at) VALUES (1, 1, 'Ancienne', '2026-01-01 08:00:00',"
                " '2026-01-02 08:00:00', 'after_close', '2026-01-01 08:00:00')"
            )
        )
        # 23 h 30 UTC on 1 March is 2 March in Paris: the day the transcript showed
        connection.execute(
            sa.text(
                "INSERT INTO certification_prerequisite_record (id, enrolment_id,"
                " prerequisite_id, recorded_by_id, recorded_at)"
                " VALUES (1, 1, 1, 1, '2026-03-01 23:30:00.000000')"
            )
        )
    upgrade(revision="0014")
    with db.engine.connect() as connection:
        purpose = connection.execute(sa.text("SELECT purpose FROM exam_session")).scalar_one()
        met_on = connection.execute(
            sa.select(sa.column("met_on", sa.Date())).select_from(
                sa.table("certification_prerequisite_record")
            )
        ).scalar_one()
    assert (purpose, met_on) == ("certification", date(2026, 3, 2))
    downgrade(revision="0013")
    with db.engine.connect() as connection:
        columns = {c["name"] for c in sa.inspect(connection).get_columns("exam_session")}
    assert "purpose" not in columns
