"""Alembic environment: the models of every package share catalog.db.Base.metadata."""

from __future__ import annotations

from alembic import context

from catalog.config import Settings
from catalog.db import make_engine
from catalog.models import metadata
from catalog.search.models import is_engine_table

config = context.config


def include_name(name, type_, _parent_names) -> bool:
    """Tables the search engine manages itself (per index generation) are not models."""
    return not (type_ == "table" and is_engine_table(name))


def run_migrations() -> None:
    # Set by catalog.migrate; the plain `alembic` command falls back to CATALOG_* settings.
    url = config.get_main_option("sqlalchemy.url") or Settings.from_env().database_url
    engine = make_engine(url)
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=metadata,
            # SQLite cannot ALTER most things; batch mode recreates the table instead.
            render_as_batch=connection.dialect.name == "sqlite",
            compare_type=True,
            include_name=include_name,
        )
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


run_migrations()
