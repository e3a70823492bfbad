"""Dataset search.

The engine is chosen by ``CATALOG_SEARCH_URL``: empty selects ``SqlSearchIndex`` in the
catalog database, ``http(s)://...`` the Elasticsearch index. Changes reach the index
through an outbox written in the changing transaction (:func:`mark_stale`) and drained
right after it commits (:func:`process_outbox`).
"""

from __future__ import annotations

import logging

import sqlalchemy as sa
from flask import Flask, current_app, has_app_context
from sqlalchemy import event
from sqlalchemy.orm import Session, selectinload

from catalog.datasets.models import Dataset
from catalog.search.documents import build_document
from catalog.search.interfaces import SearchIndex
from catalog.search.models import SearchOutbox
from catalog.search.sql import SqlSearchIndex

log = logging.getLogger(__name__)


def create_search_index(search_url: str, engine: sa.Engine) -> SearchIndex:
    if search_url.startswith(("http://", "https://")):
        from catalog.search.elasticsearch import ElasticsearchIndex

        return ElasticsearchIndex(search_url)
    return SqlSearchIndex(engine)


def init_app(app: Flask) -> None:
    app.extensions["search_index"] = create_search_index(
        app.config["SETTINGS"].search_url, app.extensions["db_engine"]
    )


def search_index() -> SearchIndex:
    return current_app.extensions["search_index"]


def mark_stale(db: Session, dataset_id: str) -> None:
    """Queue ``dataset_id`` for re-indexing once the current transaction commits."""
    db.add(SearchOutbox(dataset_id=dataset_id))
    db.info["search_stale"] = True


@event.listens_for(Session, "after_commit")
def _drain_after_commit(db: Session) -> None:
    if db.in_nested_transaction():
        return  # a SAVEPOINT released: the real commit is still to come
    if db.info.pop("search_stale", False) and has_app_context():
        process_outbox()


@event.listens_for(Session, "after_soft_rollback")
def _forget_on_rollback(db: Session, previous) -> None:
    if not previous.nested:  # rolling back to a SAVEPOINT keeps the rest of the work
        db.info.pop("search_stale", None)


def process_outbox(batch_size: int = 500) -> int:
    """Index every dataset named in the outbox; returns how many entries were processed.
    Safe to run concurrently and repeatedly: indexing is idempotent."""
    maker = current_app.extensions["db_sessionmaker"]
    index = search_index()
    processed = 0
    while True:
        with maker() as db:
            rows = db.execute(
                sa.select(SearchOutbox.id, SearchOutbox.dataset_id)
                .order_by(SearchOutbox.id)
                .limit(batch_size)
            ).all()
            if not rows:
                return processed
            dataset_ids = {dataset_id for _, dataset_id in rows}
            datasets = db.scalars(
                sa.select(Dataset)
                .where(Dataset.id.in_(dataset_ids))
                .options(
                    selectinload(Dataset.resources),
                    selectinload(Dataset.tags),
                    selectinload(Dataset.groups),
                )
            ).all()
            active = [dataset for dataset in datasets if dataset.state == "active"]
            index.index([build_document(dataset) for dataset in active])
            gone = dataset_ids - {dataset.id for dataset in active}
            if gone:
                index.delete(gone)
            db.execute(sa.delete(SearchOutbox).where(SearchOutbox.id <= rows[-1][0],
                                                     SearchOutbox.dataset_id.in_(dataset_ids)))
            db.commit()
            processed += len(rows)
