"""sessions: certification or training; prerequisites: the date they were met

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-03 21:40:00

"""
from datetime import UTC
from zoneinfo import ZoneInfo

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

PARIS = ZoneInfo("Europe/Paris")


def upgrade():
    # every existing session was run as a certification session: its copies keep counting
    with op.batch_alter_table("exam_session", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "purpose",
                sa.Enum(
                    "certification", "training", name="sessionpurpose", native_enum=False, length=20
                ),
                server_default="certification",
                nullable=False,
            )
        )
    # an attestation recorded before the date was asked keeps its click date (Paris calendar
    # day, as the transcript showed it)
    with op.batch_alter_table("certification_prerequisite_record", schema=None) as batch_op:
        batch_op.add_column(sa.Column("met_on", sa.Date(), nullable=True))
    records = sa.table(
        "certification_prerequisite_record",
        sa.column("id", sa.Integer()),
        sa.column("recorded_at", sa.DateTime(timezone=True)),
        sa.column("met_on", sa.Date()),
    )
    connection = op.get_bind()
    for record_id, recorded_at in connection.execute(
        sa.select(records.c.id, records.c.recorded_at)
    ).all():
        if recorded_at.tzinfo is None:  # SQLite keeps the UTC wall-clock time
            recorded_at = recorded_at.replace(tzinfo=UTC)
        connection.execute(
            records.update()
            .where(records.c.id == record_id)
            .values(met_on=recorded_at.astimezone(PARIS).date())
        )
    with op.batch_alter_table("certification_prerequisite_record", schema=None) as batch_op:
        batch_op.alter_column("met_on", existing_type=sa.Date(), nullable=False)


def downgrade():
    with op.batch_alter_table("certification_prerequisite_record", schema=None) as batch_op:
        batch_op.drop_column("met_on")
    with op.batch_alter_table("exam_session", schema=None) as batch_op:
        batch_op.drop_column("purpose")
