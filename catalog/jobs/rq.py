"""Jobs on RQ workers (``catalog worker``), through Redis."""

from __future__ import annotations

from redis import Redis
from rq import Queue

# Grace beyond a job's own timeout before RQ kills the work horse.
TIMEOUT_GRACE_SECONDS = 60


class RqJobQueue:
    """A :class:`~catalog.jobs.interfaces.JobQueue` on RQ. ``queue_name`` separates
    installations (and test runs) sharing one Redis."""

    def __init__(self, redis_url: str, queue_name: str):
        self.redis = Redis.from_url(redis_url)
        self.queue_name = queue_name

    def queue(self) -> Queue:
        return Queue(self.queue_name, connection=self.redis)

    def dispatch(self, job_ids: list[str]) -> None:
        queue = self.queue()
        for job_id in job_ids:
            queue.enqueue(
                "catalog.jobs.worker.perform",
                job_id,
                job_id=f"catalog-{job_id}",
                job_timeout=_timeout_of(job_id) + TIMEOUT_GRACE_SECONDS,
                result_ttl=3600,
                failure_ttl=7 * 24 * 3600,
            )


def _timeout_of(job_id: str) -> int:
    from flask import current_app

    from catalog.jobs.models import Job

    with current_app.extensions["db_sessionmaker"]() as db:
        job = db.get(Job, job_id)
        return job.timeout_seconds if job else 3600
