"""case-insensitive unique index on usernames

Revision ID: 7c1f2a9d4e10
Revises: 3be87b6c759d
Create Date: 2026-11-28 02:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = '7c1f2a9d4e10'
down_revision = '3be87b6c759d'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index('ux_user_account_username_lower', 'user_account', [sa.text('lower(username)')], unique=True)


def downgrade():
    op.drop_index('ux_user_account_username_lower', table_name='user_account')
