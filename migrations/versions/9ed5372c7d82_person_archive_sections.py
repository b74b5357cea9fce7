"""个人档案: the 工作业绩 section, a teacher's 公开课 and 教育教学 sections; the person's 系列 and his
身份证照片 (front and back)

Revision ID: 9ed5372c7d82
Revises: 7e3a91c4b2d8
Create Date: 2026-12-06 08:33:36.488795

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '9ed5372c7d82'
down_revision = '7e3a91c4b2d8'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('person_achievement',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('start_date', sa.Date(), nullable=False),
    sa.Column('end_date', sa.Date(), nullable=True),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('role', sa.String(length=100), nullable=False),
    sa.Column('content', sa.String(length=1000), nullable=False),
    sa.Column('outcome', sa.String(length=500), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_person_achievement_user_id_user_account'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_person_achievement'))
    )
    with op.batch_alter_table('person_achievement', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_person_achievement_user_id'), ['user_id'], unique=False)

    op.create_table('person_open_lesson',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('taught_on', sa.Date(), nullable=False),
    sa.Column('subject', sa.String(length=50), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('audience', sa.String(length=100), nullable=False),
    sa.Column('level', sa.String(length=16), nullable=False),
    sa.Column('organiser', sa.String(length=200), nullable=False),
    sa.CheckConstraint("level IN ('school', 'county', 'city', 'province', 'national')", name=op.f('ck_person_open_lesson_level')),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_person_open_lesson_user_id_user_account'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_person_open_lesson'))
    )
    with op.batch_alter_table('person_open_lesson', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_person_open_lesson_user_id'), ['user_id'], unique=False)

    op.create_table('person_teaching',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('start_date', sa.Date(), nullable=False),
    sa.Column('end_date', sa.Date(), nullable=True),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('content', sa.String(length=500), nullable=False),
    sa.Column('weekly_hours', sa.Integer(), nullable=True),
    sa.Column('evaluation', sa.String(length=200), nullable=False),
    sa.CheckConstraint("kind IN ('classes', 'head_teacher', 'mentoring', 'coaching', 'research', 'other')", name=op.f('ck_person_teaching_kind')),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_person_teaching_user_id_user_account'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_person_teaching'))
    )
    with op.batch_alter_table('person_teaching', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_person_teaching_user_id'), ['user_id'], unique=False)

    with op.batch_alter_table('person', schema=None) as batch_op:
        batch_op.add_column(sa.Column('series', sa.String(length=100), server_default='', nullable=False))
        batch_op.add_column(sa.Column('id_front_file', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('id_front_name', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('id_back_file', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('id_back_name', sa.String(length=200), nullable=True))


def downgrade():
    with op.batch_alter_table('person', schema=None) as batch_op:
        batch_op.drop_column('id_back_name')
        batch_op.drop_column('id_back_file')
        batch_op.drop_column('id_front_name')
        batch_op.drop_column('id_front_file')
        batch_op.drop_column('series')

    with op.batch_alter_table('person_teaching', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_person_teaching_user_id'))

    op.drop_table('person_teaching')
    with op.batch_alter_table('person_open_lesson', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_person_open_lesson_user_id'))

    op.drop_table('person_open_lesson')
    with op.batch_alter_table('person_achievement', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_person_achievement_user_id'))

    op.drop_table('person_achievement')
