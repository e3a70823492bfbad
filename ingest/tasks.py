"""The ingest job: fetch the resource's file, run the pipeline, store tables and report."""

from __future__ import annotations

import hashlib
import logging
import os
import shutil
import tempfile
from urllib.parse import urljoin

import requests
from flask import current_app
from flask_babel import gettext as _

from catalog.datasets.models import Resource
from catalog.jobs.runner import JobError, RunningJob
from catalog.outbound import RefusedAddress, check_fetchable, fetch_session
from catalog.search import mark_stale
from catalog.storage import file_store, track_new_file
from ingest import services
from ingest.errors import IngestError, explain
from ingest.lint import refused_report
from ingest.models import DataTable, IngestReport
from ingest.pipeline import IngestResult, ingest_file
from ingest.schema import merge_dictionary

log = logging.getLogger(__name__)
FETCH_TIMEOUT = (10, 120)
MAX_REDIRECTS = 5


def ingest_resource(job: RunningJob) -> None:
    """Job handler (``ingest.tasks:ingest_resource``)."""
    maker = current_app.extensions["db_sessionmaker"]
    settings = current_app.config["SETTINGS"]
    with maker() as db:
        resource = db.get(Resource, job.resource_id)
        if resource is None:
            job.skip(_("The resource was deleted."))
        upload, key, url = resource.url_type == "upload", resource.storage_key, resource.url
        report = db.get(IngestReport, resource.id)
        previous_hash = report.source_hash if report and not report.refused else None
        has_tables = bool(services.tables_of(db, resource.id))
        ingested_hash = report.source_hash if report else None
    scratch = os.path.join(str(settings.instance_dir), "tmp")
    os.makedirs(scratch, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=scratch) as work:
        if upload:
            path, source_hash = _stored_file(key, work), resource.hash
        else:
            job.progress(1, _("Fetching %(url)s", url=url))
            path, source_hash = fetch(url, work, settings)
        if source_hash and source_hash == previous_hash and has_tables \
                and not job.params.get("force"):
            job.skip(_("The file has not changed since it was last ingested; nothing to do."))
        job.progress(3, _("Reading the file"))
        try:
            result = ingest_file(path, work, memory_limit=settings.duckdb_memory_limit,
                                 progress=lambda pct, message: job.progress(pct, message))
        except IngestError as error:  # a refusal too: no table can be made of this file
            _save_failure(job.resource_id, source_hash, error)
            raise JobError(error.message) from None
        except Exception as error:  # noqa: BLE001 - explained to staff, logged in full here
            log.exception("ingest of resource %s (job %s) failed", job.resource_id, job.id)
            failure = IngestError(explain(error))
            # The tables of another file must not pass for this one's; those of this very
            # file (a forced re-ingest that failed) still describe it and stay.
            if source_hash != ingested_hash or not has_tables:
                _save_failure(job.resource_id, source_hash, failure)
            raise JobError(failure.message) from None
        job.progress(90, _("Saving %(n)s table(s)", n=len(result.tables)))
        _save(job, result, source_hash)


def _stored_file(key: str, work: str) -> str:
    store = file_store()
    path = store.local_path(key)
    if path is not None:
        return path
    target = os.path.join(work, "source")
    with store.open(key) as source, open(target, "wb") as out:
        shutil.copyfileobj(source, out, 1 << 20)
    return target


def fetch(url: str, work: str, settings) -> tuple[str, str]:
    """Download a link resource into ``work``, refusing internal addresses (unless
    allowed; checked by name and again at connect, against DNS rebinding) and anything
    over the upload limit; returns the path and its SHA-256."""
    target, digest, size = os.path.join(work, "source"), hashlib.sha256(), 0
    with fetch_session(settings.link_fetch_allow_private) as http:
        for _hop in range(MAX_REDIRECTS + 1):
            _check_address(url, settings.link_fetch_allow_private)
            try:
                response = http.get(url, stream=True, timeout=FETCH_TIMEOUT, allow_redirects=False)
            except RefusedAddress as refused:
                raise JobError(refused.message) from None
            except requests.RequestException as error:
                raise JobError(_("The link could not be fetched: %(error)s", error=str(error)[:200])) from None
            if response.is_redirect:
                url = urljoin(url, response.headers.get("Location", ""))
                response.close()
                continue
            break
        else:
            raise JobError(_("The link redirects too many times."))
        with response:
            if response.status_code != 200:
                raise JobError(_("The link answered HTTP %(status)s.", status=response.status_code))
            with open(target, "wb") as out:
                for chunk in response.iter_content(1 << 20):
                    size += len(chunk)
                    if size > settings.max_upload_bytes:
                        raise JobError(_("The linked file is larger than the limit of %(limit)s bytes.",
                                         limit=f"{settings.max_upload_bytes:,}"))
                    digest.update(chunk)
                    out.write(chunk)
    return target, digest.hexdigest()


def _check_address(url: str, allow_private: bool) -> None:
    try:
        check_fetchable(url, allow_private)
    except RefusedAddress as refused:
        raise JobError(refused.message) from None


def _save(job: RunningJob, result: IngestResult, source_hash: str) -> None:
    store = file_store()
    maker = current_app.extensions["db_sessionmaker"]
    with maker() as db:
        resource = db.get(Resource, job.resource_id)
        if resource is None:
            return
        old = {table.name: table.table_schema for table in services.tables_of(db, resource.id)}
        tables = []
        for position, table in enumerate(result.tables):
            key = services.parquet_key(resource.id)
            with open(table.parquet_path, "rb") as handle:
                store.save(key, handle)
            track_new_file(db, store, key)
            tables.append(DataTable(
                resource_id=resource.id, name=_unique(table.name, tables), position=position,
                storage_key=key, row_count=table.row_count, source="ingest",
                table_schema=merge_dictionary(old.get(table.name), table.schema),
                stats=table.stats, diagnostics=table.diagnostics[:1000]))
        services.replace_tables(db, resource, tables)
        report = result.report
        services.save_report(
            db, resource.id, source_hash=source_hash, detected_format=result.detected.format.value,
            encoding=result.detected.encoding, delimiter=result.detected.delimiter, refused=False,
            message="", score=report.score, stars=report.stars, findings=report.as_dicts())
        mark_stale(db, resource.dataset_id)
        db.commit()
    rows = "{:,}".format(sum(t.row_count for t in tables))
    job.log(_("Ingested %(tables)s table(s), %(rows)s row(s); machine-readability score %(score)s.",
              tables=len(tables), rows=rows, score=report.score))


def _unique(name: str, tables: list[DataTable]) -> str:
    taken = {table.name for table in tables}
    candidate, n = name[:200], 2
    while candidate in taken:
        candidate, n = f"{name[:190]}_{n}", n + 1
    return candidate


def _save_failure(resource_id: str, source_hash: str, error: IngestError) -> None:
    """Make the resource show that its file gave no table: no tables (those of an earlier
    file would pass for this one's) and a report saying why, in one transaction."""
    maker = current_app.extensions["db_sessionmaker"]
    report = refused_report(error.message)
    with maker() as db:
        resource = db.get(Resource, resource_id)
        if resource is None:
            return
        services.replace_tables(db, resource, [])
        services.save_report(db, resource_id, source_hash=source_hash,
                             detected_format=error.detected, encoding="", delimiter="",
                             refused=True, message=error.message, score=0, stars=0,
                             findings=report.as_dicts())
        mark_stale(db, resource.dataset_id)  # its column names no longer find the dataset
        db.commit()
