"""学科组评议: each member's 评议意见 and grade per material, and the group's opinion submitted by its 组长

Revision ID: 8e41b7c2d9a5
Revises: 60a3f21a6861
Create Date: 2026-12-06 05:30:00

"""
from alembic import op
import sqlalchemy as sa


revision = '8e41b7c2d9a5'
down_revision = '60a3f21a6861'
branch_labels = None
depends_on = None

GRADES = "grade IN ('excellent', 'good', 'pass', 'fail')"


def upgrade():
    op.create_table('member_opinion',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('meeting_material_id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('grade', sa.String(length=12), nullable=False),
    sa.Column('opinion', sa.Text(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint(GRADES, name=op.f('ck_member_opinion_grade')),
    sa.ForeignKeyConstraint(['meeting_material_id'], ['meeting_material.id'], name=op.f('fk_member_opinion_meeting_material_id_meeting_material')),
    sa.ForeignKeyConstraint(['member_id'], ['meeting_member.id'], name=op.f('fk_member_opinion_member_id_meeting_member')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_member_opinion')),
    sa.UniqueConstraint('meeting_material_id', 'member_id', name=op.f('uq_member_opinion_meeting_material_id_member_id'))
    )
    with op.batch_alter_table('member_opinion', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_member_opinion_meeting_material_id'), ['meeting_material_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_member_opinion_member_id'), ['member_id'], unique=False)

    op.create_table('group_opinion',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('meeting_material_id', sa.Integer(), nullable=False),
    sa.Column('grade', sa.String(length=12), nullable=False),
    sa.Column('opinion', sa.Text(), nullable=False),
    sa.Column('missing_reason', sa.Text(), nullable=False),
    sa.Column('submitted_by_id', sa.Integer(), nullable=False),
    sa.Column('submitted_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint(GRADES, name=op.f('ck_group_opinion_grade')),
    sa.ForeignKeyConstraint(['meeting_material_id'], ['meeting_material.id'], name=op.f('fk_group_opinion_meeting_material_id_meeting_material')),
    sa.ForeignKeyConstraint(['submitted_by_id'], ['meeting_member.id'], name=op.f('fk_group_opinion_submitted_by_id_meeting_member')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_group_opinion')),
    sa.UniqueConstraint('meeting_material_id', name=op.f('uq_group_opinion_meeting_material_id'))
    )
    with op.batch_alter_table('group_opinion', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_group_opinion_submitted_by_id'), ['submitted_by_id'], unique=False)


def downgrade():
    with op.batch_alter_table('group_opinion', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_group_opinion_submitted_by_id'))
    op.drop_table('group_opinion')
    with op.batch_alter_table('member_opinion', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_member_opinion_member_id'))
        batch_op.drop_index(batch_op.f('ix_member_opinion_meeting_material_id'))
    op.drop_table('member_opinion')
