"""certification referentials, enrolments, accommodations, prerequisites, jury evaluations, capitalised blocks

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22 05:40:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('certification',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('slug', sa.String(length=80), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('level', sa.String(length=40), nullable=True),
    sa.Column('rncp_code', sa.String(length=40), nullable=True),
    sa.Column('certifier', sa.String(length=300), nullable=True),
    sa.Column('source', sa.String(length=200), nullable=True),
    sa.Column('grading', sa.Enum('binary', 'grid', name='grading', native_enum=False, length=30), nullable=False),
    sa.Column('grid_threshold', sa.Integer(), nullable=True),
    sa.Column('two_evaluators', sa.Boolean(), nullable=False),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('grid_threshold IS NULL OR (grid_threshold >= 0 AND grid_threshold <= 4)', name=op.f('ck_certification_grid_threshold_range')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_certification')),
    sa.UniqueConstraint('slug', name=op.f('uq_certification_slug'))
    )
    op.create_table('certification_block',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('certification_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['certification_id'], ['certification.id'], name=op.f('fk_certification_block_certification_id_certification'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_certification_block')),
    sa.UniqueConstraint('certification_id', 'code', name=op.f('uq_certification_block_certification_id_code'))
    )
    with op.batch_alter_table('certification_block', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_certification_block_certification_id'), ['certification_id'], unique=False)

    op.create_table('certification_enrolment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('certification_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('registered_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['certification_id'], ['certification.id'], name=op.f('fk_certification_enrolment_certification_id_certification')),
    sa.ForeignKeyConstraint(['registered_by_id'], ['user.id'], name=op.f('fk_certification_enrolment_registered_by_id_user')),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_certification_enrolment_user_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_certification_enrolment')),
    sa.UniqueConstraint('certification_id', 'user_id', name=op.f('uq_certification_enrolment_certification_id_user_id'))
    )
    with op.batch_alter_table('certification_enrolment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_certification_enrolment_certification_id'), ['certification_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_certification_enrolment_user_id'), ['user_id'], unique=False)

    op.create_table('certification_prerequisite',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('certification_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('label', sa.Text(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['certification_id'], ['certification.id'], name=op.f('fk_certification_prerequisite_certification_id_certification'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_certification_prerequisite')),
    sa.UniqueConstraint('certification_id', 'code', name=op.f('uq_certification_prerequisite_certification_id_code'))
    )
    with op.batch_alter_table('certification_prerequisite', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_certification_prerequisite_certification_id'), ['certification_id'], unique=False)

    op.create_table('certification_accommodation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('enrolment_id', sa.Integer(), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=False),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['enrolment_id'], ['certification_enrolment.id'], name=op.f('fk_certification_accommodation_enrolment_id_certification_enrolment'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['user.id'], name=op.f('fk_certification_accommodation_recorded_by_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_certification_accommodation'))
    )
    with op.batch_alter_table('certification_accommodation', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_certification_accommodation_enrolment_id'), ['enrolment_id'], unique=False)

    op.create_table('certification_block_validation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('enrolment_id', sa.Integer(), nullable=False),
    sa.Column('block_id', sa.Integer(), nullable=False),
    sa.Column('validated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=False),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['block_id'], ['certification_block.id'], name=op.f('fk_certification_block_validation_block_id_certification_block')),
    sa.ForeignKeyConstraint(['enrolment_id'], ['certification_enrolment.id'], name=op.f('fk_certification_block_validation_enrolment_id_certification_enrolment'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['user.id'], name=op.f('fk_certification_block_validation_recorded_by_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_certification_block_validation')),
    sa.UniqueConstraint('enrolment_id', 'block_id', name=op.f('uq_certification_block_validation_enrolment_id_block_id'))
    )
    with op.batch_alter_table('certification_block_validation', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_certification_block_validation_block_id'), ['block_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_certification_block_validation_enrolment_id'), ['enrolment_id'], unique=False)

    op.create_table('certification_competency',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('block_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('title', sa.Text(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['block_id'], ['certification_block.id'], name=op.f('fk_certification_competency_block_id_certification_block'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_certification_competency')),
    sa.UniqueConstraint('block_id', 'code', name=op.f('uq_certification_competency_block_id_code'))
    )
    with op.batch_alter_table('certification_competency', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_certification_competency_block_id'), ['block_id'], unique=False)

    op.create_table('certification_prerequisite_record',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('enrolment_id', sa.Integer(), nullable=False),
    sa.Column('prerequisite_id', sa.Integer(), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=False),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['enrolment_id'], ['certification_enrolment.id'], name=op.f('fk_certification_prerequisite_record_enrolment_id_certification_enrolment'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['prerequisite_id'], ['certification_prerequisite.id'], name=op.f('fk_certification_prerequisite_record_prerequisite_id_certification_prerequisite')),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['user.id'], name=op.f('fk_certification_prerequisite_record_recorded_by_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_certification_prerequisite_record')),
    sa.UniqueConstraint('enrolment_id', 'prerequisite_id', name=op.f('uq_certification_prerequisite_record_enrolment_id_prerequisite_id'))
    )
    with op.batch_alter_table('certification_prerequisite_record', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_certification_prerequisite_record_enrolment_id'), ['enrolment_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_certification_prerequisite_record_prerequisite_id'), ['prerequisite_id'], unique=False)

    op.create_table('certification_criterion',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('competency_id', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['competency_id'], ['certification_competency.id'], name=op.f('fk_certification_criterion_competency_id_certification_competency'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_certification_criterion'))
    )
    with op.batch_alter_table('certification_criterion', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_certification_criterion_competency_id'), ['competency_id'], unique=False)

    op.create_table('certification_modality',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('competency_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('mise_en_situation', 'livrables', 'soutenance', 'epreuve_orale', 'epreuve_ecrite', 'questionnaire', 'etude_de_cas', 'rapport', 'observation', 'entretien', 'dossier', 'jeu_de_role', 'co_validation', name='modalitykind', native_enum=False, length=30), nullable=False),
    sa.Column('label', sa.Text(), nullable=True),
    sa.Column('weight_percent', sa.Integer(), nullable=True),
    sa.Column('theme_slug', sa.String(length=40), nullable=True),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.CheckConstraint('weight_percent IS NULL OR (weight_percent > 0 AND weight_percent <= 100)', name=op.f('ck_certification_modality_weight_range')),
    sa.ForeignKeyConstraint(['competency_id'], ['certification_competency.id'], name=op.f('fk_certification_modality_competency_id_certification_competency'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_certification_modality'))
    )
    with op.batch_alter_table('certification_modality', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_certification_modality_competency_id'), ['competency_id'], unique=False)

    op.create_table('jury_evaluation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('enrolment_id', sa.Integer(), nullable=False),
    sa.Column('competency_id', sa.Integer(), nullable=False),
    sa.Column('evaluator_id', sa.Integer(), nullable=False),
    sa.Column('acquired', sa.Boolean(), nullable=True),
    sa.Column('grid_score', sa.Integer(), nullable=True),
    sa.Column('comment', sa.Text(), nullable=False),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('(acquired IS NULL) <> (grid_score IS NULL)', name=op.f('ck_jury_evaluation_one_outcome')),
    sa.CheckConstraint('grid_score IS NULL OR (grid_score >= 0 AND grid_score <= 4)', name=op.f('ck_jury_evaluation_grid_score_range')),
    sa.ForeignKeyConstraint(['competency_id'], ['certification_competency.id'], name=op.f('fk_jury_evaluation_competency_id_certification_competency')),
    sa.ForeignKeyConstraint(['enrolment_id'], ['certification_enrolment.id'], name=op.f('fk_jury_evaluation_enrolment_id_certification_enrolment'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['evaluator_id'], ['user.id'], name=op.f('fk_jury_evaluation_evaluator_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_jury_evaluation')),
    sa.UniqueConstraint('enrolment_id', 'competency_id', 'evaluator_id', name=op.f('uq_jury_evaluation_enrolment_id_competency_id_evaluator_id'))
    )
    with op.batch_alter_table('jury_evaluation', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_jury_evaluation_competency_id'), ['competency_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_jury_evaluation_enrolment_id'), ['enrolment_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_jury_evaluation_evaluator_id'), ['evaluator_id'], unique=False)



def downgrade():
    with op.batch_alter_table('jury_evaluation', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_jury_evaluation_evaluator_id'))
        batch_op.drop_index(batch_op.f('ix_jury_evaluation_enrolment_id'))
        batch_op.drop_index(batch_op.f('ix_jury_evaluation_competency_id'))

    op.drop_table('jury_evaluation')
    with op.batch_alter_table('certification_modality', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_certification_modality_competency_id'))

    op.drop_table('certification_modality')
    with op.batch_alter_table('certification_criterion', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_certification_criterion_competency_id'))

    op.drop_table('certification_criterion')
    with op.batch_alter_table('certification_prerequisite_record', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_certification_prerequisite_record_prerequisite_id'))
        batch_op.drop_index(batch_op.f('ix_certification_prerequisite_record_enrolment_id'))

    op.drop_table('certification_prerequisite_record')
    with op.batch_alter_table('certification_competency', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_certification_competency_block_id'))

    op.drop_table('certification_competency')
    with op.batch_alter_table('certification_block_validation', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_certification_block_validation_enrolment_id'))
        batch_op.drop_index(batch_op.f('ix_certification_block_validation_block_id'))

    op.drop_table('certification_block_validation')
    with op.batch_alter_table('certification_accommodation', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_certification_accommodation_enrolment_id'))

    op.drop_table('certification_accommodation')
    with op.batch_alter_table('certification_prerequisite', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_certification_prerequisite_certification_id'))

    op.drop_table('certification_prerequisite')
    with op.batch_alter_table('certification_enrolment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_certification_enrolment_user_id'))
        batch_op.drop_index(batch_op.f('ix_certification_enrolment_certification_id'))

    op.drop_table('certification_enrolment')
    with op.batch_alter_table('certification_block', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_certification_block_certification_id'))

    op.drop_table('certification_block')
    op.drop_table('certification')
