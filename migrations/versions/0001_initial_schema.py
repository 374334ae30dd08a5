"""initial schema

Revision ID: 0001
Revises: (none)
Create Date: 2026-11-22 04:52:07.743930

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade():

    op.create_table('theme',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('slug', sa.String(length=40), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('competencies', sa.JSON(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_theme')),
    sa.UniqueConstraint('slug', name=op.f('uq_theme_slug'))
    )
    op.create_table('user',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('display_name', sa.String(length=200), nullable=False),
    sa.Column('password_hash', sa.String(length=255), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_login_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_user')),
    sa.UniqueConstraint('email', name=op.f('uq_user_email'))
    )
    op.create_table('item',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('external_id', sa.String(length=40), nullable=False),
    sa.Column('theme_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['theme_id'], ['theme.id'], name=op.f('fk_item_theme_id_theme')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_item')),
    sa.UniqueConstraint('external_id', name=op.f('uq_item_external_id'))
    )
    with op.batch_alter_table('item', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_item_theme_id'), ['theme_id'], unique=False)

    op.create_table('questionnaire',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('theme_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('item_count', sa.Integer(), nullable=False),
    sa.Column('duration_minutes', sa.Integer(), nullable=False),
    sa.Column('pass_mark_bp', sa.Integer(), nullable=False),
    sa.Column('blueprint', sa.JSON(), nullable=False),
    sa.Column('shuffle_items', sa.Boolean(), nullable=False),
    sa.Column('shuffle_options', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('duration_minutes > 0', name=op.f('ck_questionnaire_duration_positive')),
    sa.CheckConstraint('item_count > 0', name=op.f('ck_questionnaire_item_count_positive')),
    sa.CheckConstraint('pass_mark_bp > 0 AND pass_mark_bp <= 10000', name=op.f('ck_questionnaire_pass_mark_range')),
    sa.ForeignKeyConstraint(['theme_id'], ['theme.id'], name=op.f('fk_questionnaire_theme_id_theme')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_questionnaire'))
    )
    with op.batch_alter_table('questionnaire', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_questionnaire_theme_id'), ['theme_id'], unique=False)

    op.create_table('topic',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('theme_id', sa.Integer(), nullable=False),
    sa.Column('slug', sa.String(length=60), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('default_draw', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['theme_id'], ['theme.id'], name=op.f('fk_topic_theme_id_theme')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_topic')),
    sa.UniqueConstraint('theme_id', 'slug', name=op.f('uq_topic_theme_id_slug'))
    )
    op.create_table('user_role',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.Enum('candidate', 'author', 'reviewer', 'admin', 'jury', name='role', native_enum=False, length=20), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_user_role_user_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', 'role', name=op.f('pk_user_role'))
    )
    op.create_table('exam_session',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('questionnaire_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('opens_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('closes_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('release_policy', sa.Enum('immediate', 'after_close', 'manual', name='releasepolicy', native_enum=False, length=20), nullable=False),
    sa.Column('released_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('closes_at > opens_at', name=op.f('ck_exam_session_window_order')),
    sa.ForeignKeyConstraint(['questionnaire_id'], ['questionnaire.id'], name=op.f('fk_exam_session_questionnaire_id_questionnaire')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_exam_session'))
    )
    with op.batch_alter_table('exam_session', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_exam_session_questionnaire_id'), ['questionnaire_id'], unique=False)

    op.create_table('item_version',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('status', sa.Enum('draft', 'in_review', 'published', 'superseded', 'retired', name='versionstatus', native_enum=False, length=20), nullable=False),
    sa.Column('topic_id', sa.Integer(), nullable=False),
    sa.Column('competency', sa.String(length=20), nullable=False),
    sa.Column('item_type', sa.Enum('single', 'multiple', name='itemtype', native_enum=False, length=20), nullable=False),
    sa.Column('stem', sa.Text(), nullable=False),
    sa.Column('rationale', sa.Text(), nullable=False),
    sa.Column('reference', sa.Text(), nullable=False),
    sa.Column('cognitive_level', sa.Enum('connaissance', 'application', 'analyse', name='cognitivelevel', native_enum=False, length=20), nullable=False),
    sa.Column('difficulty', sa.Enum('facile', 'moyen', 'difficile', name='difficulty', native_enum=False, length=20), nullable=False),
    sa.Column('valid_as_of', sa.Date(), nullable=False),
    sa.Column('volatility', sa.Enum('stable', 'annuelle', 'recente', name='volatility', native_enum=False, length=20), nullable=False),
    sa.Column('content_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('first_used_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['item_id'], ['item.id'], name=op.f('fk_item_version_item_id_item')),
    sa.ForeignKeyConstraint(['topic_id'], ['topic.id'], name=op.f('fk_item_version_topic_id_topic')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_item_version')),
    sa.UniqueConstraint('item_id', 'number', name=op.f('uq_item_version_item_id_number'))
    )
    with op.batch_alter_table('item_version', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_item_version_item_id'), ['item_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_item_version_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_item_version_topic_id'), ['topic_id'], unique=False)

    op.create_table('enrolment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('extra_time_percent', sa.Integer(), nullable=False),
    sa.Column('accommodation_note', sa.String(length=500), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('extra_time_percent >= 0 AND extra_time_percent <= 300', name=op.f('ck_enrolment_extra_time_range')),
    sa.ForeignKeyConstraint(['session_id'], ['exam_session.id'], name=op.f('fk_enrolment_session_id_exam_session')),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_enrolment_user_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_enrolment')),
    sa.UniqueConstraint('session_id', 'user_id', name=op.f('uq_enrolment_session_id_user_id'))
    )
    with op.batch_alter_table('enrolment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_enrolment_session_id'), ['session_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_enrolment_user_id'), ['user_id'], unique=False)

    op.create_table('item_option',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=2), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('is_correct', sa.Boolean(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['version_id'], ['item_version.id'], name=op.f('fk_item_option_version_id_item_version'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_item_option')),
    sa.UniqueConstraint('version_id', 'key', name=op.f('uq_item_option_version_id_key'))
    )
    op.create_table('scoring_decision',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('item_version_id', sa.Integer(), nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.Enum('rekey', 'neutralise', name='decisionkind', native_enum=False, length=20), nullable=False),
    sa.Column('correct_keys', sa.JSON(), nullable=True),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('decided_by_id', sa.Integer(), nullable=False),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['decided_by_id'], ['user.id'], name=op.f('fk_scoring_decision_decided_by_id_user')),
    sa.ForeignKeyConstraint(['item_version_id'], ['item_version.id'], name=op.f('fk_scoring_decision_item_version_id_item_version')),
    sa.ForeignKeyConstraint(['session_id'], ['exam_session.id'], name=op.f('fk_scoring_decision_session_id_exam_session')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_scoring_decision'))
    )
    with op.batch_alter_table('scoring_decision', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_scoring_decision_item_version_id'), ['item_version_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_scoring_decision_session_id'), ['session_id'], unique=False)

    op.create_table('attempt',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('enrolment_id', sa.Integer(), nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.Enum('in_progress', 'submitted', 'expired', name='attemptstatus', native_enum=False, length=20), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('deadline', sa.DateTime(timezone=True), nullable=False),
    sa.Column('submitted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('score', sa.Integer(), nullable=True),
    sa.Column('max_score', sa.Integer(), nullable=True),
    sa.Column('pass_mark_bp', sa.Integer(), nullable=False),
    sa.Column('passed', sa.Boolean(), nullable=True),
    sa.Column('graded_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['enrolment_id'], ['enrolment.id'], name=op.f('fk_attempt_enrolment_id_enrolment')),
    sa.ForeignKeyConstraint(['session_id'], ['exam_session.id'], name=op.f('fk_attempt_session_id_exam_session')),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_attempt_user_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_attempt')),
    sa.UniqueConstraint('enrolment_id', name=op.f('uq_attempt_enrolment_id'))
    )
    with op.batch_alter_table('attempt', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_attempt_deadline'), ['deadline'], unique=False)
        batch_op.create_index(batch_op.f('ix_attempt_session_id'), ['session_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_attempt_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_attempt_user_id'), ['user_id'], unique=False)

    op.create_table('attempt_item',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('attempt_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('item_version_id', sa.Integer(), nullable=False),
    sa.Column('option_order', sa.JSON(), nullable=False),
    sa.Column('flagged', sa.Boolean(), nullable=False),
    sa.Column('score', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['attempt_id'], ['attempt.id'], name=op.f('fk_attempt_item_attempt_id_attempt'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['item_version_id'], ['item_version.id'], name=op.f('fk_attempt_item_item_version_id_item_version')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_attempt_item')),
    sa.UniqueConstraint('attempt_id', 'item_version_id', name=op.f('uq_attempt_item_attempt_id_item_version_id')),
    sa.UniqueConstraint('attempt_id', 'position', name=op.f('uq_attempt_item_attempt_id_position'))
    )
    with op.batch_alter_table('attempt_item', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_attempt_item_item_version_id'), ['item_version_id'], unique=False)

    op.create_table('grade_change',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('attempt_id', sa.Integer(), nullable=False),
    sa.Column('decision_id', sa.Integer(), nullable=True),
    sa.Column('old_score', sa.Integer(), nullable=True),
    sa.Column('new_score', sa.Integer(), nullable=False),
    sa.Column('old_max', sa.Integer(), nullable=True),
    sa.Column('new_max', sa.Integer(), nullable=False),
    sa.Column('old_passed', sa.Boolean(), nullable=True),
    sa.Column('new_passed', sa.Boolean(), nullable=False),
    sa.Column('reason', sa.String(length=1000), nullable=False),
    sa.Column('changed_by_id', sa.Integer(), nullable=False),
    sa.Column('changed_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['attempt_id'], ['attempt.id'], name=op.f('fk_grade_change_attempt_id_attempt'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['changed_by_id'], ['user.id'], name=op.f('fk_grade_change_changed_by_id_user')),
    sa.ForeignKeyConstraint(['decision_id'], ['scoring_decision.id'], name=op.f('fk_grade_change_decision_id_scoring_decision')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_grade_change'))
    )
    with op.batch_alter_table('grade_change', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_grade_change_attempt_id'), ['attempt_id'], unique=False)

    op.create_table('response',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('attempt_id', sa.Integer(), nullable=False),
    sa.Column('attempt_item_id', sa.Integer(), nullable=False),
    sa.Column('selected', sa.JSON(), nullable=False),
    sa.Column('seq', sa.BigInteger(), nullable=False),
    sa.Column('saved_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['attempt_id'], ['attempt.id'], name=op.f('fk_response_attempt_id_attempt'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['attempt_item_id'], ['attempt_item.id'], name=op.f('fk_response_attempt_item_id_attempt_item'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_response')),
    sa.UniqueConstraint('attempt_item_id', name=op.f('uq_response_attempt_item_id'))
    )
    with op.batch_alter_table('response', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_response_attempt_id'), ['attempt_id'], unique=False)




def downgrade():

    with op.batch_alter_table('response', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_response_attempt_id'))

    op.drop_table('response')
    with op.batch_alter_table('grade_change', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_grade_change_attempt_id'))

    op.drop_table('grade_change')
    with op.batch_alter_table('attempt_item', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_attempt_item_item_version_id'))

    op.drop_table('attempt_item')
    with op.batch_alter_table('attempt', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_attempt_user_id'))
        batch_op.drop_index(batch_op.f('ix_attempt_status'))
        batch_op.drop_index(batch_op.f('ix_attempt_session_id'))
        batch_op.drop_index(batch_op.f('ix_attempt_deadline'))

    op.drop_table('attempt')
    with op.batch_alter_table('scoring_decision', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_scoring_decision_session_id'))
        batch_op.drop_index(batch_op.f('ix_scoring_decision_item_version_id'))

    op.drop_table('scoring_decision')
    op.drop_table('item_option')
    with op.batch_alter_table('enrolment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_enrolment_user_id'))
        batch_op.drop_index(batch_op.f('ix_enrolment_session_id'))

    op.drop_table('enrolment')
    with op.batch_alter_table('item_version', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_item_version_topic_id'))
        batch_op.drop_index(batch_op.f('ix_item_version_status'))
        batch_op.drop_index(batch_op.f('ix_item_version_item_id'))

    op.drop_table('item_version')
    with op.batch_alter_table('exam_session', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_exam_session_questionnaire_id'))

    op.drop_table('exam_session')
    op.drop_table('user_role')
    op.drop_table('topic')
    with op.batch_alter_table('questionnaire', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_questionnaire_theme_id'))

    op.drop_table('questionnaire')
    with op.batch_alter_table('item', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_item_theme_id'))

    op.drop_table('item')
    op.drop_table('user')
    op.drop_table('theme')

