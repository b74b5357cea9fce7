"""background jobs keep a heartbeat and a start time; a finished file past its retention is
"expired"; the job status is indexed (the reaper and the per-user cap filter by it)

Revision ID: e7a1c3b5d9f2
Revises: c5a7d3e1f8b2
Create Date: 2026-12-06 03:00:00

"""
import sqlalchemy as sa
from alembic import op

revision = 'e7a1c3b5d9f2'
down_revision = 'c5a7d3e1f8b2'
branch_labels = None
depends_on = None

OLD = "'pending', 'running', 'done', 'failed'"
NEW = "'pending', 'running', 'done', 'failed', 'expired'"


def upgrade():
    with op.batch_alter_table('export_job', schema=None) as batch_op:
        batch_op.add_column(sa.Column('started_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('heartbeat_at', sa.DateTime(), nullable=True))
        batch_op.create_index(batch_op.f('ix_export_job_status'), ['status'], unique=False)
        batch_op.drop_constraint(batch_op.f('ck_export_job_status'), type_='check')
        batch_op.create_check_constraint(batch_op.f('ck_export_job_status'), f"status IN ({NEW})")


def downgrade():
    op.execute("UPDATE export_job SET status = 'failed' WHERE status = 'expired'")
    with op.batch_alter_table('export_job', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_export_job_status'), type_='check')
        batch_op.create_check_constraint(batch_op.f('ck_export_job_status'), f"status IN ({OLD})")
        batch_op.drop_index(batch_op.f('ix_export_job_status'))
        batch_op.drop_column('heartbeat_at')
        batch_op.drop_column('started_at')
