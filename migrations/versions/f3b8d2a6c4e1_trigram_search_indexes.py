"""pg_trgm GIN indexes for the substring searches (姓名, 单位名称, audit detail and the columns
each search box ORs with them); PostgreSQL only, nothing on SQLite

Revision ID: f3b8d2a6c4e1
Revises: c1b9c24c4695
Create Date: 2026-12-06 03:30:00

"""
from alembic import op

revision = 'f3b8d2a6c4e1'
down_revision = 'c1b9c24c4695'
branch_labels = None
depends_on = None

COLUMNS = {
    'material': ('name', 'id_card', 'number'),
    'unit': ('name', 'uscc', 'legal_rep'),
    'audit_log': ('actor_name', 'action', 'detail'),
}


def _indexes():
    for table, columns in COLUMNS.items():
        for column in columns:
            yield table, column, f'ix_{table}_{column}_trgm'


def upgrade():
    if op.get_bind().dialect.name != 'postgresql':
        return
    op.execute('CREATE EXTENSION IF NOT EXISTS pg_trgm')
    for table, column, name in _indexes():
        op.create_index(name, table, [column], unique=False, postgresql_using='gin',
                        postgresql_ops={column: 'gin_trgm_ops'})


def downgrade():
    if op.get_bind().dialect.name != 'postgresql':
        return
    for table, _column, name in _indexes():
        op.drop_index(name, table_name=table)
    # The extension stays: other objects may use it, and it costs nothing unused.
