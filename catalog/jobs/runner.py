"""Running one job: state changes, progress, log and errors, whatever the queue.

A handler is a function ``handler(job: RunningJob)`` named by the job's ``kind``
(``"package.module:function"``); a dict it returns becomes the job's result. It reports with ``job.progress(...)``/``job.log(...)``,
raises :class:`JobError` with a Japanese message to fail, or calls ``job.skip(...)``.
Any other exception fails the job with its type and message; a job whose worker died
is failed by :func:`fail_stale_jobs`. No job stays running for ever.
"""

from __future__ import annotations

import importlib
import logging
import traceback
from datetime import datetime, timedelta
from typing import Callable

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _

from catalog.db import utcnow
from catalog.jobs.models import Job, JobStatus

log = logging.getLogger(__name__)

# A running job writes a heartbeat at every progress report; one silent this long has lost
# its worker (killed, out of memory, machine restarted).
STALE_AFTER = timedelta(minutes=10)
# A queued job that no worker picked up this long after it was queued is failed too, so
# that a lost Redis queue never leaves it "queued" for ever.
NEVER_STARTED_AFTER = timedelta(hours=24)
MAX_LOG_CHARS = 100_000


class JobError(Exception):
    """A failure the handler explains (in Japanese) to the people who read the job."""


class JobSkipped(Exception):
    """Raised by :meth:`RunningJob.skip`."""


class RunningJob:
    """What a handler sees of its job. Every report is committed at once in its own
    session, so the resource page shows progress while the job runs."""

    def __init__(self, job: Job):
        self.id = job.id
        self.kind = job.kind
        self.resource_id = job.resource_id
        self.params = dict(job.params or {})

    def progress(self, percent: int, message: str | None = None) -> None:
        """Set the progress (0-100) and optionally log a line; also a heartbeat."""
        _update(self.id, progress=max(0, min(100, int(percent))), line=message)

    def log(self, message: str) -> None:
        _update(self.id, line=message)

    def skip(self, reason: str) -> None:
        """End the job as skipped (nothing to do), with ``reason`` in its log."""
        raise JobSkipped(reason)


def run_job(job_id: str) -> str | None:
    """Run the queued job ``job_id`` once; returns its final status (``None`` if it was not
    queued: already run, or gone). Needs an app context."""
    maker = current_app.extensions["db_sessionmaker"]
    with maker() as db:
        job = db.get(Job, job_id, with_for_update=True)
        if job is None or job.status != JobStatus.QUEUED:
            db.rollback()
            return None
        now = utcnow()
        job.status, job.started, job.heartbeat = JobStatus.RUNNING.value, now, now
        db.commit()
        running = RunningJob(job)
    try:
        handler = resolve_handler(running.kind)
        outcome = handler(running)
    except JobSkipped as skipped:
        return _finish(job_id, JobStatus.SKIPPED, line=str(skipped))
    except JobError as error:
        return _finish(job_id, JobStatus.FAILED, error=str(error))
    except Exception as error:  # noqa: BLE001 - any crash must end the job, with its reason
        log.exception("job %s (%s) crashed", job_id, running.kind)
        message = _("Unexpected error: %(type)s: %(message)s",
                    type=type(error).__name__, message=str(error)[:500])
        return _finish(job_id, JobStatus.FAILED, error=message,
                       detail="".join(traceback.format_exc(limit=8))[-4000:])
    return _finish(job_id, JobStatus.SUCCEEDED, result=outcome if isinstance(outcome, dict) else None)


def resolve_handler(kind: str) -> Callable[[RunningJob], None]:
    module_name, _sep, function_name = kind.partition(":")
    return getattr(importlib.import_module(module_name), function_name)


def fail_stale_jobs(db, now: datetime | None = None) -> int:
    """Fail running jobs whose worker went silent and queued jobs nobody ran; returns how
    many. Called by workers, ``job_show`` and the resource page, so a crash shows up as a
    failed job with its reason rather than a job running for ever."""
    now = now or utcnow()
    stale = db.scalars(
        sa.select(Job).where(
            sa.or_(
                sa.and_(Job.status == JobStatus.RUNNING, Job.heartbeat < now - STALE_AFTER),
                sa.and_(Job.status == JobStatus.QUEUED, Job.created < now - NEVER_STARTED_AFTER),
            )
        )
    ).all()
    for job in stale:
        reason = (
            _("The job stopped responding: its worker was stopped or ran out of memory.")
            if job.status == JobStatus.RUNNING
            else _("No worker started the job. Check that the job workers are running.")
        )
        job.status, job.finished = JobStatus.FAILED.value, now
        job.errors = [*job.errors, {"message": reason}]
        job.log = _append(job.log, reason, now)
    return len(stale)


def _update(job_id: str, *, progress: int | None = None, line: str | None = None) -> None:
    maker = current_app.extensions["db_sessionmaker"]
    with maker() as db:
        job = db.get(Job, job_id)
        if job is None:
            return
        now = utcnow()
        job.heartbeat = now
        if progress is not None:
            job.progress = progress
        if line:
            job.log = _append(job.log, line, now)
        db.commit()


def _finish(job_id: str, status: JobStatus, *, error: str | None = None,
            detail: str | None = None, line: str | None = None, result: dict | None = None) -> str:
    maker = current_app.extensions["db_sessionmaker"]
    with maker() as db:
        job = db.get(Job, job_id)
        if job is None:
            return status.value
        now = utcnow()
        job.status, job.finished, job.heartbeat = status.value, now, now
        if status == JobStatus.SUCCEEDED:
            job.progress = 100
        if result is not None:
            job.result = result
        if error:
            job.errors = [*job.errors, {"message": error, **({"detail": detail} if detail else {})}]
        job.log = _append(job.log, line or error or _("Finished."), now)
        db.commit()
    return status.value


def _append(log_text: str, line: str, now: datetime) -> str:
    text = f"{log_text}{now:%H:%M:%S} {line}\n"
    return text[-MAX_LOG_CHARS:]
