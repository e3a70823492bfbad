"""When sources are harvested, and the single entry point for running due work.

:func:`run_due` is what cron calls (``catalog harvest run-due``, e.g. every minute) and
what ``catalog harvest scheduler`` calls in a loop: it recovers jobs whose process died,
creates jobs for sources whose frequency says they are due, and runs every New job: in
this process, or, when the job queue is RQ (CATALOG_REDIS_URL), by queueing each one for
the ``catalog worker`` processes (:mod:`harvesters.tasks`). Running it twice at once is
safe: each job is claimed atomically (:func:`harvesters.runner.run_job`).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy.orm import Session

from catalog.db import utcnow
from harvesters.config import check_base_config
from harvesters.models import Frequency, HarvestJob, HarvestSource, JobStatus

log = logging.getLogger(__name__)

INTERVALS = {
    Frequency.ALWAYS: timedelta(0),
    Frequency.DAILY: timedelta(days=1),
    Frequency.WEEKLY: timedelta(days=7),
    Frequency.BIWEEKLY: timedelta(days=14),
    Frequency.MONTHLY: timedelta(days=30),
}
# A running job is given up on this long after its own time limit has passed: by then
# the process running it has died (the runner enforces the limit itself).
STALE_GRACE = timedelta(minutes=5)


def next_harvest(source: HarvestSource, last_created: datetime | None) -> datetime | None:
    """When ``source`` is next due (None: manual only)."""
    interval = INTERVALS.get(source.frequency)
    if interval is None or not source.active or source.state != "active":
        return None
    return last_created + interval if last_created else source.created  # due at once


def recover_stale_jobs(db: Session, now: datetime | None = None) -> int:
    """Mark Running jobs whose process has died as Failed, with the reason; returns how
    many. Their import transaction died with the process, so the catalog is unchanged."""
    now = now or utcnow()
    count = 0
    running = db.scalars(sa.select(HarvestJob).where(HarvestJob.status == JobStatus.RUNNING))
    for job in running:
        base, _problems = check_base_config(job.source.config or {})
        started = job.gather_started or job.created
        if started + timedelta(seconds=base.time_limit) + STALE_GRACE < now:
            job.status = JobStatus.FAILED.value
            job.reason = _("The process running this job stopped without finishing it "
                           "(no result %(minutes)s minutes after its time limit)",
                           minutes=int(STALE_GRACE.total_seconds() // 60))
            job.finished = now
            count += 1
    db.flush()
    return count


def due_sources(db: Session, now: datetime | None = None) -> list[HarvestSource]:
    """Active scheduled sources with no unfinished job whose next harvest has come."""
    now = now or utcnow()
    last_created = (
        sa.select(HarvestJob.source_id, sa.func.max(HarvestJob.created).label("last"))
        .where(HarvestJob.dry_run.is_(False))
        .group_by(HarvestJob.source_id).subquery()
    )
    busy = sa.select(HarvestJob.source_id).where(
        HarvestJob.status.in_([JobStatus.NEW, JobStatus.RUNNING]))
    rows = db.execute(
        sa.select(HarvestSource, last_created.c.last)
        .outerjoin(last_created, last_created.c.source_id == HarvestSource.id)
        .where(HarvestSource.active.is_(True), HarvestSource.state == "active",
               HarvestSource.frequency != Frequency.MANUAL, HarvestSource.id.not_in(busy))
        .order_by(HarvestSource.name)
    )
    return [source for source, last in rows
            if (due := next_harvest(source, last)) is not None and due <= now]


@dataclass
class DueRun:
    recovered: int = 0
    created: list[str] = field(default_factory=list)
    ran: dict[str, str] = field(default_factory=dict)  # job id -> final status
    sent: list[str] = field(default_factory=list)  # job ids queued for the workers


def run_due() -> DueRun:
    """Recover dead jobs, create jobs for due sources, run every New job (oldest first)."""
    from harvesters.runner import run_job

    summary = DueRun()
    maker = current_app.extensions["db_sessionmaker"]
    with maker() as db:
        summary.recovered = recover_stale_jobs(db)
        for source in due_sources(db):
            job = HarvestJob(source_id=source.id)
            db.add(job)
            db.flush()
            summary.created.append(job.id)
        db.commit()
        pending = list(db.scalars(sa.select(HarvestJob.id).where(
            HarvestJob.status == JobStatus.NEW).order_by(HarvestJob.created)))
        if workers_run_jobs():
            summary.sent = send_to_workers(db, pending)
            db.commit()
            pending = []
    for job_id in pending:
        summary.ran[job_id] = run_job(job_id)
    if summary.recovered or summary.ran or summary.sent:
        log.info("run-due: %s recovered, %s created, %s ran, %s sent to workers",
                 summary.recovered, len(summary.created), len(summary.ran), len(summary.sent))
    return summary


def workers_run_jobs() -> bool:
    """Whether harvests run on RQ workers (``CATALOG_REDIS_URL``) rather than in the
    process that runs the schedule."""
    from catalog.jobs.rq import RqJobQueue

    return isinstance(current_app.extensions.get("job_queue"), RqJobQueue)


def send_to_workers(db: Session, pending: list[str]) -> list[str]:
    """Queue a background job for each New harvest job not already waiting for a worker;
    the workers get them when ``db`` commits. (Sent twice in a race, a job still runs
    once: the runner claims it.)"""
    from catalog.jobs import enqueue
    from catalog.jobs.models import Job, JobStatus as QueueStatus
    from harvesters.tasks import HARVEST_TASK, TIMEOUT_GRACE_SECONDS

    waiting = {job.params.get("harvest_job_id") for job in db.scalars(sa.select(Job).where(
        Job.kind == HARVEST_TASK, Job.status.in_([QueueStatus.QUEUED, QueueStatus.RUNNING])))}
    sent = []
    for job_id in pending:
        if job_id in waiting:
            continue
        base, _problems = check_base_config(db.get(HarvestJob, job_id).source.config or {})
        enqueue(db, HARVEST_TASK, params={"harvest_job_id": job_id},
                timeout_seconds=base.time_limit + TIMEOUT_GRACE_SECONDS)
        sent.append(job_id)
    return sent
