"""a background job says what it makes: an export workbook or a merged print PDF

Revision ID: f4b6d8a0c2e3
Revises: f3b8d2a6c4e1
Create Date: 2026-12-06 03:30:00

"""
import sqlalchemy as sa
from alembic import op

revision = 'f4b6d8a0c2e3'
down_revision = 'f3b8d2a6c4e1'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('export_job', schema=None) as batch_op:
        batch_op.add_column(sa.Column('kind', sa.String(length=12), server_default='export', nullable=False))


def downgrade():
    with op.batch_alter_table('export_job', schema=None) as batch_op:
        batch_op.drop_column('kind')
