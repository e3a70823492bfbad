"""File storage: where originals of uploaded resources live.

The engine is chosen by ``CATALOG_STORAGE_URL``: a folder path (default) gives
:class:`~catalog.storage.local.LocalFileStore`; ``s3://bucket/prefix`` gives :class:`~catalog.storage.s3.S3FileStore` (on
``CATALOG_S3_ENDPOINT_URL`` for MinIO and other S3-compatible servers).
Files written during a transaction are removed if it rolls back, and files replaced or
deleted are removed only once it commits, so a failed change loses nothing.
"""

from __future__ import annotations

from flask import current_app
from sqlalchemy import event
from sqlalchemy.orm import Session

from catalog.storage.interfaces import FileStore, StoredFile  # noqa: F401 - re-exported
from catalog.storage.local import LocalFileStore


def create_file_store(storage_url: str, s3_endpoint_url: str = "") -> FileStore:
    """The file store for ``storage_url`` (``s3_endpoint_url``: an S3-compatible server)."""
    if storage_url.startswith("s3://"):
        from catalog.storage.s3 import S3FileStore

        return S3FileStore.from_url(storage_url, s3_endpoint_url)
    return LocalFileStore(storage_url.removeprefix("file://"))


def human_size(size: int) -> str:
    """``2147483648`` -> ``2 GB``: for messages about limits."""
    for unit, factor in (("GB", 1024**3), ("MB", 1024**2), ("KB", 1024)):
        if size >= factor:
            return f"{size / factor:.3g} {unit}"
    return f"{size} B"


class FileTooLarge(Exception):
    """Raised while reading a stream that goes past its size limit."""

    def __init__(self, limit: int):
        super().__init__(limit)
        self.limit = limit


class SizeLimitedStream:
    """Wraps a readable stream; reading past ``limit`` bytes raises :class:`FileTooLarge`,
    so an oversized upload stops while streaming instead of filling the store."""

    def __init__(self, stream, limit: int):
        self.stream, self.limit, self.read_so_far = stream, limit, 0

    def read(self, size: int = -1) -> bytes:
        chunk = self.stream.read(size)
        self.read_so_far += len(chunk)
        if self.read_so_far > self.limit:
            raise FileTooLarge(self.limit)
        return chunk


def file_store() -> FileStore:
    """The file store of the current app."""
    return current_app.extensions["file_store"]


def init_app(app) -> None:
    settings = app.config["SETTINGS"]
    app.extensions["file_store"] = create_file_store(settings.storage_url, settings.s3_endpoint_url)


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
