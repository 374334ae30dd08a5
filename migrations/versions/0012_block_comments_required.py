"""certification: a block may require the jury to comment every evaluation (seed 003)

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-03 16:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade():
    # existing blocks require nothing until `questionnaire referentials load` reads the flag
    with op.batch_alter_table("certification_block", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("comments_required", sa.Boolean(), server_default=sa.false(), nullable=False)
        )


def downgrade():
    with op.batch_alter_table("certification_block", schema=None) as batch_op:
        batch_op.drop_column("comments_required")
