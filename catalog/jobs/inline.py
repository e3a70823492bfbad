"""Jobs run in this process, right after the transaction that queued them commits."""

from __future__ import annotations

from flask import Flask


class InlineJobQueue:
    """A :class:`~catalog.jobs.interfaces.JobQueue` for embedded installations and tests:
    deterministic (the job has finished when the enqueuing request returns) and needs no
    other service."""

    def __init__(self, app: Flask):
        self.app = app

    def dispatch(self, job_ids: list[str]) -> None:
        from catalog.jobs.runner import run_job

        for job_id in job_ids:
            with self.app.app_context():
                run_job(job_id)
