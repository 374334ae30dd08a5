"""itemstats: a reviewer keeps a version despite one of its statistics flags

Revision ID: 0026
Revises: 0025
Create Date: 2026-12-07 04:00:00

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0026"
down_revision = "0025"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "flag_review",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("item_version_id", sa.Integer(), nullable=False),
        sa.Column("flag", sa.String(length=100), nullable=False),
        sa.Column("reason", sa.String(length=1000), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("reviewed_by_id", sa.Integer(), nullable=False),
        sa.Column("reviewed_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["item_version_id"],
            ["item_version.id"],
            name=op.f("fk_flag_review_item_version_id_item_version"),
        ),
        sa.ForeignKeyConstraint(
            ["reviewed_by_id"], ["user.id"], name=op.f("fk_flag_review_reviewed_by_id_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_flag_review")),
        sa.UniqueConstraint(
            "item_version_id", "flag", name=op.f("uq_flag_review_item_version_id_flag")
        ),
    )
    with op.batch_alter_table("flag_review", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_flag_review_item_version_id"), ["item_version_id"], unique=False
        )


def downgrade():
    with op.batch_alter_table("flag_review", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_flag_review_item_version_id"))
    op.drop_table("flag_review")
