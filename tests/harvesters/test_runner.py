"""The base runner: failures leave the catalog exactly as it was and a readable reason;
retries, time and item limits, dry runs, aborts, dead jobs."""

from __future__ import annotations

import json
import threading
import time
from datetime import timedelta

import pytest
import sqlalchemy as sa
from werkzeug.wrappers import Response

from catalog.db import utcnow
from harvesters.models import HarvestJob, HarvestSource, JobStatus
from harvesters.scheduling import recover_stale_jobs
from tests import factories
from tests.harvesters.conftest import catalog_state, datasets_by_title, harvest, make_source, wait_until


def package(number: int, **fields) -> dict:
    return {"id": f"remote-{number}", "name": f"dataset-{number}", "title": f"データ{number}",
            "notes": "", "private": False, "organization": {"name": "remote-org"},
            "metadata_modified": "2026-01-01T00:00:00", "resources": [], "tags": [],
            "extras": [], **fields}


def fake_ckan(server, packages: list[dict], broken_pages: set[int] = frozenset(),
              delay: float = 0.0, failures_before_success: int = 0):
    """A CKAN package_search over ``packages``: pages in ``broken_pages`` answer 500;
    the first ``failures_before_success`` calls answer 503."""
    calls = {"count": 0}

    def search(request):
        calls["count"] += 1
        if calls["count"] <= failures_before_success:
            return Response("busy", status=503)
        time.sleep(delay)
        rows, start = int(request.args.get("rows", 10)), int(request.args.get("start", 0))
        if start // rows in broken_pages:
            return Response("<html>Internal Server Error</html>", status=500)
        body = {"success": True, "result": {"count": len(packages),
                                            "results": packages[start:start + rows]}}
        return Response(json.dumps(body), content_type="application/json")

    server.routes["/api/3/action/package_search"] = search
    return calls


def _source(app, server, **config) -> str:
    org = factories.make_org()
    return make_source(app, url=server.url, source_type="ckan", owner_org=org.id,
                       default_access_level="open",
                       config={"retries": 1, "retry_backoff": 0, "page_size": 2,
                               "incremental": False, **config})


def _harvested_once(app, server, count: int = 3, **config):
    packages = [package(n) for n in range(count)]
    fake_ckan(server, packages)
    source = _source(app, server, **config)
    assert harvest(app, source)["stats"] == {"added": count}
    return source, packages


def test_garbage_fails_the_job_and_changes_nothing(app, file_server):
    source, _packages = _harvested_once(app, file_server)
    before = catalog_state(app)
    file_server.serve("/api/3/action/package_search", "<!doctype html><p>メンテナンス中</p>",
                      "text/html")
    job = harvest(app, source)
    assert job["status"] == "Failed"
    assert job["failed_stage"] == "gather"
    assert "JSON" in job["reason"] and "メンテナンス中" in job["reason"]
    assert catalog_state(app) == before


def test_a_source_dying_halfway_fails_the_job_and_changes_nothing(app, file_server):
    source, packages = _harvested_once(app, file_server, count=5)
    before = catalog_state(app)
    changed = [package(0, title="変更後の題名"), *packages[1:]]
    changed.pop()  # a deletion that must not be applied either
    fake_ckan(file_server, changed, broken_pages={1})
    job = harvest(app, source)
    assert job["status"] == "Failed"
    assert "500" in job["reason"] and "2" in job["reason"]  # after 2 attempts
    assert catalog_state(app) == before
    assert "変更後の題名" not in datasets_by_title(app)


@pytest.mark.public_only
def test_sources_on_the_internal_network_are_refused_by_default(app, file_server):
    """Org admins create sources: without CATALOG_LINK_FETCH_ALLOW_PRIVATE the server
    does not fetch its own or the office network's addresses, nor follow a public
    redirect into them, and shows none of their answer."""
    file_server.serve("/secret", "internal-only-answer")
    calls = fake_ckan(file_server, [package(1)])
    job = harvest(app, _source(app, file_server))
    assert job["status"] == "Failed" and "内部ネットワーク" in job["reason"], job["reason"]
    assert calls["count"] == 0 and "internal-only-answer" not in json.dumps(job["log"])
    assert catalog_state(app) == {}


def test_redirects_are_followed_and_each_target_checked(app, file_server):
    fake_ckan(file_server, [package(1)])
    file_server.routes["/moved/api/3/action/package_search"] = lambda request: Response(
        status=302, headers={"Location": f"{file_server.url}/api/3/action/package_search?"
                             f"{request.query_string.decode()}"})
    source = make_source(app, url=file_server.url + "/moved", source_type="ckan",
                         owner_org=factories.make_org().id, default_access_level="open",
                         config={"retries": 0, "incremental": False})
    assert harvest(app, source)["stats"] == {"added": 1}


def test_retries_with_back_off_then_succeeds(app, file_server):
    calls = fake_ckan(file_server, [package(1)], failures_before_success=2)
    source = _source(app, file_server, retries=3, retry_backoff=0.05)
    job = harvest(app, source)
    assert job["status"] == "Finished", job["reason"]
    assert job["stats"] == {"added": 1}
    assert calls["count"] == 3


def test_time_limit_fails_the_job_with_its_reason(app, file_server):
    fake_ckan(file_server, [package(n) for n in range(6)], delay=0.6)
    source = _source(app, file_server, time_limit=1)
    started = time.monotonic()
    job = harvest(app, source)
    assert time.monotonic() - started < 10
    assert job["status"] == "Failed"
    assert "1" in job["reason"] and job["failed_stage"] == "gather"
    assert catalog_state(app) == {}


