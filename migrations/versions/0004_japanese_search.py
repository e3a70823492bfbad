"""Japanese search: synonyms, vocabulary, index generations; the SQL engine's index
tables move to engine-managed generations (search_index_g<N>_*).

Revision ID: 0004_search
Revises: 0003_access_control
"""
from alembic import op
import sqlalchemy as sa


revision = '0004_search'
down_revision = '0003_access_control'
branch_labels = None
depends_on = None

# The default list lives with the code that applies it.
from catalog.search.synonyms import DEFAULT_SYNONYMS as SEED_SYNONYMS  # noqa: E402


def upgrade() -> None:
    op.drop_table('search_documents')
    op.create_table('search_synonyms',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('terms', sa.JSON(), nullable=False),
    sa.Column('created', sa.DateTime(), nullable=False),
    sa.Column('modified', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_search_synonyms'))
    )
    op.create_table('search_terms',
    sa.Column('term', sa.String(length=200), nullable=False),
    sa.PrimaryKeyConstraint('term', name=op.f('pk_search_terms'))
    )
    op.create_table('search_generations',
    sa.Column('engine', sa.String(length=30), nullable=False),
    sa.Column('active', sa.Integer(), nullable=False),
    sa.Column('building', sa.Integer(), nullable=True),
    sa.Column('modified', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('engine', name=op.f('pk_search_generations'))
    )
    synonyms = sa.table('search_synonyms', sa.column('terms', sa.JSON),
                        sa.column('created', sa.DateTime), sa.column('modified', sa.DateTime))
    now = sa.func.now() if op.get_bind().dialect.name == 'postgresql' else sa.text('CURRENT_TIMESTAMP')
    for terms in SEED_SYNONYMS:
        op.execute(synonyms.insert().values(terms=terms, created=now, modified=now))
    # Every dataset must be indexed into the new tables.
    op.execute("INSERT INTO search_outbox (dataset_id, created) SELECT id, modified FROM datasets")


def downgrade() -> None:
    op.drop_table('search_generations')
    op.drop_table('search_terms')
    op.drop_table('search_synonyms')
    op.create_table('search_documents',
    sa.Column('dataset_id', sa.String(length=36), nullable=False),
    sa.Column('title', sa.Text(), nullable=False),
    sa.Column('content', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['dataset_id'], ['datasets.id'], name=op.f('fk_search_documents_dataset_id_datasets'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('dataset_id', name=op.f('pk_search_documents'))
    )
