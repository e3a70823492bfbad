"""Background jobs.

The engine is chosen by ``CATALOG_REDIS_URL``: empty gives
:class:`~catalog.jobs.inline.InlineJobQueue` (jobs run in this process right after the
enqueuing transaction commits), ``redis://...`` gives
:class:`~catalog.jobs.rq.RqJobQueue` (``catalog worker`` processes run them).

:func:`enqueue` writes the job row in the caller's transaction; the job is dispatched
only once that transaction commits, so a rolled-back change starts no job.
"""

from __future__ import annotations

from flask import Flask, current_app, has_app_context
from sqlalchemy import event
from sqlalchemy.orm import Session

from catalog.jobs.interfaces import JobQueue
from catalog.jobs.models import Job, JobStatus  # noqa: F401 - re-exported


def create_job_queue(app: Flask) -> JobQueue:
    settings = app.config["SETTINGS"]
    if settings.redis_url:
        from catalog.jobs.rq import RqJobQueue

        return RqJobQueue(settings.redis_url, settings.job_queue_name)
    from catalog.jobs.inline import InlineJobQueue

    return InlineJobQueue(app)


def init_app(app: Flask) -> None:
    app.extensions["job_queue"] = create_job_queue(app)


def job_queue() -> JobQueue:
    return current_app.extensions["job_queue"]


def enqueue(db: Session, kind: str, *, resource_id: str | None = None,
            params: dict | None = None, timeout_seconds: int = 3600) -> Job:
    """Queue a job of ``kind`` (a handler's dotted path); it starts after ``db`` commits."""
    job = Job(kind=kind, resource_id=resource_id, params=dict(params or {}),
              timeout_seconds=timeout_seconds)
    db.add(job)
    db.info.setdefault("jobs_to_dispatch", []).append(job.id)
    return job


@event.listens_for(Session, "after_commit")
def _dispatch_after_commit(db: Session) -> None:
    if db.in_nested_transaction():
        return  # a SAVEPOINT released: the jobs start once the real transaction commits
    job_ids = db.info.pop("jobs_to_dispatch", [])
    if job_ids and has_app_context():
        job_queue().dispatch(job_ids)


@event.listens_for(Session, "after_soft_rollback")
def _forget_on_rollback(db: Session, previous) -> None:
    # A SAVEPOINT rolled back keeps the jobs queued before it (those queued inside it may
    # stay listed: their rows are gone, and the runner ignores a job it cannot find).
    if not previous.nested:
        db.info.pop("jobs_to_dispatch", None)
