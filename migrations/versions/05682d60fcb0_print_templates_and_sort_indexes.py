"""高中级申报信息管理: each office's 打印模板 (named column sets: fields, order, headings), and the
indexes behind its 组合排序 (单位 then 姓名; 系列 then 资格 then 上报时间) at city scale

Revision ID: 05682d60fcb0
Revises: d9d9b05e5f12
Create Date: 2026-12-06 08:39:32.129495

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '05682d60fcb0'
down_revision = "d9d9b05e5f12"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('print_template',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('department_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=50), nullable=False),
    sa.Column('columns_json', sa.Text(), nullable=False),
    sa.Column('updated_by', sa.String(length=64), nullable=False),
    sa.Column('updated_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.ForeignKeyConstraint(['department_id'], ['department.id'], name=op.f('fk_print_template_department_id_department')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_print_template')),
    sa.UniqueConstraint('department_id', 'name', name=op.f('uq_print_template_department_id_name'))
    )
    with op.batch_alter_table('print_template', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_print_template_department_id'), ['department_id'], unique=False)

    with op.batch_alter_table('material', schema=None) as batch_op:
        batch_op.create_index('ix_material_series_qualification', ['series', 'qualification', 'submitted_at', 'id'], unique=False)
        batch_op.create_index('ix_material_unit_name', ['unit_id', 'name', 'id'], unique=False)
    if op.get_bind().dialect.name == 'sqlite':
        # SQLite plans by the statistics ANALYZE wrote; without them for the new indexes it would
        # guess (PostgreSQL plans by the table's, which autovacuum keeps).
        op.execute('ANALYZE ix_material_series_qualification')
        op.execute('ANALYZE ix_material_unit_name')


def downgrade():
    with op.batch_alter_table('material', schema=None) as batch_op:
        batch_op.drop_index('ix_material_unit_name')
        batch_op.drop_index('ix_material_series_qualification')

    with op.batch_alter_table('print_template', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_print_template_department_id'))

    op.drop_table('print_template')
