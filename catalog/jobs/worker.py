"""The RQ side: what a ``catalog worker`` process runs for each queued job."""

from __future__ import annotations

import logging

from flask import Flask

log = logging.getLogger(__name__)
_app: Flask | None = None


def worker_app() -> Flask:
    """One app per worker process, built from the same ``CATALOG_*`` settings."""
    global _app
    if _app is None:
        from catalog import create_app

        _app = create_app()
    return _app


def perform(job_id: str) -> str | None:
    """Run the job ``job_id`` (called by RQ in the work horse)."""
    from catalog.jobs.runner import fail_stale_jobs, run_job

    app = worker_app()
    # RQ forks a work horse per job: connections inherited from the parent must not be
    # shared with it, so the horse starts with an empty pool of its own.
    app.extensions["db_engine"].dispose(close=False)
    with app.app_context():
        with app.extensions["db_sessionmaker"]() as db:
            if fail_stale_jobs(db):
                db.commit()
        return run_job(job_id)


def work(app: Flask, *, burst: bool = False) -> None:
    """Process jobs from the app's RQ queue until stopped (``burst``: until it is empty)."""
    from rq import Worker

    from catalog.jobs.rq import RqJobQueue
    from catalog.jobs.runner import fail_stale_jobs

    global _app
    _app = app
    queue = app.extensions["job_queue"]
    if not isinstance(queue, RqJobQueue):
        raise RuntimeError("CATALOG_REDIS_URL is not set: jobs run inside the web process")
    with app.app_context():
        with app.extensions["db_sessionmaker"]() as db:
            if fail_stale_jobs(db):
                db.commit()
    Worker([queue.queue()], connection=queue.redis).work(burst=burst, with_scheduler=False)
