"""组合排序 led by a field with few distinct values (学历, 资格, 专业 …): an index per field, then 姓名 (and the state, for counts)

Revision ID: 6c1f0e9a2b47
Revises: 0ff41b5cb627
Create Date: 2026-12-06 12:00:00.000000

"""
from alembic import op

# revision identifiers, used by Alembic.
revision = '6c1f0e9a2b47'
down_revision = '0ff41b5cb627'
branch_labels = None
depends_on = None

FIELDS = ("birth_date", "work_start_date", "current_major", "current_title", "education", "major",
          "qualification", "current_qualification")


def upgrade():
    with op.batch_alter_table('material', schema=None) as batch_op:
        for field in FIELDS:
            batch_op.create_index(f'ix_material_{field}_name', [field, 'name', 'id', 'state'], unique=False)
    if op.get_bind().dialect.name == 'sqlite':
        # SQLite plans by the statistics ANALYZE wrote (see 05682d60fcb0).
        for field in FIELDS:
            op.execute(f'ANALYZE ix_material_{field}_name')


def downgrade():
    with op.batch_alter_table('material', schema=None) as batch_op:
        for field in reversed(FIELDS):
            batch_op.drop_index(f'ix_material_{field}_name')
