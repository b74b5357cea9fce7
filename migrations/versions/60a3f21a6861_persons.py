"""个人端: the 个人用户's profile (person, 1:1 with a user_account row of kind 'person'), the
短信验证码 sent (sms_code, hashed), and the 个人档案 sections (学历学位, 工作经历, 培训经历, 研究成果,
年度考核), each row owned by its person's account

Revision ID: 60a3f21a6861
Revises: d6e8f0a2b4c7
Create Date: 2026-12-06 03:22:08

"""
import sqlalchemy as sa
from alembic import op

revision = '60a3f21a6861'
down_revision = 'd6e8f0a2b4c7'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('sms_code',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('phone', sa.String(length=20), nullable=False),
    sa.Column('purpose', sa.String(length=16), nullable=False),
    sa.Column('code_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('expires_at', sa.DateTime(), nullable=False),
    sa.Column('used_at', sa.DateTime(), nullable=True),
    sa.Column('tries', sa.Integer(), nullable=False),
    sa.Column('address', sa.String(length=64), nullable=False),
    sa.CheckConstraint("purpose IN ('register', 'reset')", name=op.f('ck_sms_code_purpose')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sms_code'))
    )
    with op.batch_alter_table('sms_code', schema=None) as batch_op:
        batch_op.create_index('ix_sms_code_phone_created', ['phone', 'created_at'], unique=False)

    op.create_table('person',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=50), nullable=False),
    sa.Column('id_type', sa.String(length=16), nullable=False),
    sa.Column('id_number', sa.String(length=32), nullable=False),
    sa.Column('phone', sa.String(length=20), nullable=False),
    sa.Column('gender', sa.String(length=4), nullable=False),
    sa.Column('birth_date', sa.Date(), nullable=True),
    sa.Column('ethnicity', sa.String(length=20), nullable=False),
    sa.Column('political_status', sa.String(length=20), nullable=False),
    sa.Column('email', sa.String(length=120), nullable=False),
    sa.Column('address', sa.String(length=200), nullable=False),
    sa.Column('photo_file', sa.String(length=64), nullable=True),
    sa.Column('photo_name', sa.String(length=200), nullable=True),
    sa.Column('agreed_at', sa.DateTime(), nullable=False),
    sa.Column('agreed_address', sa.String(length=64), nullable=False),
    sa.Column('agreement_version', sa.String(length=20), nullable=False),
    sa.Column('created_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.CheckConstraint("id_type IN ('resident', 'hmt_permit', 'passport')", name=op.f('ck_person_id_type')),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_person_user_id_user_account'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_person')),
    sa.UniqueConstraint('id_type', 'id_number', name='uq_person_id_number'),
    sa.UniqueConstraint('phone', name=op.f('uq_person_phone')),
    sa.UniqueConstraint('user_id', name=op.f('uq_person_user_id'))
    )
    with op.batch_alter_table('person', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_person_id_number'), ['id_number'], unique=False)

    op.create_table('person_assessment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('result', sa.String(length=16), nullable=False),
    sa.CheckConstraint("result IN ('excellent', 'competent', 'basic', 'incompetent')", name=op.f('ck_person_assessment_result')),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_person_assessment_user_id_user_account'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_person_assessment')),
    sa.UniqueConstraint('user_id', 'year', name='uq_person_assessment_year')
    )
    with op.batch_alter_table('person_assessment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_person_assessment_user_id'), ['user_id'], unique=False)

    op.create_table('person_education',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('start_date', sa.Date(), nullable=False),
    sa.Column('end_date', sa.Date(), nullable=True),
    sa.Column('school', sa.String(length=100), nullable=False),
    sa.Column('major', sa.String(length=100), nullable=False),
    sa.Column('education', sa.String(length=20), nullable=False),
    sa.Column('degree', sa.String(length=20), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_person_education_user_id_user_account'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_person_education'))
    )
    with op.batch_alter_table('person_education', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_person_education_user_id'), ['user_id'], unique=False)

    op.create_table('person_research',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('source', sa.String(length=200), nullable=False),
    sa.Column('number', sa.String(length=100), nullable=False),
    sa.Column('published_on', sa.Date(), nullable=True),
    sa.Column('url', sa.String(length=500), nullable=False),
    sa.Column('role', sa.String(length=50), nullable=False),
    sa.CheckConstraint("kind IN ('paper', 'book', 'patent', 'project')", name=op.f('ck_person_research_kind')),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_person_research_user_id_user_account'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_person_research'))
    )
    with op.batch_alter_table('person_research', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_person_research_user_id'), ['user_id'], unique=False)

    op.create_table('person_training',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('start_date', sa.Date(), nullable=False),
    sa.Column('end_date', sa.Date(), nullable=True),
    sa.Column('subject', sa.String(length=200), nullable=False),
    sa.Column('organiser', sa.String(length=200), nullable=False),
    sa.Column('hours', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_person_training_user_id_user_account'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_person_training'))
    )
    with op.batch_alter_table('person_training', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_person_training_user_id'), ['user_id'], unique=False)

    op.create_table('person_work',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('start_date', sa.Date(), nullable=False),
    sa.Column('end_date', sa.Date(), nullable=True),
    sa.Column('employer', sa.String(length=200), nullable=False),
    sa.Column('position', sa.String(length=100), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_person_work_user_id_user_account'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_person_work'))
    )
    with op.batch_alter_table('person_work', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_person_work_user_id'), ['user_id'], unique=False)



def downgrade():
    with op.batch_alter_table('person_work', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_person_work_user_id'))

    op.drop_table('person_work')
    with op.batch_alter_table('person_training', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_person_training_user_id'))

    op.drop_table('person_training')
    with op.batch_alter_table('person_research', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_person_research_user_id'))

    op.drop_table('person_research')
    with op.batch_alter_table('person_education', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_person_education_user_id'))

    op.drop_table('person_education')
    with op.batch_alter_table('person_assessment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_person_assessment_user_id'))

    op.drop_table('person_assessment')
    with op.batch_alter_table('person', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_person_id_number'))

    op.drop_table('person')
    with op.batch_alter_table('sms_code', schema=None) as batch_op:
        batch_op.drop_index('ix_sms_code_phone_created')

    op.drop_table('sms_code')
