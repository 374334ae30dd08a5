"""reports: Angoff standard-setting panels and ratings

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-22 05:20:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0008'
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('angoff_panel',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('item_version_ids', sa.JSON(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], name=op.f('fk_angoff_panel_created_by_id_user')),
    sa.ForeignKeyConstraint(['session_id'], ['exam_session.id'], name=op.f('fk_angoff_panel_session_id_exam_session')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_angoff_panel'))
    )
    with op.batch_alter_table('angoff_panel', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_angoff_panel_session_id'), ['session_id'], unique=False)

    op.create_table('angoff_rating',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('panel_id', sa.Integer(), nullable=False),
    sa.Column('judge_id', sa.Integer(), nullable=False),
    sa.Column('item_version_id', sa.Integer(), nullable=False),
    sa.Column('value_bp', sa.Integer(), nullable=False),
    sa.Column('rated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('value_bp >= 0 AND value_bp <= 10000', name=op.f('ck_angoff_rating_value_range')),
    sa.ForeignKeyConstraint(['item_version_id'], ['item_version.id'], name=op.f('fk_angoff_rating_item_version_id_item_version')),
    sa.ForeignKeyConstraint(['judge_id'], ['user.id'], name=op.f('fk_angoff_rating_judge_id_user')),
    sa.ForeignKeyConstraint(['panel_id'], ['angoff_panel.id'], name=op.f('fk_angoff_rating_panel_id_angoff_panel'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_angoff_rating')),
    sa.UniqueConstraint('panel_id', 'judge_id', 'item_version_id', name=op.f('uq_angoff_rating_panel_id_judge_id_item_version_id'))
    )
    with op.batch_alter_table('angoff_rating', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_angoff_rating_judge_id'), ['judge_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_angoff_rating_panel_id'), ['panel_id'], unique=False)


def downgrade():
    with op.batch_alter_table('angoff_rating', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_angoff_rating_panel_id'))
        batch_op.drop_index(batch_op.f('ix_angoff_rating_judge_id'))

    op.drop_table('angoff_rating')
    with op.batch_alter_table('angoff_panel', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_angoff_panel_session_id'))

    op.drop_table('angoff_panel')
