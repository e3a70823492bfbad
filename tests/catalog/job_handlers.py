"""Job handlers for the job queue contract tests (importable by RQ worker processes)."""

from __future__ import annotations

import time

from catalog.jobs.runner import JobError, RunningJob


def record(job: RunningJob) -> dict:
    job.progress(50, "半分まで進みました")
    return {"echo": job.params.get("value")}


def explain_failure(job: RunningJob) -> None:
    raise JobError("元のファイルが見つかりません")


def crash(job: RunningJob) -> None:
    raise RuntimeError("boom")


def nothing_to_do(job: RunningJob) -> None:
    job.skip("変更なし")


def hang(job: RunningJob) -> None:
    job.progress(10, "開始しました")
    time.sleep(120)
