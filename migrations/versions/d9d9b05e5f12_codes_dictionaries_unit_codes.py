"""Codes: 专业 and 资格名称 linked to their 系列 (dict_item.parent_id), 主管单位代码 of departments,
评委会代码 of boards, the 单位字典 (unit_code) and the 接收更新代码 uploads (code_update)

Revision ID: d9d9b05e5f12
Revises: 111b5bb54ba8
Create Date: 2026-12-06 08:37:47.960510

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = 'd9d9b05e5f12'
down_revision = "111b5bb54ba8"
branch_labels = None
depends_on = None

TRGM = ('name', 'code')


def upgrade():
    op.create_table('unit_code',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=20), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('department_id', sa.Integer(), nullable=False),
    sa.Column('uscc', sa.String(length=18), nullable=False),
    sa.Column('nature', sa.String(length=100), nullable=False),
    sa.Column('industry', sa.String(length=2), nullable=False),
    sa.Column('region', sa.String(length=6), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('updated_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.ForeignKeyConstraint(['department_id'], ['department.id'], name=op.f('fk_unit_code_department_id_department')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_unit_code')),
    sa.UniqueConstraint('code', name=op.f('uq_unit_code_code'))
    )
    with op.batch_alter_table('unit_code', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_unit_code_active'), ['active'], unique=False)
        batch_op.create_index(batch_op.f('ix_unit_code_department_id'), ['department_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_unit_code_industry'), ['industry'], unique=False)
        batch_op.create_index(batch_op.f('ix_unit_code_name'), ['name'], unique=False)
        batch_op.create_index(batch_op.f('ix_unit_code_region'), ['region'], unique=False)
        batch_op.create_index(batch_op.f('ix_unit_code_uscc'), ['uscc'], unique=False)

    op.create_table('code_update',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('filename', sa.String(length=200), nullable=False),
    sa.Column('payload', sa.Text(), nullable=False),
    sa.Column('state', sa.String(length=10), nullable=False),
    sa.Column('summary', sa.String(length=500), nullable=False),
    sa.Column('uploaded_by_id', sa.Integer(), nullable=True),
    sa.Column('uploaded_by', sa.String(length=64), nullable=False),
    sa.Column('uploaded_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('decided_by', sa.String(length=64), nullable=False),
    sa.Column('decided_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['uploaded_by_id'], ['user_account.id'], name=op.f('fk_code_update_uploaded_by_id_user_account'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_code_update'))
    )
    with op.batch_alter_table('code_update', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_code_update_state'), ['state'], unique=False)
        batch_op.create_index(batch_op.f('ix_code_update_uploaded_by_id'), ['uploaded_by_id'], unique=False)

    with op.batch_alter_table('department', schema=None) as batch_op:
        batch_op.add_column(sa.Column('code', sa.String(length=20), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_department_code'), ['code'])

    with op.batch_alter_table('dict_item', schema=None) as batch_op:
        batch_op.add_column(sa.Column('parent_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_dict_item_parent_id'), ['parent_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_dict_item_parent_id_dict_item'), 'dict_item', ['parent_id'], ['id'])

    with op.batch_alter_table('review_board', schema=None) as batch_op:
        batch_op.add_column(sa.Column('code', sa.String(length=20), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_review_board_code'), ['code'])

    if op.get_bind().dialect.name == 'postgresql':  # the 单位字典's search box (ILIKE '%…%')
        for column in TRGM:
            op.create_index(f'ix_unit_code_{column}_trgm', 'unit_code', [column], unique=False,
                            postgresql_using='gin', postgresql_ops={column: 'gin_trgm_ops'})


def downgrade():
    with op.batch_alter_table('review_board', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_review_board_code'), type_='unique')
        batch_op.drop_column('code')

    with op.batch_alter_table('dict_item', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_dict_item_parent_id_dict_item'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_dict_item_parent_id'))
        batch_op.drop_column('parent_id')

    with op.batch_alter_table('department', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_department_code'), type_='unique')
        batch_op.drop_column('code')

    with op.batch_alter_table('code_update', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_code_update_uploaded_by_id'))
        batch_op.drop_index(batch_op.f('ix_code_update_state'))

    op.drop_table('code_update')
    if op.get_bind().dialect.name == 'postgresql':
        for column in TRGM:
            op.drop_index(f'ix_unit_code_{column}_trgm', table_name='unit_code')
    with op.batch_alter_table('unit_code', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_unit_code_uscc'))
        batch_op.drop_index(batch_op.f('ix_unit_code_region'))
        batch_op.drop_index(batch_op.f('ix_unit_code_name'))
        batch_op.drop_index(batch_op.f('ix_unit_code_industry'))
        batch_op.drop_index(batch_op.f('ix_unit_code_department_id'))
        batch_op.drop_index(batch_op.f('ix_unit_code_active'))

    op.drop_table('unit_code')
