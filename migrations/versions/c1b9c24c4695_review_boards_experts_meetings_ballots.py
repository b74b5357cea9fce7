"""评审: 评委会 and 学科组, the 专家库, meetings with their drawn members and materials, conflicts,
secret ballots with their receipts, and the fixed results

Expert accounts are user_account rows of kind 'expert' (no new column). The CHECK constraints
hold the values as of this revision (zhicheng.boards.states); a later change needs its own migration.

Revision ID: c1b9c24c4695
Revises: e7a1c3b5d9f2
Create Date: 2026-12-06 02:37:21

"""
from alembic import op
import sqlalchemy as sa


revision = 'c1b9c24c4695'
down_revision = 'e7a1c3b5d9f2'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('review_board',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('department_id', sa.Integer(), nullable=False),
    sa.Column('level', sa.String(length=8), nullable=False),
    sa.Column('series', sa.String(length=100), nullable=False),
    sa.Column('scope', sa.Text(), nullable=False),
    sa.Column('majors', sa.Text(), nullable=False),
    sa.Column('min_members', sa.Integer(), nullable=False),
    sa.Column('quorum_num', sa.Integer(), nullable=False),
    sa.Column('quorum_den', sa.Integer(), nullable=False),
    sa.Column('pass_num', sa.Integer(), nullable=False),
    sa.Column('pass_den', sa.Integer(), nullable=False),
    sa.Column('enabled', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.CheckConstraint("level IN ('middle', 'senior')", name=op.f('ck_review_board_level')),
    sa.CheckConstraint('min_members > 0 AND min_members % 2 = 1', name=op.f('ck_review_board_min_members_odd')),
    sa.CheckConstraint('pass_num > 0 AND pass_num <= pass_den', name=op.f('ck_review_board_pass')),
    sa.CheckConstraint('quorum_num > 0 AND quorum_num <= quorum_den', name=op.f('ck_review_board_quorum')),
    sa.ForeignKeyConstraint(['department_id'], ['department.id'], name=op.f('fk_review_board_department_id_department')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_review_board')),
    sa.UniqueConstraint('name', name=op.f('uq_review_board_name'))
    )
    with op.batch_alter_table('review_board', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_review_board_department_id'), ['department_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_review_board_enabled'), ['enabled'], unique=False)
        batch_op.create_index(batch_op.f('ix_review_board_level'), ['level'], unique=False)
        batch_op.create_index(batch_op.f('ix_review_board_series'), ['series'], unique=False)

    op.create_table('review_meeting',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('board_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('review_start', sa.DateTime(), nullable=False),
    sa.Column('review_end', sa.DateTime(), nullable=False),
    sa.Column('meeting_date', sa.Date(), nullable=False),
    sa.Column('state', sa.String(length=12), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('closed_at', sa.DateTime(), nullable=True),
    sa.CheckConstraint("state IN ('preparing', 'drawn', 'reviewing', 'voting', 'closed')", name=op.f('ck_review_meeting_state')),
    sa.CheckConstraint('review_end > review_start', name=op.f('ck_review_meeting_review_window')),
    sa.ForeignKeyConstraint(['board_id'], ['review_board.id'], name=op.f('fk_review_meeting_board_id_review_board')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_review_meeting'))
    )
    with op.batch_alter_table('review_meeting', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_review_meeting_board_id'), ['board_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_review_meeting_meeting_date'), ['meeting_date'], unique=False)
        batch_op.create_index(batch_op.f('ix_review_meeting_state'), ['state'], unique=False)

    op.create_table('subject_group',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('board_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.ForeignKeyConstraint(['board_id'], ['review_board.id'], name=op.f('fk_subject_group_board_id_review_board')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_subject_group')),
    sa.UniqueConstraint('board_id', 'name', name=op.f('uq_subject_group_board_id_name'))
    )
    with op.batch_alter_table('subject_group', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_subject_group_board_id'), ['board_id'], unique=False)

    op.create_table('draw_record',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('seed', sa.String(length=24), nullable=False),
    sa.Column('detail', sa.Text(), nullable=False),
    sa.Column('drawn_at', sa.DateTime(), nullable=False),
    sa.Column('drawn_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['drawn_by_id'], ['user_account.id'], name=op.f('fk_draw_record_drawn_by_id_user_account')),
    sa.ForeignKeyConstraint(['meeting_id'], ['review_meeting.id'], name=op.f('fk_draw_record_meeting_id_review_meeting')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_draw_record')),
    sa.UniqueConstraint('meeting_id', name=op.f('uq_draw_record_meeting_id'))
    )
    with op.batch_alter_table('draw_record', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_draw_record_drawn_by_id'), ['drawn_by_id'], unique=False)

    op.create_table('expert',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('department_id', sa.Integer(), nullable=False),
    sa.Column('major', sa.String(length=100), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=True),
    sa.Column('unit_name', sa.String(length=200), nullable=False),
    sa.Column('title', sa.String(length=100), nullable=False),
    sa.Column('phone', sa.String(length=20), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.ForeignKeyConstraint(['department_id'], ['department.id'], name=op.f('fk_expert_department_id_department')),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], name=op.f('fk_expert_unit_id_unit')),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_expert_user_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_expert')),
    sa.UniqueConstraint('user_id', name=op.f('uq_expert_user_id'))
    )
    with op.batch_alter_table('expert', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_expert_active'), ['active'], unique=False)
        batch_op.create_index(batch_op.f('ix_expert_department_id'), ['department_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_expert_major'), ['major'], unique=False)
        batch_op.create_index('ix_expert_pool', ['department_id', 'major', 'active'], unique=False)
        batch_op.create_index(batch_op.f('ix_expert_unit_id'), ['unit_id'], unique=False)

    op.create_table('subject_group_major',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('group_id', sa.Integer(), nullable=False),
    sa.Column('major', sa.String(length=100), nullable=False),
    sa.ForeignKeyConstraint(['group_id'], ['subject_group.id'], name=op.f('fk_subject_group_major_group_id_subject_group'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_subject_group_major')),
    sa.UniqueConstraint('group_id', 'major', name=op.f('uq_subject_group_major_group_id_major'))
    )
    with op.batch_alter_table('subject_group_major', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_subject_group_major_group_id'), ['group_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_subject_group_major_major'), ['major'], unique=False)

    op.create_table('meeting_member',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('expert_id', sa.Integer(), nullable=False),
    sa.Column('group_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.String(length=8), nullable=False),
    sa.Column('present', sa.Boolean(), nullable=True),
    sa.CheckConstraint("role IN ('leader', 'member')", name=op.f('ck_meeting_member_role')),
    sa.ForeignKeyConstraint(['expert_id'], ['expert.id'], name=op.f('fk_meeting_member_expert_id_expert')),
    sa.ForeignKeyConstraint(['group_id'], ['subject_group.id'], name=op.f('fk_meeting_member_group_id_subject_group')),
    sa.ForeignKeyConstraint(['meeting_id'], ['review_meeting.id'], name=op.f('fk_meeting_member_meeting_id_review_meeting')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_meeting_member')),
    sa.UniqueConstraint('meeting_id', 'expert_id', name=op.f('uq_meeting_member_meeting_id_expert_id'))
    )
    with op.batch_alter_table('meeting_member', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_meeting_member_expert_id'), ['expert_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_meeting_member_group_id'), ['group_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_meeting_member_meeting_id'), ['meeting_id'], unique=False)

    op.create_table('meeting_material',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('material_id', sa.Integer(), nullable=False),
    sa.Column('group_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['group_id'], ['subject_group.id'], name=op.f('fk_meeting_material_group_id_subject_group')),
    sa.ForeignKeyConstraint(['material_id'], ['material.id'], name=op.f('fk_meeting_material_material_id_material')),
    sa.ForeignKeyConstraint(['meeting_id'], ['review_meeting.id'], name=op.f('fk_meeting_material_meeting_id_review_meeting')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_meeting_material')),
    sa.UniqueConstraint('meeting_id', 'material_id', name=op.f('uq_meeting_material_meeting_id_material_id'))
    )
    with op.batch_alter_table('meeting_material', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_meeting_material_group_id'), ['group_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_meeting_material_material_id'), ['material_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_meeting_material_meeting_id'), ['meeting_id'], unique=False)

    op.create_table('ballot',
    sa.Column('id', sa.String(length=32), nullable=False),
    sa.Column('meeting_material_id', sa.Integer(), nullable=False),
    sa.Column('choice', sa.String(length=8), nullable=False),
    sa.CheckConstraint("choice IN ('approve', 'reject', 'abstain')", name=op.f('ck_ballot_choice')),
    sa.ForeignKeyConstraint(['meeting_material_id'], ['meeting_material.id'], name=op.f('fk_ballot_meeting_material_id_meeting_material')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ballot'))
    )
    with op.batch_alter_table('ballot', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ballot_meeting_material_id'), ['meeting_material_id'], unique=False)

    op.create_table('ballot_receipt',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('meeting_material_id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['meeting_material_id'], ['meeting_material.id'], name=op.f('fk_ballot_receipt_meeting_material_id_meeting_material')),
    sa.ForeignKeyConstraint(['member_id'], ['meeting_member.id'], name=op.f('fk_ballot_receipt_member_id_meeting_member')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ballot_receipt')),
    sa.UniqueConstraint('meeting_material_id', 'member_id', name=op.f('uq_ballot_receipt_meeting_material_id_member_id'))
    )
    with op.batch_alter_table('ballot_receipt', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ballot_receipt_meeting_material_id'), ['meeting_material_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_ballot_receipt_member_id'), ['member_id'], unique=False)

    op.create_table('conflict_declaration',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('meeting_material_id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('declared_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['meeting_material_id'], ['meeting_material.id'], name=op.f('fk_conflict_declaration_meeting_material_id_meeting_material')),
    sa.ForeignKeyConstraint(['member_id'], ['meeting_member.id'], name=op.f('fk_conflict_declaration_member_id_meeting_member')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_conflict_declaration')),
    sa.UniqueConstraint('meeting_material_id', 'member_id', name=op.f('uq_conflict_declaration_meeting_material_id_member_id'))
    )
    with op.batch_alter_table('conflict_declaration', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_conflict_declaration_meeting_material_id'), ['meeting_material_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_conflict_declaration_member_id'), ['member_id'], unique=False)

    op.create_table('meeting_result',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('meeting_material_id', sa.Integer(), nullable=False),
    sa.Column('approve', sa.Integer(), nullable=False),
    sa.Column('reject', sa.Integer(), nullable=False),
    sa.Column('abstain', sa.Integer(), nullable=False),
    sa.Column('present', sa.Integer(), nullable=False),
    sa.Column('passed', sa.Boolean(), nullable=False),
    sa.Column('fixed_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['meeting_material_id'], ['meeting_material.id'], name=op.f('fk_meeting_result_meeting_material_id_meeting_material')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_meeting_result')),
    sa.UniqueConstraint('meeting_material_id', name=op.f('uq_meeting_result_meeting_material_id'))
    )
    with op.batch_alter_table('meeting_result', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_meeting_result_passed'), ['passed'], unique=False)



def downgrade():
    with op.batch_alter_table('meeting_result', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_meeting_result_passed'))

    op.drop_table('meeting_result')
    with op.batch_alter_table('conflict_declaration', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_conflict_declaration_member_id'))
        batch_op.drop_index(batch_op.f('ix_conflict_declaration_meeting_material_id'))

    op.drop_table('conflict_declaration')
    with op.batch_alter_table('ballot_receipt', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_ballot_receipt_member_id'))
        batch_op.drop_index(batch_op.f('ix_ballot_receipt_meeting_material_id'))

    op.drop_table('ballot_receipt')
    with op.batch_alter_table('ballot', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_ballot_meeting_material_id'))

    op.drop_table('ballot')
    with op.batch_alter_table('meeting_material', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_meeting_material_meeting_id'))
        batch_op.drop_index(batch_op.f('ix_meeting_material_material_id'))
        batch_op.drop_index(batch_op.f('ix_meeting_material_group_id'))

    op.drop_table('meeting_material')
    with op.batch_alter_table('meeting_member', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_meeting_member_meeting_id'))
        batch_op.drop_index(batch_op.f('ix_meeting_member_group_id'))
        batch_op.drop_index(batch_op.f('ix_meeting_member_expert_id'))

    op.drop_table('meeting_member')
    with op.batch_alter_table('subject_group_major', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_subject_group_major_major'))
        batch_op.drop_index(batch_op.f('ix_subject_group_major_group_id'))

    op.drop_table('subject_group_major')
    with op.batch_alter_table('expert', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_expert_unit_id'))
        batch_op.drop_index('ix_expert_pool')
        batch_op.drop_index(batch_op.f('ix_expert_major'))
        batch_op.drop_index(batch_op.f('ix_expert_department_id'))
        batch_op.drop_index(batch_op.f('ix_expert_active'))

    op.drop_table('expert')
    with op.batch_alter_table('draw_record', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_draw_record_drawn_by_id'))

    op.drop_table('draw_record')
    with op.batch_alter_table('subject_group', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_subject_group_board_id'))

    op.drop_table('subject_group')
    with op.batch_alter_table('review_meeting', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_review_meeting_state'))
        batch_op.drop_index(batch_op.f('ix_review_meeting_meeting_date'))
        batch_op.drop_index(batch_op.f('ix_review_meeting_board_id'))

    op.drop_table('review_meeting')
    with op.batch_alter_table('review_board', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_review_board_series'))
        batch_op.drop_index(batch_op.f('ix_review_board_level'))
        batch_op.drop_index(batch_op.f('ix_review_board_enabled'))
        batch_op.drop_index(batch_op.f('ix_review_board_department_id'))

    op.drop_table('review_board')
