"""Schedules, ``catalog harvest run-due`` (cron's entry point) and ``catalog harvest run``."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa
from click.testing import CliRunner

from catalog.cli import main
from catalog.db import utcnow
from harvesters.models import HarvestJob, HarvestSource, JobStatus
from harvesters.scheduling import due_sources
from tests import factories
from tests.catalog.test_jobs import rq_app  # noqa: F401 - a real ``catalog worker`` on Redis
from tests.harvesters.conftest import FIXTURES, make_source


def _inventory(app, file_server, frequency: str, name: str) -> str:
    org = factories.make_org()
    url = file_server.serve(f"/{name}.csv", (FIXTURES / "inventory_cp932.csv").read_bytes())
    return make_source(app, url=url, source_type="inventory", owner_org=org.id, name=name,
                       frequency=frequency, config={"retries": 0})


def test_due_sources_follow_their_frequency(app, file_server):
    daily = _inventory(app, file_server, "DAILY", "daily-source")
    _inventory(app, file_server, "MANUAL", "manual-source")
    weekly = _inventory(app, file_server, "WEEKLY", "weekly-source")
    with app.app_context():
        db = factories.system_context().db
        assert [s.name for s in due_sources(db)] == [daily, weekly]  # never harvested yet
        source = db.scalar(sa.select(HarvestSource).where(HarvestSource.name == weekly))
        db.add(HarvestJob(source_id=source.id, status=JobStatus.FINISHED,
                          created=utcnow() - timedelta(days=2)))
        db.commit()
        assert [s.name for s in due_sources(db)] == [daily]
        assert [s.name for s in due_sources(db, utcnow() + timedelta(days=6))] == [daily, weekly]


def test_run_due_runs_due_and_queued_jobs_once(app, file_server):
    _inventory(app, file_server, "DAILY", "nightly")
    runner = CliRunner()
    first = runner.invoke(main, ["harvest", "run-due"], obj=app)
    assert first.exit_code == 0, first.output
    assert "queued 1, ran 1" in first.output and "Finished" in first.output
    second = runner.invoke(main, ["harvest", "run-due"], obj=app)
    assert "queued 0, ran 0" in second.output  # not due again before a day has passed


def test_harvest_run_command(app, file_server):
    _inventory(app, file_server, "MANUAL", "by-hand")
    runner = CliRunner()
    outcome = runner.invoke(main, ["harvest", "run", "by-hand"], obj=app)
    assert outcome.exit_code == 0, outcome.output
    assert "Finished" in outcome.output and "added 5" in outcome.output
    dry = runner.invoke(main, ["harvest", "run", "by-hand", "--dry-run"], obj=app)
    assert "unchanged 5" in dry.output
    missing = runner.invoke(main, ["harvest", "run", "nothing-here"], obj=app)
    assert missing.exit_code != 0 and "no such harvest source" in missing.output


def test_with_redis_due_harvests_run_on_a_real_worker(rq_app, file_server):
    """CATALOG_REDIS_URL set: the scheduler queues due harvests for ``catalog worker``
    (a separate process on the same database), which runs them."""
    from catalog.jobs.models import Job
    from harvesters.tasks import HARVEST_TASK
    from tests.harvesters.conftest import wait_until

    app, _worker = rq_app
    _inventory(app, file_server, "DAILY", "on-workers")
    runner = CliRunner()
    outcome = runner.invoke(main, ["harvest", "run-due"], obj=app)
    assert outcome.exit_code == 0, outcome.output
    assert "queued 1, ran 0, sent to workers 1" in outcome.output

    def harvest_job() -> HarvestJob:
        with app.extensions["db_sessionmaker"]() as db:
            job = db.scalar(sa.select(HarvestJob))
            db.expunge(job)
            return job

    assert wait_until(lambda: harvest_job().status not in ("New", "Running"), timeout=90)
    job = harvest_job()
    assert job.status == "Finished", job.reason
    assert job.stats == {"added": 5}

    def queued() -> list[tuple]:
        with app.extensions["db_sessionmaker"]() as db:
            return [(j.status, j.result) for j in db.scalars(
                sa.select(Job).where(Job.kind == HARVEST_TASK))]

    assert wait_until(lambda: queued()[0][0] != "running", timeout=30)
    assert queued() == [("succeeded", {"harvest_job_id": job.id, "status": "Finished"})]
    # the scheduler's loop, once: nothing is due, nothing is sent again
    again = runner.invoke(main, ["harvest", "scheduler", "--once"], obj=app)
    assert again.exit_code == 0, again.output
    with app.extensions["db_sessionmaker"]() as db:
        assert db.scalar(sa.select(sa.func.count()).select_from(HarvestJob)) == 1
        assert db.scalar(sa.select(sa.func.count()).where(Job.kind == HARVEST_TASK)) == 1


def test_with_redis_harvest_now_goes_to_the_workers_at_once(rq_app, file_server):
    """harvest_job_create (the "Harvest now" button) hands the job to the workers when it
    commits: it runs without a pass of the scheduler, and a pass meanwhile sends it no
    second time."""
    from catalog.jobs.models import Job
    from harvesters.tasks import HARVEST_TASK
    from tests.harvesters.conftest import wait_until
    from tests.helpers import result

    app, _worker = rq_app
    source = _inventory(app, file_server, "MANUAL", "right-now")
    with app.app_context():
        token = factories.make_token(factories.make_user("kanri", sysadmin=True))
    job = result(app.test_client(), "harvest_job_create", token, source_id=source)

    def status() -> str:
        with app.extensions["db_sessionmaker"]() as db:
            return db.scalar(sa.select(HarvestJob.status).where(HarvestJob.id == job["id"]))

    assert "sent to workers 0" in CliRunner().invoke(main, ["harvest", "run-due"], obj=app).output
    assert wait_until(lambda: status() not in ("New", "Running"), timeout=90)
    assert status() == "Finished"
    with app.extensions["db_sessionmaker"]() as db:
        assert db.scalar(sa.select(sa.func.count()).where(Job.kind == HARVEST_TASK)) == 1


def test_a_new_job_waiting_for_a_worker_is_not_sent_twice(rq_app, file_server):
    """No worker reads this queue until the second look: the job is queued once."""
    from catalog.jobs.models import Job
    from harvesters.tasks import HARVEST_TASK

    app, worker = rq_app
    worker.kill()  # nobody takes the job meanwhile
    _inventory(app, file_server, "DAILY", "waiting")
    runner = CliRunner()
    assert "sent to workers 1" in runner.invoke(main, ["harvest", "run-due"], obj=app).output
    assert "sent to workers 0" in runner.invoke(main, ["harvest", "run-due"], obj=app).output
    with app.extensions["db_sessionmaker"]() as db:
        assert db.scalar(sa.select(sa.func.count()).where(Job.kind == HARVEST_TASK)) == 1
        assert db.scalar(sa.select(HarvestJob.status)) == "New"
