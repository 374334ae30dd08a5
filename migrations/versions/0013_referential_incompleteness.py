"""certification: a referential (and some of its blocks) may be declared incomplete (seed 004)

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-03 20:10:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade():
    # nothing is incomplete until `questionnaire referentials load` reads the declaration
    with op.batch_alter_table("certification", schema=None) as batch_op:
        batch_op.add_column(sa.Column("incomplete_reason", sa.Text(), nullable=True))
    with op.batch_alter_table("certification_block", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("incomplete", sa.Boolean(), server_default=sa.false(), nullable=False)
        )


def downgrade():
    with op.batch_alter_table("certification_block", schema=None) as batch_op:
        batch_op.drop_column("incomplete")
    with op.batch_alter_table("certification", schema=None) as batch_op:
        batch_op.drop_column("incomplete_reason")
