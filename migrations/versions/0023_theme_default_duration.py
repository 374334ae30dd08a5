"""banks: a theme keeps its bank file's duration, proposed to a new questionnaire

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-06 07:30:00

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0023"
down_revision = "0022"
branch_labels = None
depends_on = None


def upgrade():
    # 30 minutes: what every shipped bank declares and what the form proposed before; the next
    # ``banks load`` (or ``demo``) writes each bank's own value
    with op.batch_alter_table("theme", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "default_duration_minutes", sa.Integer(), server_default="30", nullable=False
            )
        )


def downgrade():
    with op.batch_alter_table("theme", schema=None) as batch_op:
        batch_op.drop_column("default_duration_minutes")
