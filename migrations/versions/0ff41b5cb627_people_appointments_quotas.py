"""人员基本信息与聘任管理 and 结构比例管理: person_record (one row per 证件号码, in its unit),
appointment (聘任 by unit, with the reason of an over-quota one), post_quota (each unit's 岗位结构比例);
on PostgreSQL a trigram index for the 姓名 search

Revision ID: 0ff41b5cb627
Revises: 05682d60fcb0
Create Date: 2026-12-06 08:40:57

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0ff41b5cb627'
down_revision = "05682d60fcb0"
branch_labels = None
depends_on = None


#: The list's search ORs ILIKE '%…%' over 姓名 and 证件号码; 姓名 gets a trigram index (pg_trgm is
#: created by f3b8d2a6c4e1). Not 证件号码: the planner chose it for look-ups by equality, which
#: all-digit numbers make slow (each shares its trigrams with nearly every row).
TRIGRAM = ('name',)


def upgrade():
    op.create_table('person_record',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('id_type', sa.String(length=16), nullable=False),
    sa.Column('id_number', sa.String(length=32), nullable=False),
    sa.Column('name', sa.String(length=50), nullable=False),
    sa.Column('gender', sa.String(length=4), nullable=False),
    sa.Column('birth_date', sa.Date(), nullable=True),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('education', sa.String(length=50), nullable=False),
    sa.Column('major', sa.String(length=100), nullable=False),
    sa.Column('qualification', sa.String(length=100), nullable=False),
    sa.Column('qualification_level', sa.String(length=10), nullable=False),
    sa.Column('qualified_on', sa.Date(), nullable=True),
    sa.Column('phone', sa.String(length=20), nullable=False),
    sa.Column('source', sa.String(length=10), nullable=False),
    sa.Column('created_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('updated_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.CheckConstraint("id_type IN ('resident', 'hmt_permit', 'passport')", name=op.f('ck_person_record_id_type')),
    sa.CheckConstraint("qualification_level IN ('', 'senior', 'deputy', 'middle', 'junior')", name=op.f('ck_person_record_qualification_level')),
    sa.CheckConstraint("source IN ('manual', 'import', 'materials')", name=op.f('ck_person_record_source')),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], name=op.f('fk_person_record_unit_id_unit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_person_record')),
    sa.UniqueConstraint('id_number', name=op.f('uq_person_record_id_number'))
    )
    with op.batch_alter_table('person_record', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_person_record_name'), ['name'], unique=False)
        batch_op.create_index(batch_op.f('ix_person_record_qualification_level'), ['qualification_level'], unique=False)
        batch_op.create_index(batch_op.f('ix_person_record_source'), ['source'], unique=False)
        batch_op.create_index(batch_op.f('ix_person_record_unit_id'), ['unit_id'], unique=False)

    op.create_table('post_quota',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('mode', sa.String(length=8), nullable=False),
    sa.Column('total', sa.Integer(), nullable=True),
    sa.Column('senior', sa.Integer(), nullable=False),
    sa.Column('deputy', sa.Integer(), nullable=False),
    sa.Column('middle', sa.Integer(), nullable=False),
    sa.Column('junior', sa.Integer(), nullable=False),
    sa.Column('note', sa.String(length=200), nullable=False),
    sa.Column('updated_by', sa.String(length=64), nullable=False),
    sa.Column('updated_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.CheckConstraint("mode = 'count' OR total > 0", name=op.f('ck_post_quota_ratio_total')),
    sa.CheckConstraint("mode IN ('count', 'ratio')", name=op.f('ck_post_quota_mode')),
    sa.CheckConstraint('senior >= 0 AND deputy >= 0 AND middle >= 0 AND junior >= 0', name=op.f('ck_post_quota_non_negative')),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], name=op.f('fk_post_quota_unit_id_unit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_post_quota')),
    sa.UniqueConstraint('unit_id', name=op.f('uq_post_quota_unit_id'))
    )
    op.create_table('appointment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('post_title', sa.String(length=100), nullable=False),
    sa.Column('level', sa.String(length=10), nullable=False),
    sa.Column('grade', sa.Integer(), nullable=True),
    sa.Column('start_date', sa.Date(), nullable=False),
    sa.Column('end_date', sa.Date(), nullable=True),
    sa.Column('over_quota', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.Column('over_quota_reason', sa.Text(), nullable=False),
    sa.Column('created_by', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('updated_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.CheckConstraint("level IN ('senior', 'deputy', 'middle', 'junior')", name=op.f('ck_appointment_level')),
    sa.CheckConstraint('end_date IS NULL OR end_date >= start_date', name=op.f('ck_appointment_period')),
    sa.CheckConstraint('grade IS NULL OR (grade >= 1 AND grade <= 13)', name=op.f('ck_appointment_grade')),
    sa.ForeignKeyConstraint(['person_id'], ['person_record.id'], name=op.f('fk_appointment_person_id_person_record')),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], name=op.f('fk_appointment_unit_id_unit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_appointment')),
    sa.UniqueConstraint('person_id', 'unit_id', 'start_date', name=op.f('uq_appointment_person_id_unit_id_start_date'))
    )
    with op.batch_alter_table('appointment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_appointment_end_date'), ['end_date'], unique=False)
        batch_op.create_index(batch_op.f('ix_appointment_level'), ['level'], unique=False)
        batch_op.create_index(batch_op.f('ix_appointment_over_quota'), ['over_quota'], unique=False)
        batch_op.create_index(batch_op.f('ix_appointment_person_id'), ['person_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_appointment_start_date'), ['start_date'], unique=False)
        batch_op.create_index(batch_op.f('ix_appointment_unit_id'), ['unit_id'], unique=False)
        batch_op.create_index('ix_appointment_unit_level_period', ['unit_id', 'level', 'start_date', 'end_date'], unique=False)

    if op.get_bind().dialect.name == 'postgresql':
        for column in TRIGRAM:
            op.create_index(f'ix_person_record_{column}_trgm', 'person_record', [column], unique=False,
                            postgresql_using='gin', postgresql_ops={column: 'gin_trgm_ops'})


def downgrade():
    if op.get_bind().dialect.name == 'postgresql':
        for column in TRIGRAM:
            op.drop_index(f'ix_person_record_{column}_trgm', table_name='person_record')
    with op.batch_alter_table('appointment', schema=None) as batch_op:
        batch_op.drop_index('ix_appointment_unit_level_period')
        batch_op.drop_index(batch_op.f('ix_appointment_unit_id'))
        batch_op.drop_index(batch_op.f('ix_appointment_start_date'))
        batch_op.drop_index(batch_op.f('ix_appointment_person_id'))
        batch_op.drop_index(batch_op.f('ix_appointment_over_quota'))
        batch_op.drop_index(batch_op.f('ix_appointment_level'))
        batch_op.drop_index(batch_op.f('ix_appointment_end_date'))

    op.drop_table('appointment')
    op.drop_table('post_quota')
    with op.batch_alter_table('person_record', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_person_record_unit_id'))
        batch_op.drop_index(batch_op.f('ix_person_record_source'))
        batch_op.drop_index(batch_op.f('ix_person_record_qualification_level'))
        batch_op.drop_index(batch_op.f('ix_person_record_name'))

    op.drop_table('person_record')
