"""certification: a candidate's questionnaire is replaced by one accommodation at most

Revision ID: 0027
Revises: 0026
Create Date: 2026-12-07 06:10:00

Two replacements of the same questionnaire for the same candidate, recorded at the same moment
on PostgreSQL, could both be saved (the service's check read the record before either had
committed). The application read such a pair as one replacement, the latest recorded (the
enrolment's ``replacements`` by theme, in the order of recording), so the upgrade keeps that
one as the replacement and turns the earlier ones into accommodations that replace nothing:
their description stays, and the audit log keeps what they had replaced
(« certification.accommodation », ``replaced_theme`` and ``replacement``). The downgrade drops
the constraint and does not make them replacements again.
"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "0027"
down_revision = "0026"
branch_labels = None
depends_on = None

#: The earlier replacements of a questionnaire replaced again later for the same candidate (the
#: later: recorded after, or at the same moment with a greater id).
DEMOTE_EARLIER_DUPLICATES = """
UPDATE certification_accommodation SET replaced_theme = NULL, replacement = NULL
WHERE replaced_theme IS NOT NULL AND EXISTS (
    SELECT 1 FROM certification_accommodation AS later
    WHERE later.enrolment_id = certification_accommodation.enrolment_id
      AND later.replaced_theme = certification_accommodation.replaced_theme
      AND (later.recorded_at > certification_accommodation.recorded_at
           OR (later.recorded_at = certification_accommodation.recorded_at
               AND later.id > certification_accommodation.id))
)
"""


def upgrade():
    op.execute(DEMOTE_EARLIER_DUPLICATES)
    with op.batch_alter_table("certification_accommodation", schema=None) as batch_op:
        batch_op.create_unique_constraint(
            batch_op.f("uq_certification_accommodation_enrolment_id_replaced_theme"),
            ["enrolment_id", "replaced_theme"],
        )


def downgrade():
    with op.batch_alter_table("certification_accommodation", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("uq_certification_accommodation_enrolment_id_replaced_theme"),
            type_="unique",
        )
