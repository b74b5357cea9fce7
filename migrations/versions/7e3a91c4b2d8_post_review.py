"""评后管理: 公示 batches and entries, 异议, 证书编号 rules and counters, certificates, the 诚信档案;
the material states 公示中, 已评定 and 结果已撤销 (the CHECK constraints list every state)

Revision ID: 7e3a91c4b2d8
Revises: 3c9e5a7b1d20
Create Date: 2026-12-06 05:15:52.500189

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '7e3a91c4b2d8'
down_revision = '3c9e5a7b1d20'
branch_labels = None
depends_on = None

OLD = ("'draft', 'in_review', 'returned', 'approved', 'in_board', 'board_passed', 'board_failed', "
       "'p_draft', 'unit_review', 'p_returned'")
NEW = OLD + ", 'publicized', 'certified', 'revoked'"


def _states(values: str) -> None:
    for table, column in (('material', 'state'), ('review_record', 'state_after')):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(batch_op.f(f'ck_{table}_{column}'), type_='check')
            batch_op.create_check_constraint(batch_op.f(f'ck_{table}_{column}'), f"{column} IN ({values})")


def upgrade():
    _states(NEW)
    op.create_table('certificate_counter',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=120), nullable=False),
    sa.Column('last', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_certificate_counter')),
    sa.UniqueConstraint('key', name=op.f('uq_certificate_counter_key'))
    )
    op.create_table('certificate_number_rule',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('series', sa.String(length=100), nullable=False),
    sa.Column('level', sa.String(length=10), nullable=False),
    sa.Column('series_code', sa.String(length=10), nullable=False),
    sa.Column('level_code', sa.String(length=10), nullable=False),
    sa.Column('pattern', sa.String(length=100), nullable=False),
    sa.CheckConstraint("level IN ('junior', 'middle', 'senior')", name=op.f('ck_certificate_number_rule_level')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_certificate_number_rule')),
    sa.UniqueConstraint('series', 'level', name=op.f('uq_certificate_number_rule_series_level'))
    )
    op.create_table('publicity_batch',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('department_id', sa.Integer(), nullable=False),
    sa.Column('start_date', sa.Date(), nullable=False),
    sa.Column('end_date', sa.Date(), nullable=False),
    sa.Column('state', sa.String(length=12), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('created_by', sa.String(length=64), nullable=False),
    sa.Column('confirmed_at', sa.DateTime(), nullable=True),
    sa.Column('doc_number', sa.String(length=60), nullable=True),
    sa.Column('issuing_body', sa.String(length=200), nullable=False),
    sa.Column('issued_on', sa.Date(), nullable=True),
    sa.Column('seal_file', sa.String(length=80), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.CheckConstraint("state IN ('publicizing', 'confirmed', 'issued')", name=op.f('ck_publicity_batch_state')),
    sa.ForeignKeyConstraint(['department_id'], ['department.id'], name=op.f('fk_publicity_batch_department_id_department')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_publicity_batch')),
    sa.UniqueConstraint('doc_number', name=op.f('uq_publicity_batch_doc_number'))
    )
    with op.batch_alter_table('publicity_batch', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_publicity_batch_department_id'), ['department_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_publicity_batch_end_date'), ['end_date'], unique=False)
        batch_op.create_index(batch_op.f('ix_publicity_batch_start_date'), ['start_date'], unique=False)
        batch_op.create_index(batch_op.f('ix_publicity_batch_state'), ['state'], unique=False)

    op.create_table('certificate',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=40), nullable=False),
    sa.Column('name', sa.String(length=50), nullable=False),
    sa.Column('id_card', sa.String(length=18), nullable=False),
    sa.Column('qualification', sa.String(length=100), nullable=False),
    sa.Column('series', sa.String(length=100), nullable=False),
    sa.Column('level', sa.String(length=10), nullable=False),
    sa.Column('major', sa.String(length=100), nullable=False),
    sa.Column('obtained_on', sa.Date(), nullable=False),
    sa.Column('issuing_body', sa.String(length=200), nullable=False),
    sa.Column('issued_on', sa.Date(), nullable=False),
    sa.Column('doc_number', sa.String(length=60), nullable=False),
    sa.Column('query_code', sa.String(length=12), nullable=False),
    sa.Column('batch_id', sa.Integer(), nullable=True),
    sa.Column('material_id', sa.Integer(), nullable=True),
    sa.Column('source', sa.String(length=10), nullable=False),
    sa.Column('state', sa.String(length=10), nullable=False),
    sa.Column('revoked_reason', sa.Text(), nullable=False),
    sa.Column('revoked_at', sa.DateTime(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("source IN ('issued', 'imported')", name=op.f('ck_certificate_source')),
    sa.CheckConstraint("state IN ('valid', 'revoked')", name=op.f('ck_certificate_state')),
    sa.ForeignKeyConstraint(['batch_id'], ['publicity_batch.id'], name=op.f('fk_certificate_batch_id_publicity_batch')),
    sa.ForeignKeyConstraint(['material_id'], ['material.id'], name=op.f('fk_certificate_material_id_material')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_certificate')),
    sa.UniqueConstraint('material_id', name=op.f('uq_certificate_material_id')),
    sa.UniqueConstraint('number', name=op.f('uq_certificate_number'))
    )
    with op.batch_alter_table('certificate', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_certificate_batch_id'), ['batch_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_certificate_id_card'), ['id_card'], unique=False)
        batch_op.create_index('ix_certificate_id_card_qualification', ['id_card', 'qualification'], unique=False)
        batch_op.create_index(batch_op.f('ix_certificate_name'), ['name'], unique=False)
        batch_op.create_index(batch_op.f('ix_certificate_source'), ['source'], unique=False)
        batch_op.create_index(batch_op.f('ix_certificate_state'), ['state'], unique=False)

    op.create_table('publicity_entry',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('batch_id', sa.Integer(), nullable=False),
    sa.Column('material_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=50), nullable=False),
    sa.Column('unit_name', sa.String(length=200), nullable=False),
    sa.Column('qualification', sa.String(length=100), nullable=False),
    sa.Column('major', sa.String(length=100), nullable=False),
    sa.Column('source', sa.String(length=200), nullable=False),
    sa.Column('state', sa.String(length=12), nullable=False),
    sa.CheckConstraint("state IN ('listed', 'revoked', 'certified')", name=op.f('ck_publicity_entry_state')),
    sa.ForeignKeyConstraint(['batch_id'], ['publicity_batch.id'], name=op.f('fk_publicity_entry_batch_id_publicity_batch')),
    sa.ForeignKeyConstraint(['material_id'], ['material.id'], name=op.f('fk_publicity_entry_material_id_material')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_publicity_entry')),
    sa.UniqueConstraint('material_id', name=op.f('uq_publicity_entry_material_id'))
    )
    with op.batch_alter_table('publicity_entry', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_publicity_entry_batch_id'), ['batch_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_publicity_entry_state'), ['state'], unique=False)

    op.create_table('integrity_record',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('id_card', sa.String(length=18), nullable=False),
    sa.Column('name', sa.String(length=50), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('certificate_id', sa.Integer(), nullable=True),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('actor_name', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['certificate_id'], ['certificate.id'], name=op.f('fk_integrity_record_certificate_id_certificate')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_integrity_record'))
    )
    with op.batch_alter_table('integrity_record', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_integrity_record_at'), ['at'], unique=False)
        batch_op.create_index(batch_op.f('ix_integrity_record_certificate_id'), ['certificate_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_integrity_record_id_card'), ['id_card'], unique=False)

    op.create_table('objection',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('batch_id', sa.Integer(), nullable=False),
    sa.Column('entry_id', sa.Integer(), nullable=False),
    sa.Column('filer_name', sa.String(length=50), nullable=False),
    sa.Column('contact', sa.String(length=100), nullable=False),
    sa.Column('content', sa.Text(), nullable=False),
    sa.Column('filed_at', sa.DateTime(), nullable=False),
    sa.Column('address', sa.String(length=64), nullable=False),
    sa.Column('state', sa.String(length=12), nullable=False),
    sa.Column('reply', sa.Text(), nullable=False),
    sa.Column('handled_by', sa.String(length=64), nullable=False),
    sa.Column('handled_at', sa.DateTime(), nullable=True),
    sa.CheckConstraint("state IN ('open', 'upheld', 'rejected')", name=op.f('ck_objection_state')),
    sa.ForeignKeyConstraint(['batch_id'], ['publicity_batch.id'], name=op.f('fk_objection_batch_id_publicity_batch')),
    sa.ForeignKeyConstraint(['entry_id'], ['publicity_entry.id'], name=op.f('fk_objection_entry_id_publicity_entry')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_objection'))
    )
    with op.batch_alter_table('objection', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_objection_batch_id'), ['batch_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_objection_entry_id'), ['entry_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_objection_state'), ['state'], unique=False)



def downgrade():
    with op.batch_alter_table('objection', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_objection_state'))
        batch_op.drop_index(batch_op.f('ix_objection_entry_id'))
        batch_op.drop_index(batch_op.f('ix_objection_batch_id'))

    op.drop_table('objection')
    with op.batch_alter_table('integrity_record', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_integrity_record_id_card'))
        batch_op.drop_index(batch_op.f('ix_integrity_record_certificate_id'))
        batch_op.drop_index(batch_op.f('ix_integrity_record_at'))

    op.drop_table('integrity_record')
    with op.batch_alter_table('publicity_entry', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_publicity_entry_state'))
        batch_op.drop_index(batch_op.f('ix_publicity_entry_batch_id'))

    op.drop_table('publicity_entry')
    with op.batch_alter_table('certificate', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_certificate_state'))
        batch_op.drop_index(batch_op.f('ix_certificate_source'))
        batch_op.drop_index(batch_op.f('ix_certificate_name'))
        batch_op.drop_index('ix_certificate_id_card_qualification')
        batch_op.drop_index(batch_op.f('ix_certificate_id_card'))
        batch_op.drop_index(batch_op.f('ix_certificate_batch_id'))

    op.drop_table('certificate')
    with op.batch_alter_table('publicity_batch', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_publicity_batch_state'))
        batch_op.drop_index(batch_op.f('ix_publicity_batch_start_date'))
        batch_op.drop_index(batch_op.f('ix_publicity_batch_end_date'))
        batch_op.drop_index(batch_op.f('ix_publicity_batch_department_id'))

    op.drop_table('publicity_batch')
    op.drop_table('certificate_number_rule')
    op.drop_table('certificate_counter')
    # A result on 公示 goes back to its passed state; a confirmed or revoked one too.
    op.execute("UPDATE material SET state = 'board_passed' WHERE state IN ('publicized', 'certified', 'revoked') "
               "AND project_id IN (SELECT id FROM project WHERE kind LIKE 'ps_%')")
    op.execute("UPDATE material SET state = 'approved' WHERE state IN ('publicized', 'certified', 'revoked')")
    op.execute("DELETE FROM review_record WHERE state_after IN ('publicized', 'certified', 'revoked')")
    _states(OLD)
