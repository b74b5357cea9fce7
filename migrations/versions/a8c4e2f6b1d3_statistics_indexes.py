"""统计分析: two composite indexes on material that the statistics' GROUP BY statements read instead of
the rows (state, project, series, unit; and unit, state, project, series; see zhicheng/stats/models.py)

Revision ID: a8c4e2f6b1d3
Revises: 9ed5372c7d82
Create Date: 2026-12-06 09:00:00

"""
from alembic import op

revision = 'a8c4e2f6b1d3'
down_revision = "9ed5372c7d82"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('material', schema=None) as batch_op:
        batch_op.create_index('ix_material_state_project_series', ['state', 'project_id', 'series', 'unit_id'],
                              unique=False)
        batch_op.create_index('ix_material_unit_state_project_series', ['unit_id', 'state', 'project_id', 'series'],
                              unique=False)


def downgrade():
    with op.batch_alter_table('material', schema=None) as batch_op:
        batch_op.drop_index('ix_material_unit_state_project_series')
        batch_op.drop_index('ix_material_state_project_series')
