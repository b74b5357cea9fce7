"""评审 after 初审: the material states 评审中, 评审通过, 评审未通过; a project may require an exam,
whose scores are imported by 身份证号

Revision ID: b2d4f6a8c0e9
Revises: a8c0e2f4b6d1
Create Date: 2026-12-06 03:50:00

"""
import sqlalchemy as sa
from alembic import op

revision = 'b2d4f6a8c0e9'
down_revision = 'a8c0e2f4b6d1'
branch_labels = None
depends_on = None

OLD = "'draft', 'in_review', 'returned', 'approved'"
NEW = "'draft', 'in_review', 'returned', 'approved', 'in_board', 'board_passed', 'board_failed'"


def _states(values: str) -> None:
    for table, column in (('material', 'state'), ('review_record', 'state_after')):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(batch_op.f(f'ck_{table}_{column}'), type_='check')
            batch_op.create_check_constraint(batch_op.f(f'ck_{table}_{column}'), f"{column} IN ({values})")


def upgrade():
    _states(NEW)
    with op.batch_alter_table('project', schema=None) as batch_op:
        batch_op.add_column(sa.Column('requires_exam', sa.Boolean(), server_default=sa.false(), nullable=False))
    op.create_table(
        'exam_score',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('project_id', sa.Integer(), nullable=False),
        sa.Column('id_card', sa.String(length=18), nullable=False),
        sa.Column('name', sa.String(length=50), nullable=False),
        sa.Column('score', sa.String(length=20), nullable=False),
        sa.Column('passed', sa.Boolean(), nullable=False),
        sa.Column('imported_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['project_id'], ['project.id'], name=op.f('fk_exam_score_project_id_project'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_exam_score')),
        sa.UniqueConstraint('project_id', 'id_card', name=op.f('uq_exam_score_project_id_id_card')),
    )
    with op.batch_alter_table('exam_score', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_exam_score_id_card'), ['id_card'], unique=False)
        batch_op.create_index(batch_op.f('ix_exam_score_project_id'), ['project_id'], unique=False)


def downgrade():
    op.drop_table('exam_score')
    with op.batch_alter_table('project', schema=None) as batch_op:
        batch_op.drop_column('requires_exam')
    op.execute("UPDATE material SET state = 'approved' WHERE state IN ('in_board', 'board_passed', 'board_failed')")
    op.execute("UPDATE review_record SET state_after = 'approved' "
               "WHERE state_after IN ('in_board', 'board_passed', 'board_failed')")
    _states(OLD)
