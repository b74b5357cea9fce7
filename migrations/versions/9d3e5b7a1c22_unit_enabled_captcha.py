"""units can be disabled as a whole; server-side captcha answers

Revision ID: 9d3e5b7a1c22
Revises: 7c1f2a9d4e10
Create Date: 2026-11-28 02:20:00

"""
from alembic import op
import sqlalchemy as sa


revision = '9d3e5b7a1c22'
down_revision = '7c1f2a9d4e10'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('unit', schema=None) as batch_op:
        batch_op.add_column(sa.Column('enabled', sa.Boolean(), server_default=sa.true(), nullable=False))
    op.create_table(
        'captcha_challenge',
        sa.Column('id', sa.String(length=32), nullable=False),
        sa.Column('answer', sa.String(length=8), nullable=False),
        sa.Column('created_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_captcha_challenge')),
    )
    with op.batch_alter_table('captcha_challenge', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_captcha_challenge_created_at'), ['created_at'], unique=False)


def downgrade():
    with op.batch_alter_table('captcha_challenge', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_captcha_challenge_created_at'))
    op.drop_table('captcha_challenge')
    with op.batch_alter_table('unit', schema=None) as batch_op:
        batch_op.drop_column('enabled')
