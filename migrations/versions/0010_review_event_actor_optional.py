"""authoring: a review event may have no actor (an import without --author, a bank reload)

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-22 09:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("review_event", schema=None) as batch_op:
        batch_op.alter_column("actor_id", existing_type=sa.Integer(), nullable=True)


def downgrade():
    # events recorded without a person cannot keep a NOT NULL actor: they are removed first
    op.execute("DELETE FROM review_event WHERE actor_id IS NULL")
    with op.batch_alter_table("review_event", schema=None) as batch_op:
        batch_op.alter_column("actor_id", existing_type=sa.Integer(), nullable=False)
