"""a trigram index on 姓名 with its characters doubled, so that a two-character search term (a
given name) is an index lookup too; PostgreSQL only, nothing on SQLite

Revision ID: d6e8f0a2b4c7
Revises: b2d4f6a8c0e9
Create Date: 2026-12-06 03:55:00

"""
from alembic import op

revision = 'd6e8f0a2b4c7'
down_revision = 'b2d4f6a8c0e9'
branch_labels = None
depends_on = None


def upgrade():
    if op.get_bind().dialect.name != 'postgresql':
        return
    op.execute('CREATE EXTENSION IF NOT EXISTS pg_trgm')
    op.execute(r"CREATE INDEX ix_material_name_pairs_trgm ON material "
               r"USING gin (regexp_replace(name, '(.)', '\1\1', 'g') gin_trgm_ops)")


def downgrade():
    if op.get_bind().dialect.name != 'postgresql':
        return
    op.execute('DROP INDEX ix_material_name_pairs_trgm')
