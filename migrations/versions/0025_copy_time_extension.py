"""incidents: extra time granted to some candidates' copies being written

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-07 02:40:00

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0025"
down_revision = "0024"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "copy_time_extension",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("attempt_id", sa.Integer(), nullable=False),
        sa.Column("minutes", sa.Integer(), nullable=False),
        sa.Column("reason", sa.String(length=500), nullable=False),
        sa.Column("deadline", sa.DateTime(timezone=True), nullable=False),
        sa.Column("granted_by_id", sa.Integer(), nullable=False),
        sa.Column("granted_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "minutes > 0 AND minutes <= 240", name=op.f("ck_copy_time_extension_minutes_range")
        ),
        sa.ForeignKeyConstraint(
            ["attempt_id"], ["attempt.id"], name=op.f("fk_copy_time_extension_attempt_id_attempt")
        ),
        sa.ForeignKeyConstraint(
            ["granted_by_id"], ["user.id"], name=op.f("fk_copy_time_extension_granted_by_id_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_copy_time_extension")),
    )
    with op.batch_alter_table("copy_time_extension", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_copy_time_extension_attempt_id"), ["attempt_id"], unique=False
        )


def downgrade():
    with op.batch_alter_table("copy_time_extension", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_copy_time_extension_attempt_id"))
    op.drop_table("copy_time_extension")
