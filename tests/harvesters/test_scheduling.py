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
