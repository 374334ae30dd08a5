"""certification: each observed interview counts for one block (seed 003, blocks 1, 3 and 4)

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-04 19:10:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None

# Until now only block 1 of seed 003 declared observations: an interview already recorded
# belongs to the first block of its candidate's certification that declares a rule (the first
# block, should the rule be gone).
FIRST_OBSERVED_BLOCK = """
    SELECT b.id FROM certification_block b
    JOIN certification_enrolment e ON e.certification_id = b.certification_id
    WHERE e.id = certification_observed_interview.enrolment_id
    ORDER BY CASE WHEN EXISTS (
        SELECT 1 FROM certification_competency c
        JOIN certification_modality m ON m.competency_id = c.id
        WHERE c.block_id = b.id AND m.observations_min IS NOT NULL
    ) THEN 0 ELSE 1 END, b.position
    LIMIT 1
"""


def upgrade():
    with op.batch_alter_table("certification_observed_interview", schema=None) as batch_op:
        batch_op.add_column(sa.Column("block_id", sa.Integer(), nullable=True))
    op.execute(f"UPDATE certification_observed_interview SET block_id = ({FIRST_OBSERVED_BLOCK})")
    with op.batch_alter_table("certification_observed_interview", schema=None) as batch_op:
        batch_op.alter_column("block_id", existing_type=sa.Integer(), nullable=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_certification_observed_interview_block_id_certification_block"),
            "certification_block",
            ["block_id"],
            ["id"],
        )
        batch_op.create_index(
            batch_op.f("ix_certification_observed_interview_block_id"), ["block_id"], unique=False
        )


def downgrade():
    # the interviews of blocks 3 and 4 had no place before: they go, block 1's stay
    op.execute(
        f"DELETE FROM certification_observed_interview WHERE block_id <> ({FIRST_OBSERVED_BLOCK})"
    )
    with op.batch_alter_table("certification_observed_interview", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_certification_observed_interview_block_id"))
        batch_op.drop_constraint(
            batch_op.f("fk_certification_observed_interview_block_id_certification_block"),
            type_="foreignkey",
        )
        batch_op.drop_column("block_id")
