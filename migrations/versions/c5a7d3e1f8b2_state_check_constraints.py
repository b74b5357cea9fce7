"""the database refuses a material state, a review record's state or an export job status
outside the known values

Revision ID: c5a7d3e1f8b2
Revises: 4b8e2f6a9c31
Create Date: 2026-12-02 12:40:00

"""
from alembic import op


revision = 'c5a7d3e1f8b2'
down_revision = '4b8e2f6a9c31'
branch_labels = None
depends_on = None

# The values as of this revision (MaterialState); a later change of states needs its own migration.
STATES = "'draft', 'in_review', 'returned', 'approved'"
EXPORT_STATUSES = "'pending', 'running', 'done', 'failed'"


def upgrade():
    with op.batch_alter_table('material', schema=None) as batch_op:
        batch_op.create_check_constraint(batch_op.f('ck_material_state'), f"state IN ({STATES})")
    with op.batch_alter_table('review_record', schema=None) as batch_op:
        batch_op.create_check_constraint(batch_op.f('ck_review_record_state_after'), f"state_after IN ({STATES})")
    with op.batch_alter_table('export_job', schema=None) as batch_op:
        batch_op.create_check_constraint(batch_op.f('ck_export_job_status'), f"status IN ({EXPORT_STATUSES})")


def downgrade():
    with op.batch_alter_table('export_job', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_export_job_status'), type_='check')
    with op.batch_alter_table('review_record', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_review_record_state_after'), type_='check')
    with op.batch_alter_table('material', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_material_state'), type_='check')
