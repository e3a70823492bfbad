"""One contract for every JobQueue: in-process (InlineJobQueue) and RQ with a real
``catalog worker`` process on the Redis at 127.0.0.1:6379 (a queue of its own per test)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path
from datetime import timedelta

import pytest
import redis as redis_client

from catalog import PROJECT_ROOT, create_app
from catalog.db import utcnow
from catalog.jobs import Job, JobStatus, enqueue
from catalog.jobs.runner import STALE_AFTER, fail_stale_jobs
from tests import factories

REDIS_URL = os.environ.get("CATALOG_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


def _redis_or_skip():
    try:
        redis_client.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except redis_client.RedisError as error:
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail(f"Redis at {REDIS_URL} is unreachable: {error} (CI requires it)")
        pytest.skip(f"Redis at {REDIS_URL} is unreachable: {error}")


class Worker:
    """A ``catalog worker`` process on the app's database, storage and queue."""

    def __init__(self, settings):
        env = {**os.environ, "CATALOG_INSTANCE_DIR": str(settings.instance_dir),
               "CATALOG_DATABASE_URL": settings.database_url,
               "CATALOG_STORAGE_URL": settings.storage_url, "CATALOG_REDIS_URL": settings.redis_url,
               "CATALOG_JOB_QUEUE": settings.job_queue_name, "CATALOG_SECRET_KEY": "test",
               "CATALOG_LINK_FETCH_ALLOW_PRIVATE": "true", "PYTHONPATH": str(PROJECT_ROOT)}
        self.process = subprocess.Popen([str(Path(sys.executable).parent / "catalog"), "worker"], env=env,
                                        cwd=PROJECT_ROOT, stdout=subprocess.DEVNULL,
                                        stderr=subprocess.DEVNULL, start_new_session=True)

    def kill(self):
        """Kill the worker and its work horse at once, as a crash or OOM would."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)


@pytest.fixture(params=["inline", "rq"])
def queued_app(request, app):
    """The test app with each job queue; for RQ a worker runs beside it."""
    if request.param == "inline":
        yield app, None
        return
    yield from _with_rq_worker(app)


@pytest.fixture
def rq_app(app):
    yield from _with_rq_worker(app)


def _with_rq_worker(app):
    _redis_or_skip()
    settings = app.config["SETTINGS"].with_overrides(
        {"redis_url": REDIS_URL, "job_queue_name": f"catalog-test-{uuid.uuid4().hex[:10]}"})
    rq_app = create_app({**{f.name: getattr(settings, f.name) for f in settings.__dataclass_fields__.values()},
                         "TESTING": True})
    token = factories.CURRENT_APP.set(rq_app)
    worker = Worker(settings)
    yield rq_app, worker
    worker.kill()
    rq_app.extensions["job_queue"].queue().delete(delete_jobs=True)
    factories.CURRENT_APP.reset(token)
    rq_app.extensions["db_engine"].dispose()


def queue_job(app, kind: str, **params) -> str:
    with app.app_context():
        from catalog import db

        job = enqueue(db.session(), f"tests.catalog.job_handlers:{kind}", params=params)
        db.session().commit()
        return job.id


def wait_for(app, job_id: str, statuses, timeout: float = 60) -> Job:
    deadline = time.monotonic() + timeout
    while True:
        with app.extensions["db_sessionmaker"]() as db:
            job = db.get(Job, job_id)
            if job.status in statuses:
                db.expunge(job)
                return job
        assert time.monotonic() < deadline, f"job still {job.status}"
        time.sleep(0.1)


FINISHED = {JobStatus.SUCCEEDED, JobStatus.FAILED, JobStatus.SKIPPED}


class TestJobQueueContract:
    def test_a_job_runs_once_with_progress_log_and_result(self, queued_app):
        app, _worker = queued_app
        job = wait_for(app, queue_job(app, "record", value="北九州市"), FINISHED)
        assert job.status == JobStatus.SUCCEEDED and job.progress == 100
        assert job.result == {"echo": "北九州市"} and "半分まで進みました" in job.log
        assert job.started and job.finished and job.started <= job.finished

    def test_a_failure_is_explained(self, queued_app):
        app, _worker = queued_app
        job = wait_for(app, queue_job(app, "explain_failure"), FINISHED)
        assert job.status == JobStatus.FAILED
        assert job.errors == [{"message": "元のファイルが見つかりません"}]

    def test_a_crash_ends_failed_with_its_reason(self, queued_app):
        app, _worker = queued_app
        job = wait_for(app, queue_job(app, "crash"), FINISHED)
        assert job.status == JobStatus.FAILED
        assert job.errors[0]["message"] == "予期しないエラー: RuntimeError: boom"
        assert "Traceback" in job.errors[0]["detail"]

    def test_a_skipped_job_says_why(self, queued_app):
        app, _worker = queued_app
        job = wait_for(app, queue_job(app, "nothing_to_do"), FINISHED)
        assert job.status == JobStatus.SKIPPED and "変更なし" in job.log

    def test_a_job_queued_in_a_rolled_back_transaction_never_runs(self, queued_app):
        app, _worker = queued_app
        with app.app_context():
            from catalog import db

            job = enqueue(db.session(), "tests.catalog.job_handlers:record")
            db.session().rollback()
        with app.extensions["db_sessionmaker"]() as db:
            assert db.get(Job, job.id) is None

    def test_a_job_queued_inside_a_savepoint_runs_after_the_real_commit(self, queued_app):
        """Releasing a SAVEPOINT is not the commit: the job starts only once the outer
        transaction commits (the harvest import queues ingests item by item this way)."""
        app, _worker = queued_app
        with app.app_context():
            from catalog import db

            session = db.session()
            with session.begin_nested():
                job = enqueue(session, "tests.catalog.job_handlers:record", params={"value": 7})
            try:
                with session.begin_nested():
                    enqueue(session, "tests.catalog.job_handlers:record")
                    raise ValueError("this item is refused")
            except ValueError:
                pass
            session.commit()
        done = wait_for(app, job.id, FINISHED)
        assert done.status == JobStatus.SUCCEEDED and done.result == {"echo": 7}


def test_a_worker_killed_mid_job_leaves_it_failed_not_running(rq_app):
    app, worker = rq_app
    job_id = queue_job(app, "hang")
    wait_for(app, job_id, {JobStatus.RUNNING})
    worker.kill()
    with app.app_context(), app.extensions["db_sessionmaker"]() as db:
        assert db.get(Job, job_id).status == JobStatus.RUNNING
        # Nothing beats for the job any more: once it is stale it is failed, with its reason.
        assert fail_stale_jobs(db, utcnow() + STALE_AFTER + timedelta(seconds=1)) == 1
        db.commit()
        job = db.get(Job, job_id)
        assert job.status == JobStatus.FAILED and "応答しなくなりました" in job.errors[0]["message"]


def test_job_show_fails_jobs_whose_worker_went_silent(app, client):
    from tests.helpers import result

    with app.app_context():
        from catalog import db

        job = Job(kind="tests.catalog.job_handlers:hang", status=JobStatus.RUNNING.value,
                  started=utcnow() - timedelta(hours=1), heartbeat=utcnow() - timedelta(hours=1))
        forgotten = Job(kind="tests.catalog.job_handlers:record", created=utcnow() - timedelta(days=2))
        db.session().add_all([job, forgotten])
        db.session().commit()
        job_id, forgotten_id = job.id, forgotten.id
    admin = factories.make_token(factories.make_user(sysadmin=True))
    shown = result(client, "job_show", admin, id=job_id, _method="GET")
    assert shown["status"] == "failed" and "応答しなくなりました" in shown["errors"][0]["message"]
    shown = result(client, "job_show", admin, id=forgotten_id, _method="GET")
    assert shown["status"] == "failed" and "ワーカー" in shown["errors"][0]["message"]
