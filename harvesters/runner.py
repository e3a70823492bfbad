"""Running one harvest job: gather, fetch, import; always ending Finished, Failed or Aborted.

* gather and fetch only read the source (retries, back-off and the time limit are the
  :class:`~harvesters.http.Fetcher`'s), so a failure there changes nothing;
* import maps the items and applies them in one transaction (:mod:`harvesters.importer`)
  that is committed together with the job's report, or rolled back as a whole;
* a dry run does everything and rolls the import back, keeping only the report.

The job's bookkeeping (Running, gather times, failure reason) is written in sessions of
its own, so it is recorded even when the import is rolled back.
"""

from __future__ import annotations

import logging
import shutil
import tempfile
from pathlib import Path

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _

from access_control.principals import system_principal
from catalog.api.context import Context
from catalog.db import utcnow
from harvesters.config import check_base_config
from harvesters.http import DeadlineExceeded, Fetcher
from harvesters.importer import Importer, ReportLine, errored
from harvesters.interfaces import (
    DatasetDraft, HarvestError, ItemError, Listing, RemoteItem, SourceError,
)
from harvesters.models import (
    HarvestJob, HarvestObject, HarvestRecord, HarvestSource, JobStatus, RecordState, Stage,
)
from harvesters.registry import get_harvester
from harvesters.run import HarvestRun, JobStopped, SourceInfo, time_limit_message

log = logging.getLogger(__name__)


def run_job(job_id: str) -> str:
    """Run the New job ``job_id`` to its end; returns its final status. Does nothing (and
    returns the status it has) if another worker already claimed it."""
    if not _claim(job_id):
        with _session() as db:
            job = db.get(HarvestJob, job_id)
            return job.status if job else ""
    run = None
    stage = Stage.GATHER
    try:
        run, harvester = _prepare(job_id)
        listing = harvester.gather(run)
        stage = Stage.FETCH
        _stamp(job_id, gather_finished=utcnow())
        items, failures = _fetch(run, harvester, listing)
        stage = Stage.IMPORT
        _stamp(job_id, import_started=utcnow())
        mapped = _map(run, harvester, items, failures)
        return _import(run, harvester, listing, mapped, failures)
    except JobStopped as stopped:
        _end(job_id, JobStatus.ABORTED, stopped.reason, stage, run)
        return JobStatus.ABORTED
    except DeadlineExceeded:
        _end(job_id, JobStatus.FAILED, time_limit_message(run, stage), stage, run)
    except HarvestError as error:
        _end(job_id, JobStatus.FAILED, error.message, stage, run)
    except Exception as error:  # a bug or an unforeseen failure: the job still ends
        log.exception("harvest job %s crashed", job_id)
        _end(job_id, JobStatus.FAILED,
             _("Unexpected error: %(error)s", error=f"{type(error).__name__}: {error}"[:500]),
             stage, run)
    finally:
        if run is not None:
            if run.fetcher is not None:
                run.fetcher.close()
            shutil.rmtree(run.work_dir, ignore_errors=True)
    return JobStatus.FAILED


def _session():
    return current_app.extensions["db_sessionmaker"]()


def _claim(job_id: str) -> bool:
    """New -> Running, atomically: two workers never run the same job."""
    with _session() as db:
        claimed = db.execute(
            sa.update(HarvestJob)
            .where(HarvestJob.id == job_id, HarvestJob.status == JobStatus.NEW)
            .values(status=JobStatus.RUNNING.value, gather_started=utcnow())
        ).rowcount
        db.commit()
    return claimed == 1


def _stamp(job_id: str, **values) -> None:
    with _session() as db:
        db.execute(sa.update(HarvestJob).where(HarvestJob.id == job_id).values(**values))
        db.commit()


def _prepare(job_id: str):
    """The run (source snapshot, limits, helpers) and the harvester of the job."""
    with _session() as db:
        job = db.get(HarvestJob, job_id)
        source = job.source
        harvester = get_harvester(source.source_type)
        if harvester is None:
            raise HarvestError(_("Unknown source type: %(type)s", type=source.source_type))
        base, _problems = check_base_config(source.config or {})
        since = db.scalar(
            sa.select(sa.func.max(HarvestJob.gather_started)).where(
                HarvestJob.source_id == source.id, HarvestJob.status == JobStatus.FINISHED,
                HarvestJob.dry_run.is_(False)))
        known = db.execute(sa.select(
            HarvestRecord.remote_id, HarvestRecord.remote_url, HarvestRecord.remote_modified,
            HarvestRecord.state, HarvestRecord.content_hash,
        ).where(HarvestRecord.source_id == source.id,
                HarvestRecord.state != RecordState.WITHDRAWN)).all()
        info = SourceInfo(source.id, source.name, source.title, source.url, source.source_type,
                          dict(source.config or {}), source.owner_org_id,
                          source.default_access_level, source.default_license_id)
        settings = current_app.config["SETTINGS"]
        run = HarvestRun(
            job_id=job.id, source=info, base=base, since=since,
            known={row.remote_id: row.remote_url for row in known},
            known_modified={row.remote_id: row.remote_modified for row in known
                            if row.state == RecordState.ACTIVE and row.content_hash},
            dry_run=job.dry_run, max_file_bytes=settings.max_upload_bytes,
            work_dir=Path(tempfile.mkdtemp(prefix="harvest-", dir=_work_root(settings))),
            is_stopped=lambda: _stop_reason(job_id),
        )
    run.fetcher = Fetcher(run.remaining, retries=base.retries, backoff=base.retry_backoff,
                          timeout=base.request_timeout,
                          allow_private=settings.link_fetch_allow_private)
    run.log(_("Harvest of %(source)s started", source=info.title or info.name))
    return run, harvester


