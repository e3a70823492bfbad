"""The migrations produce exactly the schema the models describe, on both backends."""

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from catalog.models import metadata
from catalog.search.models import is_engine_table


def _models_only(name, type_, _parent_names) -> bool:
    # The SQL search engine creates and drops its own index tables per generation.
    return not (type_ == "table" and is_engine_table(name))


def test_upgrade_head_matches_the_models(database_url):
    # database_url was built by `alembic upgrade head` on an empty database.
    engine = sa.create_engine(database_url)
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True,
                                                               "include_name": _models_only})
        differences = compare_metadata(context, metadata)
    engine.dispose()
    assert differences == []


def test_alembic_has_a_single_head():
    from alembic.script import ScriptDirectory

    from catalog.migrate import alembic_config

    heads = ScriptDirectory.from_config(alembic_config("sqlite://")).get_heads()
    assert len(heads) == 1, heads
