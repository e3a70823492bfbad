"""The job queue contract."""

from __future__ import annotations

from typing import Protocol


class JobQueue(Protocol):
    """Starts jobs whose rows were committed as queued. Implementations:
    ``InlineJobQueue`` (in this process, right away) and ``RqJobQueue`` (RQ workers).

    The job's row is the source of truth for its state: a queue only decides where and
    when :func:`catalog.jobs.runner.run_job` runs.
    """

    def dispatch(self, job_ids: list[str]) -> None:
        """Arrange for each job to run once."""
