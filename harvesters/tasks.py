"""Harvest jobs on the background job queue (``catalog worker`` with CATALOG_REDIS_URL).

When the queue is RQ, :func:`harvesters.scheduling.run_due` does not run New harvest jobs
itself: it queues one background job per harvest job, and the workers run them. The
harvest job's row stays the source of truth (claimed atomically by
:func:`harvesters.runner.run_job`), so a harvest job queued twice still runs once.
"""

from __future__ import annotations

from catalog.jobs.runner import RunningJob

HARVEST_TASK = "harvesters.tasks:run_harvest_job"
# Beyond the source's own time limit, for the import and the bookkeeping.
TIMEOUT_GRACE_SECONDS = 600


def run_harvest_job(job: RunningJob) -> dict:
    """Job handler: run the harvest job ``params["harvest_job_id"]`` to its end."""
    from harvesters.runner import run_job

    return {"harvest_job_id": job.params["harvest_job_id"],
            "status": run_job(job.params["harvest_job_id"])}
