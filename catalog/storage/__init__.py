"""File storage: where originals of uploaded resources live.

The engine is chosen by ``CATALOG_STORAGE_URL``: a folder path (default) gives
:class:`~catalog.storage.local.LocalFileStore`; ``s3://bucket/prefix`` gives the S3 store.
Files written during a transaction are removed if it rolls back, and files replaced or
deleted are removed only once it commits, so a failed change loses nothing.
"""

from __future__ import annotations

from flask import current_app
from sqlalchemy import event
from sqlalchemy.orm import Session

from catalog.storage.interfaces import FileStore, StoredFile  # noqa: F401 - re-exported
from catalog.storage.local import LocalFileStore


def create_file_store(storage_url: str) -> FileStore:
    """The file store for ``storage_url``."""
    if storage_url.startswith("s3://"):
        from catalog.storage.s3 import S3FileStore

        return S3FileStore.from_url(storage_url)
    return LocalFileStore(storage_url.removeprefix("file://"))


def file_store() -> FileStore:
    """The file store of the current app."""
    return current_app.extensions["file_store"]


def init_app(app) -> None:
    app.extensions["file_store"] = create_file_store(app.config["SETTINGS"].storage_url)


def track_new_file(db: Session, store: FileStore, key: str) -> None:
    """Remove ``key`` from ``store`` if the session's transaction rolls back."""
    db.info.setdefault("new_files", []).append((store, key))


def delete_after_commit(db: Session, store: FileStore, key: str) -> None:
    """Remove ``key`` from ``store`` once the session's transaction commits."""
    db.info.setdefault("doomed_files", []).append((store, key))


@event.listens_for(Session, "after_commit")
def _delete_doomed_files(db: Session) -> None:
    if db.in_nested_transaction():
        return  # a SAVEPOINT released: the real commit is still to come
    db.info.pop("new_files", None)
    for store, key in db.info.pop("doomed_files", []):
        store.delete(key)


@event.listens_for(Session, "after_soft_rollback")
def _delete_new_files(db: Session, previous_transaction) -> None:
    if previous_transaction.nested:
        # Rolling back to a SAVEPOINT keeps the rest of the transaction's work and its
        # files; a file stored inside the savepoint stays unreferenced (harmless).
        return
    db.info.pop("doomed_files", None)
    for store, key in db.info.pop("new_files", []):
        store.delete(key)