def _work_root(settings) -> str:
    folder = Path(settings.instance_dir) / "harvest-work"
    folder.mkdir(parents=True, exist_ok=True)
    return str(folder)


def _stop_reason(job_id: str) -> str | None:
    """Why the job must stop now (aborted meanwhile), or None to go on."""
    with _session() as db:
        status, reason = db.execute(
            sa.select(HarvestJob.status, HarvestJob.reason).where(HarvestJob.id == job_id)
        ).one()
    if status == JobStatus.RUNNING:
        return None
    return reason or _("The job was stopped (%(status)s)", status=status)


def _fetch(run: HarvestRun, harvester, listing: Listing):
    """Fetch each listed item, within the item limit; errors stay with their item."""
    items, failures = [], []
    limit = run.base.max_items
    if limit is not None and len(listing.items) > limit:
        run.log(_("Item limit: harvesting %(limit)s of %(count)s items",
                  limit=limit, count=len(listing.items)))
        listing.items = listing.items[:limit]
    for item in listing.items:
        run.check()
        try:
            items.append(harvester.fetch(run, item))
        except SourceError:
            raise  # the source itself broke down (unreachable, garbage): the job fails
        except HarvestError as error:
            failures.append(errored(item, Stage.FETCH, error.message))
    run.log(_("%(count)s items listed, %(failed)s could not be fetched",
              count=len(listing.items), failed=len(failures)))
    return items, failures


def _map(run: HarvestRun, harvester, items: list[RemoteItem], failures: list[ReportLine]):
    mapped: list[tuple[RemoteItem, DatasetDraft]] = []
    for item in items:
        run.check()
        try:
            mapped.append((item, harvester.map_item(run, item)))
        except ItemError as error:
            failures.append(errored(item, Stage.IMPORT, error.message))
    return mapped


def _import(run: HarvestRun, harvester, listing: Listing, mapped, failures) -> str:
    """Apply everything in one transaction, commit it with the report (or roll it back
    for a dry run and keep only the report)."""
    missing_policy = run.base.on_missing or harvester.on_missing
    with _session() as db:
        _refuse_empty_listing(db, run, listing)
        context = Context(db=db, principal=system_principal(db),
                          settings=current_app.config["SETTINGS"])
        importer = Importer(db, run, context, missing_policy)
        lines = failures + importer.apply(mapped, listing,
                                          {line.remote_id for line in failures})
        if run.dry_run:
            db.rollback()
            for line in lines:
                line.dataset_id = _existing_dataset(db, line.dataset_id)
            run.log(_("Dry run: nothing was changed"))
        # Lock the job row: an abort committed meanwhile wins over this import.
        db.execute(sa.select(HarvestJob.id).where(HarvestJob.id == run.job_id).with_for_update())
        job = db.get(HarvestJob, run.job_id, populate_existing=True)
        if job.status != JobStatus.RUNNING:
            db.rollback()  # aborted or given up on while importing: change nothing
            raise JobStopped(job.reason or _("The job was stopped (%(status)s)", status=job.status))
        _finish(db, job, run, lines)
        db.commit()
    return JobStatus.FINISHED


def _refuse_empty_listing(db, run: HarvestRun, listing: Listing) -> None:
    """An empty listing from a source that had items is far more often a broken source
    than a real emptying: refuse rather than withdraw every dataset."""
    if listing.present() or run.base.allow_empty or not run.known_ids:
        return
    raise HarvestError(_(
        "The source listed no items, but %(count)s were harvested before: refusing to "
        "withdraw them all (set allow_empty to true in the config if this is intended)",
        count=len(run.known_ids)))


def _existing_dataset(db, dataset_id: str | None) -> str | None:
    from catalog.datasets.models import Dataset

    return dataset_id if dataset_id and db.get(Dataset, dataset_id) is not None else None


def _finish(db, job: HarvestJob, run: HarvestRun, lines: list[ReportLine]) -> None:
    stats: dict[str, int] = {}
    for line in lines:
        stats[line.report_status] = stats.get(line.report_status, 0) + 1
        db.add(HarvestObject(job_id=job.id, remote_id=line.remote_id[:500], title=line.title,
                             dataset_id=line.dataset_id, report_status=line.report_status,
                             stage=line.stage, error=line.error, message=line.message,
                             content_hash=line.content_hash))
    run.log(_("Harvest finished: %(stats)s",
              stats=", ".join(f"{k} {v}" for k, v in sorted(stats.items())) or "-"))
    job.status = JobStatus.FINISHED.value
    job.finished = utcnow()
    job.stats = stats
    job.log = run.log_lines


def _end(job_id: str, status: JobStatus, reason: str, stage: Stage, run) -> None:
    """Record how a job ended without finishing. An abort recorded by someone else keeps
    its own reason."""
    if run is not None:
        run.log(reason, logging.ERROR if status == JobStatus.FAILED else logging.WARNING)
    with _session() as db:
        job = db.get(HarvestJob, job_id)
        if job is None:
            return
        if job.status == JobStatus.RUNNING:
            job.status = status.value
            job.reason = reason
        job.failed_stage = stage.value
        job.finished = job.finished or utcnow()
        if run is not None:
            job.log = run.log_lines
        db.commit()


def source_of(db, reference: str) -> HarvestSource | None:
    """A source by id or name."""
    return db.scalar(sa.select(HarvestSource).where(
        sa.or_(HarvestSource.id == reference, HarvestSource.name == reference)))
