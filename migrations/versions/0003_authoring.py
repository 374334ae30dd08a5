"""authoring workspace: authorship, review thread, reference changes, re-validations

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22 05:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0003'
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('version_authorship',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=False),
    sa.Column('approved_by_id', sa.Integer(), nullable=True),
    sa.Column('approved_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['approved_by_id'], ['user.id'], name=op.f('fk_version_authorship_approved_by_id_user')),
    sa.ForeignKeyConstraint(['author_id'], ['user.id'], name=op.f('fk_version_authorship_author_id_user')),
    sa.ForeignKeyConstraint(['version_id'], ['item_version.id'], name=op.f('fk_version_authorship_version_id_item_version'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_version_authorship')),
    sa.UniqueConstraint('version_id', name=op.f('uq_version_authorship_version_id'))
    )
    with op.batch_alter_table('version_authorship', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_version_authorship_author_id'), ['author_id'], unique=False)

    op.create_table('review_event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('version_id', sa.Integer(), nullable=True),
    sa.Column('actor_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('created', 'submitted', 'withdrawn', 'approved', 'sent_back', 'published', 'retired', 'comment', 'revalidated', name='eventkind', native_enum=False, length=30), nullable=False),
    sa.Column('comment', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['user.id'], name=op.f('fk_review_event_actor_id_user')),
    sa.ForeignKeyConstraint(['item_id'], ['item.id'], name=op.f('fk_review_event_item_id_item'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['version_id'], ['item_version.id'], name=op.f('fk_review_event_version_id_item_version')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_review_event'))
    )
    with op.batch_alter_table('review_event', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_review_event_item_id'), ['item_id'], unique=False)

    op.create_table('reference_change',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('reference', sa.String(length=200), nullable=False),
    sa.Column('changed_on', sa.Date(), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=False),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['user.id'], name=op.f('fk_reference_change_recorded_by_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reference_change'))
    )
    op.create_table('revalidation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.Column('valid_as_of', sa.Date(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('validated_by_id', sa.Integer(), nullable=False),
    sa.Column('validated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['validated_by_id'], ['user.id'], name=op.f('fk_revalidation_validated_by_id_user')),
    sa.ForeignKeyConstraint(['version_id'], ['item_version.id'], name=op.f('fk_revalidation_version_id_item_version'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_revalidation'))
    )
    with op.batch_alter_table('revalidation', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_revalidation_version_id'), ['version_id'], unique=False)


def downgrade():
    with op.batch_alter_table('revalidation', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_revalidation_version_id'))
    op.drop_table('revalidation')
    op.drop_table('reference_change')
    with op.batch_alter_table('review_event', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_review_event_item_id'))
    op.drop_table('review_event')
    with op.batch_alter_table('version_authorship', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_version_authorship_author_id'))
    op.drop_table('version_authorship')
