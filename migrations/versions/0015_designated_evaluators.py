"""certification: the two evaluators designated for a candidate (seed 003)

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-03 21:40:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade():
    # nobody is designated yet: a two-evaluator candidate's evaluations wait for the designation
    op.create_table(
        "certification_designated_evaluator",
        sa.Column("evaluator_id", sa.Integer(), nullable=False),
        sa.Column(
            "quality",
            sa.Enum(
                "expert_habilite",
                "expert_interne",
                "responsable_pedagogique",
                name="evaluatorquality",
                native_enum=False,
                length=30,
            ),
            nullable=False,
        ),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("enrolment_id", sa.Integer(), nullable=False),
        sa.Column("recorded_by_id", sa.Integer(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["enrolment_id"],
            ["certification_enrolment.id"],
            name=op.f("fk_certification_designated_evaluator_enrolment_id_certification_enrolment"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["evaluator_id"],
            ["user.id"],
            name=op.f("fk_certification_designated_evaluator_evaluator_id_user"),
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"],
            ["user.id"],
            name=op.f("fk_certification_designated_evaluator_recorded_by_id_user"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_certification_designated_evaluator")),
        sa.UniqueConstraint(
            "enrolment_id",
            "evaluator_id",
            name=op.f("uq_certification_designated_evaluator_enrolment_id_evaluator_id"),
        ),
        sa.UniqueConstraint(
            "enrolment_id",
            "quality",
            name=op.f("uq_certification_designated_evaluator_enrolment_id_quality"),
        ),
    )
    with op.batch_alter_table("certification_designated_evaluator", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_certification_designated_evaluator_enrolment_id"),
            ["enrolment_id"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_certification_designated_evaluator_evaluator_id"),
            ["evaluator_id"],
            unique=False,
        )


def downgrade():
    with op.batch_alter_table("certification_designated_evaluator", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_certification_designated_evaluator_evaluator_id"))
        batch_op.drop_index(batch_op.f("ix_certification_designated_evaluator_enrolment_id"))
    op.drop_table("certification_designated_evaluator")
