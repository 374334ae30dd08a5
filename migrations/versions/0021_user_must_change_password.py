"""auth: a password set by an administrator must be replaced by its holder at the next login

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-05 19:00:00

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None


def upgrade():
    # existing accounts are not asked: nobody knows which of their passwords an administrator
    # chose, and forcing every account at once would stop an exam morning
    with op.batch_alter_table("user", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "must_change_password", sa.Boolean(), server_default=sa.false(), nullable=False
            )
        )


def downgrade():
    with op.batch_alter_table("user", schema=None) as batch_op:
        batch_op.drop_column("must_change_password")
