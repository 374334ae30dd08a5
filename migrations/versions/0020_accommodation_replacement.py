"""certification: an accommodation may replace a questionnaire by another modality (seed 000)

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-05 08:30:00

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None


def upgrade():
    # earlier accommodations were descriptions only: both new columns stay empty for them
    with op.batch_alter_table("certification_accommodation", schema=None) as batch_op:
        batch_op.add_column(sa.Column("replaced_theme", sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column("replacement", sa.String(length=30), nullable=True))
        batch_op.create_check_constraint(
            op.f("ck_certification_accommodation_replacement_pair"),
            "(replaced_theme IS NULL) = (replacement IS NULL)",
        )
        batch_op.create_check_constraint(
            op.f("ck_certification_accommodation_not_quiz"),
            "replacement IS NULL OR replacement <> 'questionnaire'",
        )


def downgrade():
    with op.batch_alter_table("certification_accommodation", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_certification_accommodation_not_quiz"), type_="check")
        batch_op.drop_constraint(
            op.f("ck_certification_accommodation_replacement_pair"), type_="check"
        )
        batch_op.drop_column("replacement")
        batch_op.drop_column("replaced_theme")
