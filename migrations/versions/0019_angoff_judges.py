"""reports: the judges named on an Angoff panel (only they estimate, independently first)

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-04 19:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "angoff_judge",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("panel_id", sa.Integer(), nullable=False),
        sa.Column("judge_id", sa.Integer(), nullable=False),
        sa.Column("added_by_id", sa.Integer(), nullable=True),
        sa.Column("added_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["added_by_id"], ["user.id"], name=op.f("fk_angoff_judge_added_by_id_user")
        ),
        sa.ForeignKeyConstraint(
            ["judge_id"], ["user.id"], name=op.f("fk_angoff_judge_judge_id_user")
        ),
        sa.ForeignKeyConstraint(
            ["panel_id"],
            ["angoff_panel.id"],
            name=op.f("fk_angoff_judge_panel_id_angoff_panel"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_angoff_judge")),
        sa.UniqueConstraint("panel_id", "judge_id", name=op.f("uq_angoff_judge_panel_id_judge_id")),
    )
    with op.batch_alter_table("angoff_judge", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_angoff_judge_judge_id"), ["judge_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_angoff_judge_panel_id"), ["panel_id"], unique=False)
    # a panel set up before the lists: its judges are those who saved estimates, named when
    # they first did (no one named them: added_by stays empty)
    op.execute(
        "INSERT INTO angoff_judge (panel_id, judge_id, added_by_id, added_at)"
        " SELECT panel_id, judge_id, NULL, MIN(rated_at) FROM angoff_rating"
        " GROUP BY panel_id, judge_id ORDER BY panel_id, MIN(rated_at), judge_id"
    )


def downgrade():
    with op.batch_alter_table("angoff_judge", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_angoff_judge_panel_id"))
        batch_op.drop_index(batch_op.f("ix_angoff_judge_judge_id"))
    op.drop_table("angoff_judge")