def test_dry_run_reports_and_changes_nothing(app, file_server):
    fake_ckan(file_server, [package(1), package(2)])
    source = _source(app, file_server)
    job = harvest(app, source, dry_run=True)
    assert job["status"] == "Finished"
    assert job["stats"] == {"added": 2}
    assert catalog_state(app) == {}
    assert harvest(app, source)["stats"] == {"added": 2}  # the dry run did not count


def test_item_limit(app, file_server):
    fake_ckan(file_server, [package(n) for n in range(5)])
    source = _source(app, file_server, max_items=2)
    assert harvest(app, source)["stats"] == {"added": 2}


def test_an_item_the_catalog_refuses_is_errored_and_the_others_go_in(app, file_server):
    too_big = {"name": "x", "url": "https://example.jp/x.csv", "size": 2 ** 70}
    fake_ckan(file_server, [package(1), package(2, temporal_start="2026-02-30"), package(3),
                            package(4, resources=[too_big])])
    job = harvest(app, _source(app, file_server))
    assert job["status"] == "Finished"
    assert job["stats"] == {"added": 2, "errored": 2}
    line = job["objects"]["remote-2"]
    assert line.stage == "import" and "temporal_start" in line.error
    assert "size" in job["objects"]["remote-4"].error  # no column holds it: said, not a crash
    assert set(datasets_by_title(app)) == {"データ1", "データ3"}


def test_an_empty_listing_does_not_withdraw_everything(app, file_server):
    source, _packages = _harvested_once(app, file_server)
    before = catalog_state(app)
    fake_ckan(file_server, [])
    job = harvest(app, source)
    assert job["status"] == "Failed" and "allow_empty" in job["reason"]
    assert catalog_state(app) == before


def test_abort_stops_a_running_job_and_rolls_back(app, file_server):
    fake_ckan(file_server, [package(n) for n in range(8)], delay=0.4)
    source = _source(app, file_server, page_size=1)
    result = {}
    worker = threading.Thread(target=lambda: result.update(harvest(app, source)))
    worker.start()

    def running() -> bool:
        with app.app_context():
            return factories.system_context().db.scalar(
                sa.select(HarvestJob.status)) == JobStatus.RUNNING

    assert wait_until(running)
    with app.app_context():
        from harvesters import services

        context = factories.system_context()
        services.abort_job(context, context.db.scalar(sa.select(HarvestJob)), "テスト中止")
        context.db.commit()
    worker.join(timeout=30)
    assert result["status"] == "Aborted" and result["reason"] == "テスト中止"
    assert catalog_state(app) == {}


def test_a_job_whose_process_died_is_marked_failed(app, file_server):
    fake_ckan(file_server, [package(1)])
    source = _source(app, file_server, time_limit=60)
    with app.app_context():
        context = factories.system_context()
        found = context.db.scalar(sa.select(HarvestSource).where(HarvestSource.name == source))
        dead = HarvestJob(source_id=found.id, status=JobStatus.RUNNING,
                          gather_started=utcnow() - timedelta(minutes=10))
        fresh = HarvestJob(source_id=found.id, status=JobStatus.RUNNING, gather_started=utcnow())
        context.db.add_all([dead, fresh])
        context.db.commit()
        assert recover_stale_jobs(context.db) == 1
        context.db.commit()
        assert dead.status == "Failed"
        assert "stopped" in dead.reason or "停止" in dead.reason
        assert fresh.status == "Running"


@pytest.fixture
def database_refusing(app):
    """Makes the real database refuse to store a dataset of the given name, as a full
    disk or a lost connection would refuse a write halfway through an import."""
    engine = app.extensions["db_engine"]
    created = []

    def refuse(name: str) -> None:
        with engine.begin() as connection:
            if engine.dialect.name == "sqlite":
                connection.exec_driver_sql(
                    f"CREATE TRIGGER refuse_dataset BEFORE INSERT ON datasets WHEN "
                    f"NEW.name = '{name}' BEGIN SELECT RAISE(ABORT, 'disk full'); END")
            else:
                connection.exec_driver_sql(
                    f"CREATE FUNCTION refuse_dataset() RETURNS trigger AS $$ BEGIN "
                    f"IF NEW.name = '{name}' THEN RAISE EXCEPTION 'disk full'; END IF; "
                    f"RETURN NEW; END $$ LANGUAGE plpgsql")
                connection.exec_driver_sql(
                    "CREATE TRIGGER refuse_dataset BEFORE INSERT ON datasets "
                    "FOR EACH ROW EXECUTE FUNCTION refuse_dataset()")
        created.append(name)

    yield refuse
    if created:
        with engine.begin() as connection:
            connection.exec_driver_sql(
                "DROP TRIGGER refuse_dataset" if engine.dialect.name == "sqlite" else
                "DROP TRIGGER refuse_dataset ON datasets; DROP FUNCTION refuse_dataset()")


def test_a_crash_halfway_through_the_import_rolls_every_item_back(app, file_server,
                                                                   database_refusing):
    """Items applied before the crash are undone too: the import is one transaction
    (on SQLite this needs the real BEGIN before the first SAVEPOINT)."""
    source, packages = _harvested_once(app, file_server, count=3)
    before = catalog_state(app)
    fake_ckan(file_server, [package(0, title="更新された"), packages[1], package(5), package(9)])
    database_refusing("dataset-9")
    job = harvest(app, source)
    assert job["status"] == "Failed" and job["failed_stage"] == "import"
    assert catalog_state(app) == before
