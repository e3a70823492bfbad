"""Ingest and the catalog: when a resource's file changes an ingest job is queued; the
job's results are stored as :class:`~ingest.models.DataTable` rows and Parquet files."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import PurePosixPath

import sqlalchemy as sa
from flask import current_app, has_app_context
from sqlalchemy import event
from sqlalchemy.orm import Session

from catalog.datasets.models import Resource
from catalog.db import new_id, utcnow
from catalog.storage import delete_after_commit, file_store
from ingest.models import DataTable, IngestReport

INGEST_JOB = "ingest.tasks:ingest_resource"
# Declared formats worth reading as tables ("" when unknown: the content decides).
TABULAR_FORMATS = {"", "CSV", "TSV", "TXT", "XLSX", "XLS", "JSON", "GEOJSON", "PARQUET", "XLSM"}
TABULAR_EXTENSIONS = {".csv", ".tsv", ".txt", ".xlsx", ".xls", ".xlsm", ".json", ".geojson",
                      ".parquet", ""}


def wants_ingest(resource: Resource) -> bool:
    """Whether the resource's file (or link) may be a table. A DataStore resource's URL
    is the dump of its own pushed table: never fetched back into it."""
    if resource.url_type == "datastore":
        return False
    if resource.url_type == "upload":
        if not resource.storage_key:
            return False
    elif not resource.url.startswith(("http://", "https://")):
        return False
    if resource.format.upper() in TABULAR_FORMATS:
        return True
    name = resource.extras.get("filename") or PurePosixPath(resource.url.split("?")[0]).name
    return PurePosixPath(name).suffix.lower() in TABULAR_EXTENSIONS and not resource.format


def _source_changed(resource: Resource) -> bool:
    state = sa.inspect(resource)
    if state.pending or state.transient:
        return True
    return any(state.attrs[name].history.has_changes()
               for name in ("storage_key", "hash", "url", "url_type"))


def queue_ingest(db: Session, resource_id: str, *, force: bool = False) -> None:
    """Queue an ingest of the resource once ``db`` commits (once per transaction)."""
    from catalog.jobs import enqueue

    queued = db.info.setdefault("ingest_queued", set())
    if resource_id in queued:
        return
    queued.add(resource_id)
    enqueue(db, INGEST_JOB, resource_id=resource_id, params={"force": force})


@event.listens_for(Session, "before_flush")
def _on_resource_changes(db: Session, _context, _instances) -> None:
    """New or replaced files queue an ingest; deleted resources take their Parquet files
    with them (once the deletion commits)."""
    if not has_app_context() or "file_store" not in current_app.extensions:
        return
    for obj in list(db.new) + list(db.dirty):
        if isinstance(obj, Resource) and obj not in db.deleted and _source_changed(obj) \
                and wants_ingest(obj):
            queue_ingest(db, obj.id)
    deleted = [obj.id for obj in db.deleted if isinstance(obj, Resource)]
    if deleted:
        store = file_store()
        keys = db.scalars(sa.select(DataTable.storage_key).where(DataTable.resource_id.in_(deleted)))
        for key in keys:
            delete_after_commit(db, store, key)


@event.listens_for(Session, "after_commit")
@event.listens_for(Session, "after_soft_rollback")
def _forget_queued(db: Session, *_args) -> None:
    db.info.pop("ingest_queued", None)


def tables_of(db: Session, resource_id: str) -> list[DataTable]:
    return list(db.scalars(sa.select(DataTable).where(DataTable.resource_id == resource_id)
                           .order_by(DataTable.position, DataTable.name)))


def tables_by_resource(db: Session, resource_ids) -> dict[str, list[DataTable]]:
    """The tables of many resources in one query: resource id -> tables, main first."""
    found: dict[str, list[DataTable]] = {rid: [] for rid in resource_ids}
    if found:
        for table in db.scalars(sa.select(DataTable).where(DataTable.resource_id.in_(list(found)))
                                .order_by(DataTable.position, DataTable.name)):
            found[table.resource_id].append(table)
    return found


def replace_tables(db: Session, resource: Resource, tables: list[DataTable]) -> None:
    """Make ``tables`` the resource's tables; the files of the tables they replace are
    removed once the transaction commits."""
    store = file_store()
    for old in tables_of(db, resource.id):
        delete_after_commit(db, store, old.storage_key)
        db.delete(old)
    db.flush()
    for table in tables:
        db.add(table)
    resource.datastore_active = bool(tables)


def parquet_key(resource_id: str) -> str:
    return f"datastore/{resource_id}/{new_id()}.parquet"


def local_parquet(key: str) -> str:
    """A local path of the Parquet file ``key``: the file itself for a local store, or a
    cached copy of a remote one (keys are never reused, so a cached copy never goes stale)."""
    store = file_store()
    path = store.local_path(key)
    if path is not None:
        return path
    cache = os.path.join(str(current_app.config["SETTINGS"].instance_dir), "datastore-cache", key)
    if not os.path.exists(cache):
        os.makedirs(os.path.dirname(cache), exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=os.path.dirname(cache))
        with os.fdopen(handle, "wb") as out, store.open(key) as source:
            shutil.copyfileobj(source, out, 1 << 20)
        os.replace(temporary, cache)
    return cache


def save_report(db: Session, resource_id: str, **fields) -> IngestReport:
    report = db.get(IngestReport, resource_id) or IngestReport(resource_id=resource_id)
    for key, value in fields.items():
        setattr(report, key, value)
    report.created = utcnow()
    db.add(report)
    return report


def column_text(db: Session, datasets) -> dict[str, list[str]]:
    """Column names, titles and descriptions of each dataset's tables, for the search
    index. Tables of resources stricter than their dataset are left out, as their names
    and descriptions are: those who may read only the dataset must not find it by them."""
    shared = {resource.id: dataset.id for dataset in datasets for resource in dataset.resources
              if resource.access_level in (None, dataset.access_level)}
    found: dict[str, list[str]] = {}
    if not shared:
        return found
    tables = db.scalars(sa.select(DataTable).where(DataTable.resource_id.in_(list(shared))))
    for table in tables:
        words = found.setdefault(shared[table.resource_id], [])
        for field in table.fields:
            if field["name"] == "_symbols":
                continue
            words += [text for text in (field["name"], field.get("title"), field.get("description"))
                      if text and text not in words]
    return found
