"""exams: optional analysis group per enrolment (DIF in the CPNE reports)

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-22 08:40:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("enrolment", schema=None) as batch_op:
        batch_op.add_column(sa.Column("analysis_group", sa.String(length=60), nullable=True))


def downgrade():
    with op.batch_alter_table("enrolment", schema=None) as batch_op:
        batch_op.drop_column("analysis_group")
