"""The search index's layout changed: no schema change, a rebuild.

Revision ID: 0006_search_entries
Revises: 0005_ingest

On SQLite the SQL engine's tables moved from ``_fts``/``_docs`` to ``entries``/``text``
(created by the engine itself, see :mod:`catalog.search.sql_stores`), and every engine's
documents gained per-level format fields (Elasticsearch's mapping is strict). Neither is
an Alembic table; this revision marks the change so that ``catalog init``, which rebuilds
the search index after any upgrade of an existing database, does so.
"""

revision = "0006_search_entries"
down_revision = "0005_ingest"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
