"""Checks that help reviewers: the 可申报资格表 (eligibility_rule), the root office's resolutions of
duplicate applications (duplicate_resolution), the material's snapshot at each 退回
(return_snapshot); a material's 现有资格, 取得现有资格时间 and 破格申报 with its reason

Revision ID: 111b5bb54ba8
Revises: a8c4e2f6b1d3
Create Date: 2026-12-06 08:36:43.631135

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '111b5bb54ba8'
down_revision = "a8c4e2f6b1d3"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('eligibility_rule',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('qualification', sa.String(length=100), nullable=False),
    sa.Column('education', sa.String(length=50), nullable=False),
    sa.Column('current_qualification', sa.String(length=100), nullable=False),
    sa.Column('min_years', sa.Integer(), nullable=False),
    sa.Column('note', sa.String(length=200), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.CheckConstraint('min_years >= 0 AND min_years <= 60', name=op.f('ck_eligibility_rule_min_years')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_eligibility_rule')),
    sa.UniqueConstraint('qualification', 'education', 'current_qualification', name=op.f('uq_eligibility_rule_qualification_education_current_qualification'))
    )
    with op.batch_alter_table('eligibility_rule', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_eligibility_rule_active'), ['active'], unique=False)
        batch_op.create_index(batch_op.f('ix_eligibility_rule_qualification'), ['qualification'], unique=False)

    op.create_table('duplicate_resolution',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('material_id', sa.Integer(), nullable=False),
    sa.Column('other_id', sa.Integer(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('actor_name', sa.String(length=64), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.CheckConstraint('material_id < other_id', name=op.f('ck_duplicate_resolution_ordered')),
    sa.ForeignKeyConstraint(['actor_id'], ['user_account.id'], name=op.f('fk_duplicate_resolution_actor_id_user_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['material_id'], ['material.id'], name=op.f('fk_duplicate_resolution_material_id_material'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['other_id'], ['material.id'], name=op.f('fk_duplicate_resolution_other_id_material'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_duplicate_resolution')),
    sa.UniqueConstraint('material_id', 'other_id', name=op.f('uq_duplicate_resolution_material_id_other_id'))
    )
    with op.batch_alter_table('duplicate_resolution', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_duplicate_resolution_material_id'), ['material_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_duplicate_resolution_other_id'), ['other_id'], unique=False)

    op.create_table('return_snapshot',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('material_id', sa.Integer(), nullable=False),
    sa.Column('record_id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('data', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['material_id'], ['material.id'], name=op.f('fk_return_snapshot_material_id_material'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['record_id'], ['review_record.id'], name=op.f('fk_return_snapshot_record_id_review_record')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_return_snapshot')),
    sa.UniqueConstraint('record_id', name=op.f('uq_return_snapshot_record_id'))
    )
    with op.batch_alter_table('return_snapshot', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_return_snapshot_material_id'), ['material_id'], unique=False)

    with op.batch_alter_table('material', schema=None) as batch_op:
        batch_op.add_column(sa.Column('current_qualification', sa.String(length=100), server_default='', nullable=False))
        batch_op.add_column(sa.Column('current_qualification_date', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('exceptional', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column('exception_reason', sa.Text(), server_default='', nullable=False))



def downgrade():
    with op.batch_alter_table('material', schema=None) as batch_op:
        batch_op.drop_column('exception_reason')
        batch_op.drop_column('exceptional')
        batch_op.drop_column('current_qualification_date')
        batch_op.drop_column('current_qualification')

    with op.batch_alter_table('return_snapshot', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_return_snapshot_material_id'))

    op.drop_table('return_snapshot')
    with op.batch_alter_table('duplicate_resolution', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_duplicate_resolution_other_id'))
        batch_op.drop_index(batch_op.f('ix_duplicate_resolution_material_id'))

    op.drop_table('duplicate_resolution')
    with op.batch_alter_table('eligibility_rule', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_eligibility_rule_qualification'))
        batch_op.drop_index(batch_op.f('ix_eligibility_rule_active'))

    op.drop_table('eligibility_rule')
