"""Publishing and use cases: showcases with their tags, linked datasets and the
submission log, and daily view/download counts.

Revision ID: 0002_publishing
Revises: 0002_harvest
Create Date: 2026-11-27 14:55:47.298942
"""
from alembic import op
import sqlalchemy as sa


revision = '0002_publishing'
down_revision = '0002_harvest'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('showcase_submissions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('client_key', sa.String(length=64), nullable=False),
    sa.Column('created', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_showcase_submissions'))
    )
    with op.batch_alter_table('showcase_submissions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_showcase_submissions_client_key'), ['client_key'], unique=False)
        batch_op.create_index(batch_op.f('ix_showcase_submissions_created'), ['created'], unique=False)

    op.create_table('showcases',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('showcase_type', sa.String(length=20), nullable=False),
    sa.Column('url', sa.String(length=1000), nullable=False),
    sa.Column('author', sa.String(length=200), nullable=False),
    sa.Column('author_email', sa.String(length=254), nullable=False),
    sa.Column('image_key', sa.String(length=500), nullable=False),
    sa.Column('image_mimetype', sa.String(length=50), nullable=False),
    sa.Column('featured', sa.Boolean(), nullable=False),
    sa.Column('state', sa.String(length=20), nullable=False),
    sa.Column('moderation_note', sa.Text(), nullable=False),
    sa.Column('creator_user_id', sa.String(length=36), nullable=True),
    sa.Column('created', sa.DateTime(), nullable=False),
    sa.Column('modified', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['creator_user_id'], ['users.id'], name=op.f('fk_showcases_creator_user_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_showcases')),
    sa.UniqueConstraint('name', name=op.f('uq_showcases_name'))
    )
    with op.batch_alter_table('showcases', schema=None) as batch_op:
        batch_op.create_index('ix_showcases_state_created', ['state', 'created'], unique=False)

    op.create_table('dataset_daily_counts',
    sa.Column('dataset_id', sa.String(length=36), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('views', sa.Integer(), nullable=False),
    sa.Column('downloads', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['dataset_id'], ['datasets.id'], name=op.f('fk_dataset_daily_counts_dataset_id_datasets'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('dataset_id', 'day', name=op.f('pk_dataset_daily_counts'))
    )
    with op.batch_alter_table('dataset_daily_counts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_dataset_daily_counts_day'), ['day'], unique=False)

    op.create_table('showcase_datasets',
    sa.Column('showcase_id', sa.String(length=36), nullable=False),
    sa.Column('dataset_id', sa.String(length=36), nullable=False),
    sa.ForeignKeyConstraint(['dataset_id'], ['datasets.id'], name=op.f('fk_showcase_datasets_dataset_id_datasets'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['showcase_id'], ['showcases.id'], name=op.f('fk_showcase_datasets_showcase_id_showcases'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('showcase_id', 'dataset_id', name=op.f('pk_showcase_datasets'))
    )
    with op.batch_alter_table('showcase_datasets', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_showcase_datasets_dataset_id'), ['dataset_id'], unique=False)

    op.create_table('showcase_tags',
    sa.Column('showcase_id', sa.String(length=36), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.ForeignKeyConstraint(['showcase_id'], ['showcases.id'], name=op.f('fk_showcase_tags_showcase_id_showcases'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('showcase_id', 'name', name=op.f('pk_showcase_tags'))
    )
    with op.batch_alter_table('showcase_tags', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_showcase_tags_name'), ['name'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('showcase_tags', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_showcase_tags_name'))

    op.drop_table('showcase_tags')
    with op.batch_alter_table('showcase_datasets', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_showcase_datasets_dataset_id'))

    op.drop_table('showcase_datasets')
    with op.batch_alter_table('dataset_daily_counts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_dataset_daily_counts_day'))

    op.drop_table('dataset_daily_counts')
    with op.batch_alter_table('showcases', schema=None) as batch_op:
        batch_op.drop_index('ix_showcases_state_created')

    op.drop_table('showcases')
    with op.batch_alter_table('showcase_submissions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_showcase_submissions_created'))
        batch_op.drop_index(batch_op.f('ix_showcase_submissions_client_key'))

    op.drop_table('showcase_submissions')
