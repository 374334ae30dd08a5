"""certification: the observed interviews of a candidate and the referential's rule (seed 003)

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-04 16:10:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None

RULE_COLUMNS = (
    "observations_min",
    "observations_max",
    "observations_within_days",
    "observations_distinct_channels",
    "observations_source_line",
)


def upgrade():
    # no rule until `referentials load` reads the seed's `observations:` again
    with op.batch_alter_table("certification_modality", schema=None) as batch_op:
        for name in RULE_COLUMNS:
            batch_op.add_column(sa.Column(name, sa.Integer(), nullable=True))
    op.create_table(
        "certification_observed_interview",
        sa.Column("observed_on", sa.Date(), nullable=False),
        sa.Column(
            "channel",
            sa.Enum(
                "telephone",
                "tchat",
                "face_a_face",
                "mail",
                "autre",
                name="observationchannel",
                native_enum=False,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("simulated_difficult", sa.Boolean(), nullable=False),
        sa.Column("description", sa.String(length=300), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("enrolment_id", sa.Integer(), nullable=False),
        sa.Column("recorded_by_id", sa.Integer(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["enrolment_id"],
            ["certification_enrolment.id"],
            name=op.f("fk_certification_observed_interview_enrolment_id_certification_enrolment"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"],
            ["user.id"],
            name=op.f("fk_certification_observed_interview_recorded_by_id_user"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_certification_observed_interview")),
    )
    with op.batch_alter_table("certification_observed_interview", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_certification_observed_interview_enrolment_id"),
            ["enrolment_id"],
            unique=False,
        )


def downgrade():
    with op.batch_alter_table("certification_observed_interview", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_certification_observed_interview_enrolment_id"))
    op.drop_table("certification_observed_interview")
    with op.batch_alter_table("certification_modality", schema=None) as batch_op:
        for name in reversed(RULE_COLUMNS):
            batch_op.drop_column(name)
