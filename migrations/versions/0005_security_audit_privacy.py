"""security, audit log, privacy (erasures), session extra time

Revision ID: 0005
Revises: 0003
Create Date: 2026-11-22 05:40:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0005'
down_revision = "0003"
branch_labels = None
depends_on = None

# Same statements as questionnaire/audit/models.py: the audit log refuses updates and
# deletions, except deletions by the retention purge (which sets questionnaire.audit_purge).
APPEND_ONLY_FUNCTION = """
CREATE OR REPLACE FUNCTION audit_event_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' AND current_setting('questionnaire.audit_purge', true) = 'on' THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'audit_event is append-only';
END
$$
"""
APPEND_ONLY_TRIGGER = (
    "CREATE TRIGGER audit_event_append_only BEFORE UPDATE OR DELETE ON audit_event "
    "FOR EACH ROW EXECUTE FUNCTION audit_event_append_only()"
)


def upgrade():
    op.create_table('audit_event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('occurred_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('action', sa.String(length=64), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('subject_id', sa.Integer(), nullable=True),
    sa.Column('target', sa.String(length=80), nullable=True),
    sa.Column('address', sa.String(length=45), nullable=True),
    sa.Column('details', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['user.id'], name=op.f('fk_audit_event_actor_id_user')),
    sa.ForeignKeyConstraint(['subject_id'], ['user.id'], name=op.f('fk_audit_event_subject_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_event'))
    )
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_event_action'), ['action'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_event_actor_id'), ['actor_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_event_occurred_at'), ['occurred_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_event_subject_id'), ['subject_id'], unique=False)

    op.create_table('erasure',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('pseudonym', sa.String(length=20), nullable=False),
    sa.Column('reason', sa.String(length=500), nullable=False),
    sa.Column('erased_by_id', sa.Integer(), nullable=True),
    sa.Column('erased_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['erased_by_id'], ['user.id'], name=op.f('fk_erasure_erased_by_id_user')),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_erasure_user_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_erasure')),
    sa.UniqueConstraint('pseudonym', name=op.f('uq_erasure_pseudonym')),
    sa.UniqueConstraint('user_id', name=op.f('uq_erasure_user_id'))
    )

    op.create_table('session_time_extension',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('minutes', sa.Integer(), nullable=False),
    sa.Column('reason', sa.String(length=500), nullable=False),
    sa.Column('attempts_moved', sa.Integer(), nullable=False),
    sa.Column('granted_by_id', sa.Integer(), nullable=False),
    sa.Column('granted_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('minutes > 0 AND minutes <= 240', name=op.f('ck_session_time_extension_minutes_range')),
    sa.ForeignKeyConstraint(['granted_by_id'], ['user.id'], name=op.f('fk_session_time_extension_granted_by_id_user')),
    sa.ForeignKeyConstraint(['session_id'], ['exam_session.id'], name=op.f('fk_session_time_extension_session_id_exam_session')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_session_time_extension'))
    )
    with op.batch_alter_table('session_time_extension', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_session_time_extension_session_id'), ['session_id'], unique=False)

    if op.get_bind().dialect.name == 'postgresql':
        op.execute(APPEND_ONLY_FUNCTION)
        op.execute(APPEND_ONLY_TRIGGER)


def downgrade():
    if op.get_bind().dialect.name == 'postgresql':
        op.execute('DROP TRIGGER IF EXISTS audit_event_append_only ON audit_event')
        op.execute('DROP FUNCTION IF EXISTS audit_event_append_only()')
    with op.batch_alter_table('session_time_extension', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_session_time_extension_session_id'))

    op.drop_table('session_time_extension')
    op.drop_table('erasure')
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_event_subject_id'))
        batch_op.drop_index(batch_op.f('ix_audit_event_occurred_at'))
        batch_op.drop_index(batch_op.f('ix_audit_event_actor_id'))
        batch_op.drop_index(batch_op.f('ix_audit_event_action'))

    op.drop_table('audit_event')
