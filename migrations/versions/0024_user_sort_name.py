"""auth: each account keeps its name as lists sort it (accents and case ignored)

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-06 07:45:00

"""

import unicodedata

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0024"
down_revision = "0023"
branch_labels = None
depends_on = None

# questionnaire.folding.folded as of this revision (a migration keeps its own copy)
_PLAIN = str.maketrans({"’": "'", "‘": "'", "ʼ": "'", "œ": "oe", "æ": "ae", "\u00a0": " "})


def _folded(text):
    text = unicodedata.normalize("NFKD", text.casefold().translate(_PLAIN))
    return "".join(ch for ch in text if not unicodedata.combining(ch))


def upgrade():
    with op.batch_alter_table("user", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("sort_name", sa.String(length=200), server_default="", nullable=False)
        )
    bind = op.get_bind()
    user = sa.table("user", sa.column("id", sa.Integer), sa.column("display_name", sa.String),
                    sa.column("sort_name", sa.String))  # fmt: skip
    rows = bind.execute(sa.select(user.c.id, user.c.display_name)).all()
    if rows:
        bind.execute(
            user.update().where(user.c.id == sa.bindparam("row_id")),
            # cut to the column: folding may lengthen a name (« œ » → « oe »)
            [{"row_id": row.id, "sort_name": _folded(row.display_name or "")[:200]} for row in rows],
        )
    with op.batch_alter_table("user", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_user_sort_name"), ["sort_name"], unique=False)


def downgrade():
    with op.batch_alter_table("user", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_user_sort_name"))
        batch_op.drop_column("sort_name")
