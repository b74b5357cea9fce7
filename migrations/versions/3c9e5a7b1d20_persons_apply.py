"""个人申报: 所属单位 requests (person_membership), the unit's 职能部门 sign-off steps and their
answers, 单位意见 on the material, 名称/说明 of attachments, and the material states 待提交,
单位审核中, 退回个人 (the CHECK constraints of material.state and review_record.state_after list
the full set)

Revision ID: 3c9e5a7b1d20
Revises: 81f59144f098
Create Date: 2026-12-06 05:14:45.490624

"""
import sqlalchemy as sa
from alembic import op


revision = '3c9e5a7b1d20'
down_revision = '81f59144f098'
branch_labels = None
depends_on = None

OLD = "'draft', 'in_review', 'returned', 'approved', 'in_board', 'board_passed', 'board_failed'"
NEW = OLD + ", 'p_draft', 'unit_review', 'p_returned'"


def _states(values: str) -> None:
    for table, column in (('material', 'state'), ('review_record', 'state_after')):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(batch_op.f(f'ck_{table}_{column}'), type_='check')
            batch_op.create_check_constraint(batch_op.f(f'ck_{table}_{column}'), f"{column} IN ({values})")


def upgrade():
    _states(NEW)
    op.create_table('person_membership',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('state', sa.String(length=12), nullable=False),
    sa.Column('name', sa.String(length=50), nullable=False),
    sa.Column('id_number', sa.String(length=32), nullable=False),
    sa.Column('requested_at', sa.DateTime(), nullable=False),
    sa.Column('decided_at', sa.DateTime(), nullable=True),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('reason', sa.String(length=300), nullable=False),
    sa.Column('ended_at', sa.DateTime(), nullable=True),
    sa.CheckConstraint("state IN ('pending', 'confirmed', 'declined', 'withdrawn', 'left')", name=op.f('ck_person_membership_state')),
    sa.ForeignKeyConstraint(['decided_by_id'], ['user_account.id'], name=op.f('fk_person_membership_decided_by_id_user_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], name=op.f('fk_person_membership_unit_id_unit')),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_person_membership_user_id_user_account'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_person_membership'))
    )
    with op.batch_alter_table('person_membership', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_person_membership_id_number'), ['id_number'], unique=False)
        batch_op.create_index(batch_op.f('ix_person_membership_state'), ['state'], unique=False)
        batch_op.create_index(batch_op.f('ix_person_membership_unit_id'), ['unit_id'], unique=False)
        batch_op.create_index('ix_person_membership_unit_state', ['unit_id', 'state'], unique=False)
        batch_op.create_index(batch_op.f('ix_person_membership_user_id'), ['user_id'], unique=False)

    op.create_table('unit_signoff_step',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=50), nullable=False),
    sa.Column('office', sa.String(length=50), nullable=False),
    sa.Column('reviewer_id', sa.Integer(), nullable=False),
    sa.Column('enabled', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['reviewer_id'], ['user_account.id'], name=op.f('fk_unit_signoff_step_reviewer_id_user_account')),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], name=op.f('fk_unit_signoff_step_unit_id_unit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_unit_signoff_step')),
    sa.UniqueConstraint('unit_id', 'name', name='uq_unit_signoff_step_name')
    )
    with op.batch_alter_table('unit_signoff_step', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_unit_signoff_step_reviewer_id'), ['reviewer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_unit_signoff_step_unit_id'), ['unit_id'], unique=False)

    op.create_table('material_signoff',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('material_id', sa.Integer(), nullable=False),
    sa.Column('step_id', sa.Integer(), nullable=False),
    sa.Column('result', sa.String(length=12), nullable=False),
    sa.Column('opinion', sa.String(length=500), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("result IN ('agree', 'disagree')", name=op.f('ck_material_signoff_result')),
    sa.ForeignKeyConstraint(['actor_id'], ['user_account.id'], name=op.f('fk_material_signoff_actor_id_user_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['material_id'], ['material.id'], name=op.f('fk_material_signoff_material_id_material'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['step_id'], ['unit_signoff_step.id'], name=op.f('fk_material_signoff_step_id_unit_signoff_step')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_material_signoff')),
    sa.UniqueConstraint('material_id', 'step_id', name='uq_material_signoff_step')
    )
    with op.batch_alter_table('material_signoff', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_material_signoff_material_id'), ['material_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_material_signoff_step_id'), ['step_id'], unique=False)

    with op.batch_alter_table('attachment', schema=None) as batch_op:
        batch_op.add_column(sa.Column('title', sa.String(length=100), server_default='', nullable=False))
        batch_op.add_column(sa.Column('description', sa.String(length=500), server_default='', nullable=False))

    with op.batch_alter_table('material', schema=None) as batch_op:
        batch_op.add_column(sa.Column('unit_opinion', sa.Text(), server_default='', nullable=False))
        batch_op.add_column(sa.Column('unit_opinion_at', sa.DateTime(), nullable=True))


def downgrade():
    with op.batch_alter_table('material', schema=None) as batch_op:
        batch_op.drop_column('unit_opinion_at')
        batch_op.drop_column('unit_opinion')

    with op.batch_alter_table('attachment', schema=None) as batch_op:
        batch_op.drop_column('description')
        batch_op.drop_column('title')

    with op.batch_alter_table('material_signoff', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_material_signoff_step_id'))
        batch_op.drop_index(batch_op.f('ix_material_signoff_material_id'))

    op.drop_table('material_signoff')
    with op.batch_alter_table('unit_signoff_step', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_unit_signoff_step_unit_id'))
        batch_op.drop_index(batch_op.f('ix_unit_signoff_step_reviewer_id'))

    op.drop_table('unit_signoff_step')
    with op.batch_alter_table('person_membership', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_person_membership_user_id'))
        batch_op.drop_index('ix_person_membership_unit_state')
        batch_op.drop_index(batch_op.f('ix_person_membership_unit_id'))
        batch_op.drop_index(batch_op.f('ix_person_membership_state'))
        batch_op.drop_index(batch_op.f('ix_person_membership_id_number'))

    op.drop_table('person_membership')
    # 个人申报 that never reached a department go; the rest keep their place in the chain.
    op.execute("DELETE FROM review_record WHERE material_id IN "
               "(SELECT id FROM material WHERE state IN ('p_draft', 'unit_review', 'p_returned'))")
    op.execute("DELETE FROM material WHERE state IN ('p_draft', 'unit_review', 'p_returned')")
    op.execute("UPDATE review_record SET state_after = 'draft' "
               "WHERE state_after IN ('p_draft', 'unit_review', 'p_returned')")
    _states(OLD)
