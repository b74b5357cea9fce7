"""评审 projects: the 评委会 a project is for, its 真实性承诺, the 评审通知's attachments and each
applicant's agreement to the commitment

Revision ID: a8c0e2f4b6d1
Revises: f4b6d8a0c2e3
Create Date: 2026-12-06 03:40:00

"""
import sqlalchemy as sa
from alembic import op

revision = 'a8c0e2f4b6d1'
down_revision = 'f4b6d8a0c2e3'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('project', schema=None) as batch_op:
        batch_op.add_column(sa.Column('board_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('commitment', sa.Text(), server_default='', nullable=False))
        batch_op.create_index(batch_op.f('ix_project_board_id'), ['board_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_project_board_id_review_board'), 'review_board',
                                    ['board_id'], ['id'])
    op.create_table(
        'project_attachment',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('project_id', sa.Integer(), nullable=False),
        sa.Column('original_name', sa.String(length=200), nullable=False),
        sa.Column('stored_name', sa.String(length=80), nullable=False),
        sa.Column('mime', sa.String(length=80), nullable=False),
        sa.Column('size', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['project_id'], ['project.id'], name=op.f('fk_project_attachment_project_id_project'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_project_attachment')),
    )
    with op.batch_alter_table('project_attachment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_project_attachment_project_id'), ['project_id'], unique=False)
    op.create_table(
        'commitment_record',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('project_id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('text', sa.Text(), nullable=False),
        sa.Column('agreed_at', sa.DateTime(), nullable=False),
        sa.Column('address', sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(['project_id'], ['project.id'], name=op.f('fk_commitment_record_project_id_project'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['user_id'], ['user_account.id'],
                                name=op.f('fk_commitment_record_user_id_user_account'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_commitment_record')),
        sa.UniqueConstraint('project_id', 'user_id', name=op.f('uq_commitment_record_project_id_user_id')),
    )
    with op.batch_alter_table('commitment_record', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_commitment_record_project_id'), ['project_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_commitment_record_user_id'), ['user_id'], unique=False)


def downgrade():
    op.drop_table('commitment_record')
    op.drop_table('project_attachment')
    with op.batch_alter_table('project', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_project_board_id_review_board'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_project_board_id'))
        batch_op.drop_column('commitment')
        batch_op.drop_column('board_id')
