"""Dataset search.

The engine is chosen by ``CATALOG_SEARCH_URL``: empty selects ``SqlSearchIndex`` in the
catalog database, ``http(s)://...`` the ``ElasticsearchIndex``. Both index the terms of
:mod:`catalog.search.analysis`, so they match the same datasets. Changes reach the index
through an outbox written in the changing transaction (:func:`mark_stale`) and drained
right after it commits (:func:`catalog.search.upkeep.process_outbox`).
"""

from __future__ import annotations

import sqlalchemy as sa
from flask import Flask, current_app
from sqlalchemy.orm import Session

from catalog.search.interfaces import SearchIndex
from catalog.search.models import SearchOutbox
from catalog.search.sql import SqlSearchIndex


def create_search_index(search_url: str, engine: sa.Engine) -> SearchIndex:
    """The engine named by ``search_url`` (empty: SQL in the catalog database)."""
    if search_url.startswith(("http://", "https://")):
        from catalog.search.elasticsearch import ElasticsearchIndex

        return ElasticsearchIndex(search_url)
    return SqlSearchIndex(engine)


def init_app(app: Flask) -> None:
    from catalog.search import upkeep  # noqa: F401 - registers the session hooks

    app.extensions["search_index"] = create_search_index(
        app.config["SETTINGS"].search_url, app.extensions["db_engine"]
    )


def search_index() -> SearchIndex:
    return current_app.extensions["search_index"]


def mark_stale(db: Session, dataset_id: str) -> None:
    """Queue ``dataset_id`` for re-indexing once the current transaction commits."""
    db.add(SearchOutbox(dataset_id=dataset_id))
    db.info["search_stale"] = True


def process_outbox(batch_size: int = 200) -> int:
    """Index every dataset named in the outbox (see :mod:`catalog.search.upkeep`)."""
    from catalog.search.upkeep import process_outbox as process

    return process(batch_size)
