"""item statistics per item version (per session and cumulated)

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-22 05:10:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0007'
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('session_statistics',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('computed_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['session_id'], ['exam_session.id'], name=op.f('fk_session_statistics_session_id_exam_session')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_session_statistics')),
    sa.UniqueConstraint('session_id', name=op.f('uq_session_statistics_session_id'))
    )
    op.create_table('item_statistics',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('item_version_id', sa.Integer(), nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=True),
    sa.Column('n', sa.Integer(), nullable=False),
    sa.Column('facility', sa.Double(), nullable=True),
    sa.Column('sd', sa.Double(), nullable=True),
    sa.Column('r_total', sa.Double(), nullable=True),
    sa.Column('r_rest', sa.Double(), nullable=True),
    sa.Column('d27', sa.Double(), nullable=True),
    sa.Column('alpha_if_deleted', sa.Double(), nullable=True),
    sa.Column('flags', sa.JSON(), nullable=False),
    sa.Column('options', sa.JSON(), nullable=False),
    sa.Column('computed_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['item_version_id'], ['item_version.id'], name=op.f('fk_item_statistics_item_version_id_item_version')),
    sa.ForeignKeyConstraint(['session_id'], ['exam_session.id'], name=op.f('fk_item_statistics_session_id_exam_session')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_item_statistics')),
    sa.UniqueConstraint('item_version_id', 'session_id', name=op.f('uq_item_statistics_item_version_id_session_id'))
    )
    with op.batch_alter_table('item_statistics', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_item_statistics_item_version_id'), ['item_version_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_item_statistics_session_id'), ['session_id'], unique=False)


def downgrade():
    with op.batch_alter_table('item_statistics', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_item_statistics_session_id'))
        batch_op.drop_index(batch_op.f('ix_item_statistics_item_version_id'))

    op.drop_table('item_statistics')
    op.drop_table('session_statistics')
