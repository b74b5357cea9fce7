"""单位系统 details: 更名记录 (unit_name_change), 注册需审核 (department.registration_review, unit.approval
with the refusal reason), the licence's kind and date, the electronic seal, 单位类型 / 单位行业 / 单位所在地,
the contact's e-mail, and the SMS purpose of a unit's password recovery (unit_reset)

Revision ID: 81f59144f098
Revises: 8e41b7c2d9a5
Create Date: 2026-12-06 05:19:02

"""
import sqlalchemy as sa
from alembic import op

revision = '81f59144f098'
down_revision = '8e41b7c2d9a5'
branch_labels = None
depends_on = None


OLD_PURPOSES = "'register', 'reset'"
NEW_PURPOSES = "'register', 'reset', 'unit_reset'"


def _sms_purposes(values: str) -> None:
    with op.batch_alter_table('sms_code', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_sms_code_purpose'), type_='check')
        batch_op.create_check_constraint(batch_op.f('ck_sms_code_purpose'), f"purpose IN ({values})")


def upgrade():
    op.create_table('unit_name_change',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('old_name', sa.String(length=200), nullable=False),
    sa.Column('new_name', sa.String(length=200), nullable=False),
    sa.Column('changed_at', sa.DateTime(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('actor_name', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['user_account.id'], name=op.f('fk_unit_name_change_actor_id_user_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], name=op.f('fk_unit_name_change_unit_id_unit'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_unit_name_change'))
    )
    with op.batch_alter_table('unit_name_change', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_unit_name_change_actor_id'), ['actor_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_unit_name_change_changed_at'), ['changed_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_unit_name_change_unit_id'), ['unit_id'], unique=False)

    with op.batch_alter_table('department', schema=None) as batch_op:
        batch_op.add_column(sa.Column('registration_review', sa.Boolean(), server_default=sa.false(), nullable=False))

    with op.batch_alter_table('unit', schema=None) as batch_op:
        batch_op.add_column(sa.Column('contact_email', sa.String(length=120), server_default='', nullable=False))
        batch_op.add_column(sa.Column('unit_type', sa.String(length=20), server_default='', nullable=False))
        batch_op.add_column(sa.Column('industry', sa.String(length=2), server_default='', nullable=False))
        batch_op.add_column(sa.Column('region', sa.String(length=6), server_default='', nullable=False))
        batch_op.add_column(sa.Column('license_kind', sa.String(length=50), nullable=True))
        batch_op.add_column(sa.Column('license_uploaded_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('seal_file', sa.String(length=80), nullable=True))
        batch_op.add_column(sa.Column('seal_updated_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('approval', sa.String(length=10), server_default='approved', nullable=False))
        batch_op.add_column(sa.Column('refusal_reason', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('reviewed_at', sa.DateTime(), nullable=True))
        batch_op.create_index(batch_op.f('ix_unit_approval'), ['approval'], unique=False)
        batch_op.create_index(batch_op.f('ix_unit_industry'), ['industry'], unique=False)
        batch_op.create_index(batch_op.f('ix_unit_region'), ['region'], unique=False)
        batch_op.create_check_constraint(batch_op.f('ck_unit_approval'), "approval IN ('approved', 'pending', 'refused')")
    _sms_purposes(NEW_PURPOSES)



def downgrade():
    op.execute("DELETE FROM sms_code WHERE purpose = 'unit_reset'")
    _sms_purposes(OLD_PURPOSES)
    with op.batch_alter_table('unit', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_unit_approval'), type_='check')
        batch_op.drop_index(batch_op.f('ix_unit_region'))
        batch_op.drop_index(batch_op.f('ix_unit_industry'))
        batch_op.drop_index(batch_op.f('ix_unit_approval'))
        batch_op.drop_column('reviewed_at')
        batch_op.drop_column('refusal_reason')
        batch_op.drop_column('approval')
        batch_op.drop_column('seal_updated_at')
        batch_op.drop_column('seal_file')
        batch_op.drop_column('license_uploaded_at')
        batch_op.drop_column('license_kind')
        batch_op.drop_column('region')
        batch_op.drop_column('industry')
        batch_op.drop_column('unit_type')
        batch_op.drop_column('contact_email')

    with op.batch_alter_table('department', schema=None) as batch_op:
        batch_op.drop_column('registration_review')

    with op.batch_alter_table('unit_name_change', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_unit_name_change_unit_id'))
        batch_op.drop_index(batch_op.f('ix_unit_name_change_changed_at'))
        batch_op.drop_index(batch_op.f('ix_unit_name_change_actor_id'))

    op.drop_table('unit_name_change')
