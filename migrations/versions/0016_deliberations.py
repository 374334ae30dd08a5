"""certification: the jury's declared seats, deliberations and their members

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-03 22:15:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade():
    # the seats a referential declares (seed 002: three); `referentials load` fills them
    with op.batch_alter_table("certification", schema=None) as batch_op:
        batch_op.add_column(sa.Column("jury_basis", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("jury_source_line", sa.Integer(), nullable=True))

    op.create_table(
        "certification_jury_seat",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("certification_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("label", sa.Text(), nullable=False),
        sa.Column("source_line", sa.Integer(), nullable=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["certification_id"],
            ["certification.id"],
            name=op.f("fk_certification_jury_seat_certification_id_certification"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_certification_jury_seat")),
        sa.UniqueConstraint(
            "certification_id",
            "code",
            name=op.f("uq_certification_jury_seat_certification_id_code"),
        ),
    )
    with op.batch_alter_table("certification_jury_seat", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_certification_jury_seat_certification_id"),
            ["certification_id"],
            unique=False,
        )

    op.create_table(
        "certification_deliberation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("certification_id", sa.Integer(), nullable=False),
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.Column("recorded_by_id", sa.Integer(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["certification_id"],
            ["certification.id"],
            name=op.f("fk_certification_deliberation_certification_id_certification"),
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"],
            ["user.id"],
            name=op.f("fk_certification_deliberation_recorded_by_id_user"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_certification_deliberation")),
    )
    with op.batch_alter_table("certification_deliberation", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_certification_deliberation_certification_id"),
            ["certification_id"],
            unique=False,
        )

    op.create_table(
        "certification_deliberation_member",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("deliberation_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("seat_code", sa.String(length=40), nullable=True),
        sa.Column("seat_label", sa.Text(), nullable=True),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["deliberation_id"],
            ["certification_deliberation.id"],
            name=op.f(
                "fk_certification_deliberation_member_deliberation_id_certification_deliberation"
            ),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user.id"],
            name=op.f("fk_certification_deliberation_member_user_id_user"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_certification_deliberation_member")),
        sa.UniqueConstraint(
            "deliberation_id",
            "position",
            name=op.f("uq_certification_deliberation_member_deliberation_id_position"),
        ),
    )
    with op.batch_alter_table("certification_deliberation_member", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_certification_deliberation_member_deliberation_id"),
            ["deliberation_id"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_certification_deliberation_member_user_id"),
            ["user_id"],
            unique=False,
        )

    # blocks capitalised before this migration keep no deliberation (NULL): their jury was
    # never recorded, and the screens say so
    with op.batch_alter_table("certification_block_validation", schema=None) as batch_op:
        batch_op.add_column(sa.Column("deliberation_id", sa.Integer(), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_certification_block_validation_deliberation_id"),
            ["deliberation_id"],
            unique=False,
        )
        batch_op.create_foreign_key(
            batch_op.f(
                "fk_certification_block_validation_deliberation_id_certification_deliberation"
            ),
            "certification_deliberation",
            ["deliberation_id"],
            ["id"],
        )


def downgrade():
    with op.batch_alter_table("certification_block_validation", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f(
                "fk_certification_block_validation_deliberation_id_certification_deliberation"
            ),
            type_="foreignkey",
        )
        batch_op.drop_index(batch_op.f("ix_certification_block_validation_deliberation_id"))
        batch_op.drop_column("deliberation_id")

    with op.batch_alter_table("certification_deliberation_member", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_certification_deliberation_member_user_id"))
        batch_op.drop_index(batch_op.f("ix_certification_deliberation_member_deliberation_id"))
    op.drop_table("certification_deliberation_member")

    with op.batch_alter_table("certification_deliberation", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_certification_deliberation_certification_id"))
    op.drop_table("certification_deliberation")

    with op.batch_alter_table("certification_jury_seat", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_certification_jury_seat_certification_id"))
    op.drop_table("certification_jury_seat")

    with op.batch_alter_table("certification", schema=None) as batch_op:
        batch_op.drop_column("jury_source_line")
        batch_op.drop_column("jury_basis")
