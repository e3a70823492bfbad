"""Keeping the index in step with the catalog: the outbox, renames, and rebuilds.

Every change to a dataset writes a :class:`SearchOutbox` row in its own transaction.
:func:`process_outbox` indexes those datasets in a transaction that also deletes the
rows, so an entry disappears only once its dataset is indexed: a process that dies
before (or while) indexing leaves the entry for the next drain. The transaction holds
the datasets it reads (SQLite: the write lock; PostgreSQL: ``FOR SHARE``), so a newer
change cannot be indexed before an older one and then overwritten by it.
"""

from __future__ import annotations

import logging
from typing import Callable

import sqlalchemy as sa
from flask import current_app, has_app_context
from sqlalchemy import event
from sqlalchemy.orm import Session, selectinload

from catalog.datasets.models import Dataset, dataset_groups
from catalog.groups.models import Group
from catalog.organizations.models import Organization
from catalog.search.documents import build_document
from catalog.search.models import SearchOutbox
from catalog.search.vocabulary import add_vocabulary

log = logging.getLogger(__name__)

# Drafts are indexed too; searches list them only to those who may edit them (see
# access_control.policy.Visibility.drafts). Deleted datasets leave the index.
INDEXED_STATES = ("active", "draft")


def _add_public_vocabulary(connection: sa.Connection, documents: list) -> None:
    """The vocabulary learns the words of active datasets only: typo correction and "did
    you mean" serve every caller, and must not tell the words of someone's draft."""
    add_vocabulary(connection, [document for document in documents
                                if document.state == "active"])


@event.listens_for(Session, "after_commit")
def _drain_after_commit(db: Session) -> None:
    if db.in_nested_transaction():
        return  # a SAVEPOINT released: the real commit is still to come
    if db.info.pop("search_stale", False) and has_app_context():
        try:
            process_outbox()
        except Exception:  # the change is committed; its outbox entry waits for a retry
            log.exception("search index update failed; the outbox keeps the entries")


@event.listens_for(Session, "after_soft_rollback")
def _forget_on_rollback(db: Session, previous) -> None:
    if not previous.nested:  # rolling back to a SAVEPOINT keeps the rest of the work
        db.info.pop("search_stale", None)


@event.listens_for(Session, "before_flush")
def _reindex_on_rename(db: Session, _context, _instances) -> None:
    """A renamed organization or category changes the text of all its datasets."""
    for obj in db.dirty:
        if isinstance(obj, Organization) and _changed(obj, "name", "title"):
            datasets = sa.select(Dataset.id).where(Dataset.owner_org_id == obj.id)
        elif isinstance(obj, Group) and _changed(obj, "name", "title"):
            datasets = sa.select(dataset_groups.c.dataset_id).where(dataset_groups.c.group_id == obj.id)
        else:
            continue
        db.connection().execute(
            sa.insert(SearchOutbox).from_select(["dataset_id"], datasets))
        db.info["search_stale"] = True


def _changed(obj, *names: str) -> bool:
    state = sa.inspect(obj)
    return any(state.attrs[name].history.has_changes() for name in names)


def _begin_locked(connection: sa.Connection) -> None:
    """Start a transaction that no other writer can interleave with (SQLite takes the
    write lock now rather than at the first write)."""
    if connection.dialect.name == "sqlite":
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def _documents(connection: sa.Connection, datasets: list[Dataset]) -> list:
    """Search documents of ``datasets``, with their recent use."""
    from catalog.publishing.popularity import recent_counts

    from ingest.services import column_text

    with Session(bind=connection) as db:
        used = recent_counts(db, [dataset.id for dataset in datasets])
        columns = column_text(db, datasets)
    return [build_document(dataset, column_text=columns.get(dataset.id),
                           views_recent=used.get(dataset.id, 0)) for dataset in datasets]


def _load_datasets(connection: sa.Connection, dataset_ids) -> list[Dataset]:
    query = (
        sa.select(Dataset).where(Dataset.id.in_(dataset_ids))
        .options(selectinload(Dataset.resources), selectinload(Dataset.tags),
                 selectinload(Dataset.groups))
    )
    if connection.dialect.name == "postgresql":
        # Lock what the documents are made of before reading it (see the module doc).
        org_ids = connection.scalars(
            sa.select(Dataset.owner_org_id).where(Dataset.id.in_(dataset_ids))
            .with_for_update(read=True)).all()
        connection.execute(sa.select(Organization.id).where(Organization.id.in_(set(org_ids)))
                           .with_for_update(read=True)).all()
    with Session(bind=connection) as db:
        datasets = list(db.scalars(query).unique())
        for dataset in datasets:
            db.expunge(dataset)
    return datasets


def process_outbox(batch_size: int = 200) -> int:
    """Index every dataset named in the outbox; returns how many entries were processed.
    Safe to run concurrently (PostgreSQL workers skip each other's entries) and
    repeatedly (indexing is idempotent)."""
    engine = current_app.extensions["db_engine"]
    index = current_app.extensions["search_index"]
    processed = 0
    while True:
        with engine.connect() as connection:
            _begin_locked(connection)
            query = sa.select(SearchOutbox.id, SearchOutbox.dataset_id).order_by(
                SearchOutbox.id).limit(batch_size)
            if connection.dialect.name == "postgresql":
                query = query.with_for_update(skip_locked=True)
            rows = connection.execute(query).all()
            if not rows:
                connection.rollback()
                return processed
            dataset_ids = {dataset_id for _, dataset_id in rows}
            indexed = [d for d in _load_datasets(connection, dataset_ids)
                       if d.state in INDEXED_STATES]
            documents = _documents(connection, indexed)
            index.index(documents, connection=connection)
            gone = dataset_ids - {dataset.id for dataset in indexed}
            if gone:
                index.delete(gone, connection=connection)
            _add_public_vocabulary(connection, documents)
            connection.execute(sa.delete(SearchOutbox).where(
                SearchOutbox.id.in_([entry_id for entry_id, _ in rows])))
            connection.commit()
            processed += len(rows)


def rebuild(batch_size: int = 500, progress: Callable[[int], None] | None = None) -> int:
    """Build a new index of every active and draft dataset and swap it in; searches
    keep using the old one until the swap. Returns the number of datasets indexed."""
    engine = current_app.extensions["db_engine"]
    index = current_app.extensions["search_index"]
    index.start_rebuild()
    done, last_id = 0, ""
    try:
        while True:
            with engine.connect() as connection:
                _begin_locked(connection)
                ids = list(connection.scalars(
                    sa.select(Dataset.id).where(Dataset.state.in_(INDEXED_STATES),
                                                Dataset.id > last_id)
                    .order_by(Dataset.id).limit(batch_size)))
                if not ids:
                    connection.rollback()
                    break
                documents = _documents(connection, [
                    d for d in _load_datasets(connection, ids) if d.state in INDEXED_STATES])
                index.index_rebuild(documents, connection=connection)
                _add_public_vocabulary(connection, documents)
                connection.commit()
            done += len(documents)
            last_id = ids[-1]
            if progress:
                progress(done)
    except BaseException:
        index.abort_rebuild()
        raise
    index.finish_rebuild()
    process_outbox()  # changes that arrived during the swap
    return done
