"""Ingest: background jobs, DataStore tables and machine-readability reports.

Revision ID: 0005_ingest
Revises: 0004_search
Create Date: 2026-11-27 15:29:35.231955
"""
from alembic import op
import sqlalchemy as sa


revision = '0005_ingest'
down_revision = '0004_search'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('datastore_tables',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('resource_id', sa.String(length=36), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('storage_key', sa.String(length=500), nullable=False),
    sa.Column('row_count', sa.BigInteger(), nullable=False),
    sa.Column('table_schema', sa.JSON(), nullable=False),
    sa.Column('source', sa.String(length=20), nullable=False),
    sa.Column('primary_key', sa.JSON(), nullable=False),
    sa.Column('stats', sa.JSON(), nullable=False),
    sa.Column('diagnostics', sa.JSON(), nullable=False),
    sa.Column('created', sa.DateTime(), nullable=False),
    sa.Column('modified', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['resource_id'], ['resources.id'], name=op.f('fk_datastore_tables_resource_id_resources'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_datastore_tables')),
    sa.UniqueConstraint('resource_id', 'name', name=op.f('uq_datastore_tables_resource_id_name'))
    )
    with op.batch_alter_table('datastore_tables', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_datastore_tables_resource_id'), ['resource_id'], unique=False)

    op.create_table('ingest_reports',
    sa.Column('resource_id', sa.String(length=36), nullable=False),
    sa.Column('source_hash', sa.String(length=100), nullable=False),
    sa.Column('detected_format', sa.String(length=30), nullable=False),
    sa.Column('encoding', sa.String(length=30), nullable=False),
    sa.Column('delimiter', sa.String(length=5), nullable=False),
    sa.Column('refused', sa.Boolean(), nullable=False),
    sa.Column('message', sa.Text(), nullable=False),
    sa.Column('score', sa.Integer(), nullable=False),
    sa.Column('stars', sa.Integer(), nullable=False),
    sa.Column('findings', sa.JSON(), nullable=False),
    sa.Column('created', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['resource_id'], ['resources.id'], name=op.f('fk_ingest_reports_resource_id_resources'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('resource_id', name=op.f('pk_ingest_reports'))
    )
    op.create_table('jobs',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('kind', sa.String(length=200), nullable=False),
    sa.Column('resource_id', sa.String(length=36), nullable=True),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('progress', sa.Integer(), nullable=False),
    sa.Column('params', sa.JSON(), nullable=False),
    sa.Column('result', sa.JSON(), nullable=False),
    sa.Column('log', sa.Text(), nullable=False),
    sa.Column('errors', sa.JSON(), nullable=False),
    sa.Column('timeout_seconds', sa.Integer(), nullable=False),
    sa.Column('created', sa.DateTime(), nullable=False),
    sa.Column('started', sa.DateTime(), nullable=True),
    sa.Column('finished', sa.DateTime(), nullable=True),
    sa.Column('heartbeat', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['resource_id'], ['resources.id'], name=op.f('fk_jobs_resource_id_resources'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_jobs'))
    )
    with op.batch_alter_table('jobs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_jobs_created'), ['created'], unique=False)
        batch_op.create_index(batch_op.f('ix_jobs_resource_id'), ['resource_id'], unique=False)
        batch_op.create_index('ix_jobs_status_heartbeat', ['status', 'heartbeat'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('jobs', schema=None) as batch_op:
        batch_op.drop_index('ix_jobs_status_heartbeat')
        batch_op.drop_index(batch_op.f('ix_jobs_resource_id'))
        batch_op.drop_index(batch_op.f('ix_jobs_created'))

    op.drop_table('jobs')
    op.drop_table('ingest_reports')
    with op.batch_alter_table('datastore_tables', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_datastore_tables_resource_id'))

    op.drop_table('datastore_tables')
