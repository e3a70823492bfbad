"""Harvesting: sources, jobs, records (one per remote item) and report objects.

Revision ID: 0002_harvest
Revises: 0001
Create Date: 2026-11-27 15:00:23.690306
"""
from alembic import op
import sqlalchemy as sa


revision = '0002_harvest'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('harvest_sources',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('url', sa.String(length=2000), nullable=False),
    sa.Column('source_type', sa.String(length=30), nullable=False),
    sa.Column('config', sa.JSON(), nullable=False),
    sa.Column('frequency', sa.String(length=20), nullable=False),
    sa.Column('owner_org_id', sa.String(length=36), nullable=False),
    sa.Column('default_access_level', sa.String(length=20), nullable=False),
    sa.Column('default_license_id', sa.String(length=50), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('state', sa.String(length=20), nullable=False),
    sa.Column('creator_user_id', sa.String(length=36), nullable=True),
    sa.Column('created', sa.DateTime(), nullable=False),
    sa.Column('modified', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['creator_user_id'], ['users.id'], name=op.f('fk_harvest_sources_creator_user_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['owner_org_id'], ['organizations.id'], name=op.f('fk_harvest_sources_owner_org_id_organizations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_harvest_sources')),
    sa.UniqueConstraint('name', name=op.f('uq_harvest_sources_name'))
    )
    with op.batch_alter_table('harvest_sources', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_harvest_sources_owner_org_id'), ['owner_org_id'], unique=False)

    op.create_table('harvest_jobs',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('source_id', sa.String(length=36), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('dry_run', sa.Boolean(), nullable=False),
    sa.Column('created', sa.DateTime(), nullable=False),
    sa.Column('requested_by', sa.String(length=36), nullable=True),
    sa.Column('gather_started', sa.DateTime(), nullable=True),
    sa.Column('gather_finished', sa.DateTime(), nullable=True),
    sa.Column('import_started', sa.DateTime(), nullable=True),
    sa.Column('finished', sa.DateTime(), nullable=True),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('failed_stage', sa.String(length=20), nullable=False),
    sa.Column('stats', sa.JSON(), nullable=False),
    sa.Column('log', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['requested_by'], ['users.id'], name=op.f('fk_harvest_jobs_requested_by_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['source_id'], ['harvest_sources.id'], name=op.f('fk_harvest_jobs_source_id_harvest_sources'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_harvest_jobs'))
    )
    with op.batch_alter_table('harvest_jobs', schema=None) as batch_op:
        batch_op.create_index('ix_harvest_jobs_source_created', ['source_id', 'created'], unique=False)
        batch_op.create_index(batch_op.f('ix_harvest_jobs_status'), ['status'], unique=False)

    op.create_table('harvest_objects',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('job_id', sa.String(length=36), nullable=False),
    sa.Column('remote_id', sa.String(length=500), nullable=False),
    sa.Column('dataset_id', sa.String(length=36), nullable=True),
    sa.Column('title', sa.String(length=500), nullable=False),
    sa.Column('report_status', sa.String(length=20), nullable=False),
    sa.Column('stage', sa.String(length=20), nullable=False),
    sa.Column('error', sa.Text(), nullable=False),
    sa.Column('message', sa.Text(), nullable=False),
    sa.Column('content_hash', sa.String(length=64), nullable=False),
    sa.Column('created', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['dataset_id'], ['datasets.id'], name=op.f('fk_harvest_objects_dataset_id_datasets'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['job_id'], ['harvest_jobs.id'], name=op.f('fk_harvest_objects_job_id_harvest_jobs'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_harvest_objects'))
    )
    with op.batch_alter_table('harvest_objects', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_harvest_objects_dataset_id'), ['dataset_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_harvest_objects_job_id'), ['job_id'], unique=False)

    op.create_table('harvest_records',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('source_id', sa.String(length=36), nullable=False),
    sa.Column('remote_id', sa.String(length=500), nullable=False),
    sa.Column('dataset_id', sa.String(length=36), nullable=True),
    sa.Column('state', sa.String(length=20), nullable=False),
    sa.Column('content_hash', sa.String(length=64), nullable=False),
    sa.Column('harvested', sa.JSON(), nullable=False),
    sa.Column('locally_edited', sa.JSON(), nullable=False),
    sa.Column('title', sa.String(length=500), nullable=False),
    sa.Column('remote_url', sa.String(length=2000), nullable=False),
    sa.Column('remote_modified', sa.String(length=40), nullable=False),
    sa.Column('first_harvested', sa.DateTime(), nullable=False),
    sa.Column('last_harvested', sa.DateTime(), nullable=False),
    sa.Column('last_job_id', sa.String(length=36), nullable=True),
    sa.ForeignKeyConstraint(['dataset_id'], ['datasets.id'], name=op.f('fk_harvest_records_dataset_id_datasets'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['last_job_id'], ['harvest_jobs.id'], name=op.f('fk_harvest_records_last_job_id_harvest_jobs'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['source_id'], ['harvest_sources.id'], name=op.f('fk_harvest_records_source_id_harvest_sources'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_harvest_records')),
    sa.UniqueConstraint('source_id', 'remote_id', name=op.f('uq_harvest_records_source_id_remote_id'))
    )
    with op.batch_alter_table('harvest_records', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_harvest_records_dataset_id'), ['dataset_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('harvest_records', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_harvest_records_dataset_id'))

    op.drop_table('harvest_records')
    with op.batch_alter_table('harvest_objects', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_harvest_objects_job_id'))
        batch_op.drop_index(batch_op.f('ix_harvest_objects_dataset_id'))

    op.drop_table('harvest_objects')
    with op.batch_alter_table('harvest_jobs', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_harvest_jobs_status'))
        batch_op.drop_index('ix_harvest_jobs_source_created')

    op.drop_table('harvest_jobs')
    with op.batch_alter_table('harvest_sources', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_harvest_sources_owner_org_id'))

    op.drop_table('harvest_sources')
