"""Benchmark: harvest N datasets from a second local instance over the CKAN API.

Prints the harvest rate (datasets/second, first run and an unchanged re-run) beside the
baseline measured in the same run: the raw rate at which the source's package_search can
be paged through (1000 rows a page), which bounds any CKAN-API harvest from above.

    .venv/bin/python bench/harvest.py                 # 10,000 datasets, SQLite
    .venv/bin/python bench/harvest.py --count 2000
    .venv/bin/python bench/harvest.py --database postgresql+psycopg://postgres@127.0.0.1/postgres

With --database, a fresh database is created on that server for each instance and
dropped afterwards. The machine has 2 cores shared with other work: say so when quoting.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

import requests
import sqlalchemy as sa
from werkzeug.serving import make_server

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from catalog import create_app  # noqa: E402
from catalog.migrate import upgrade  # noqa: E402


def new_database(server_url: str | None, folder: Path, name: str) -> tuple[str, callable]:
    """A migrated, empty database and a function that drops it."""
    if not server_url:
        url = f"sqlite:///{folder / (name + '.sqlite')}"
        upgrade(url)
        return url, lambda: None
    admin = sa.create_engine(server_url, isolation_level="AUTOCOMMIT")
    database = f"bench_{name}_{uuid.uuid4().hex[:8]}"
    with admin.connect() as connection:
        connection.execute(sa.text(f'CREATE DATABASE "{database}"'))
    url = admin.url.set(database=database).render_as_string(hide_password=False)
    upgrade(url)

    def drop():
        with admin.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))
        admin.dispose()

    return url, drop


def build_app(folder: Path, database_url: str):
    folder.mkdir(parents=True, exist_ok=True)
    return create_app({"instance_dir": folder, "database_url": database_url,
                       "storage_url": str(folder / "files"), "secret_key": "bench"})


def populate(app, count: int) -> None:
    """``count`` open datasets with tags and a linked CSV, through the real services."""
    from access_control.principals import system_principal
    from catalog import db as database
    from catalog.api.context import Context
    from catalog.datasets import services
    from catalog.organizations.models import Organization

    with app.app_context():
        db = database.session()
        db.add(Organization(name="tokei", title="統計課"))
        db.commit()
        context = Context(db=db, principal=system_principal(db), settings=app.config["SETTINGS"])
        for number in range(count):
            services.create_dataset(context, {
                "name": f"dataset-{number:05d}", "title": f"市町村別統計 第{number}表",
                "notes": f"福岡県の市町村別統計（表番号 {number}）。", "owner_org": "tokei",
                "access_level": "open", "license_id": "CC-BY-4.0", "frequency": "annual",
                "tags": [{"name": "統計"}, {"name": f"分類{number % 20}"}],
                "resources": [{"name": "CSV", "format": "CSV",
                               "url": f"https://example.jp/data/{number}.csv"}],
            })
            if number % 500 == 499:
                db.commit()
        db.commit()


def serve(app) -> tuple:
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    return server, thread, f"http://127.0.0.1:{server.server_port}"


def page_through(url: str) -> tuple[int, float]:
    """The baseline: every dataset through package_search, 1000 a page."""
    started, seen, start = time.perf_counter(), 0, 0
    while True:
        result = requests.get(f"{url}/api/3/action/package_search", timeout=300, params={
            "q": "*:*", "rows": 1000, "start": start,
            "sort": "metadata_modified asc,name asc"}).json()["result"]
        seen += len(result["results"])
        start += 1000
        if start >= result["count"]:
            return seen, time.perf_counter() - started


def harvest_once(app, source_name: str) -> tuple[dict, float]:
    from harvesters.models import HarvestJob
    from harvesters.runner import run_job, source_of

    with app.app_context():
        from access_control.principals import system_principal
        from catalog import db as database
        from catalog.api.context import Context
        from harvesters import services

        db = database.session()
        context = Context(db=db, principal=system_principal(db), settings=app.config["SETTINGS"])
        job = services.create_job(context, source_of(db, source_name))
        db.commit()
        job_id = job.id
    started = time.perf_counter()
    with app.app_context():
        status = run_job(job_id)
    elapsed = time.perf_counter() - started
    with app.app_context():
        from catalog import db as database

        job = database.session().get(HarvestJob, job_id)
        if status != "Finished":
            raise SystemExit(f"harvest failed: {job.reason}")
        return dict(job.stats), elapsed


def make_harvest_source(app, remote_url: str) -> str:
    from access_control.principals import system_principal
    from catalog import db as database
    from catalog.api.context import Context
    from catalog.organizations.models import Organization
    from harvesters import services
    from harvesters.models import HarvestSource

    with app.app_context():
        db = database.session()
        db.add(Organization(name="renkei", title="連携課"))
        db.commit()
        context = Context(db=db, principal=system_principal(db), settings=app.config["SETTINGS"])
        source = HarvestSource()
        services.apply_source(context, source, {
            "title": "ベンチマーク元", "name": "bench-source", "url": remote_url,
            "source_type": "ckan", "owner_org": "renkei", "default_access_level": "open",
            "config": {"incremental": False, "time_limit": 86400}}, partial=False)
        db.add(source)
        db.commit()
        return source.name


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--database", default=os.environ.get("BENCH_DATABASE_URL", ""),
                        help="a PostgreSQL server URL (default: SQLite files)")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="bench-harvest-"))
    drops = []
    try:
        remote_url_db, drop = new_database(args.database, folder, "remote")
        drops.append(drop)
        local_url_db, drop = new_database(args.database, folder, "local")
        drops.append(drop)
        remote_app = build_app(folder / "remote", remote_url_db)
        print(f"populating the source instance with {args.count} datasets ...", flush=True)
        started = time.perf_counter()
        populate(remote_app, args.count)
        print(f"  done in {time.perf_counter() - started:.0f} s", flush=True)
        server, thread, remote_url = serve(remote_app)
        local_app = build_app(folder / "local", local_url_db)
        source = make_harvest_source(local_app, remote_url)

        seen, paging_seconds = page_through(remote_url)
        first_stats, first_seconds = harvest_once(local_app, source)
        second_stats, second_seconds = harvest_once(local_app, source)
        server.shutdown()
        thread.join(timeout=10)

        backend = "PostgreSQL" if args.database else "SQLite"
        print(f"\nharvest of {args.count} datasets over the CKAN API ({backend}, "
              f"{os.cpu_count()} cores)")
        print(f"{'measure':45} {'seconds':>9} {'datasets/s':>11}")
        print(f"{'baseline: raw package_search paging':45} {paging_seconds:9.1f} "
              f"{seen / paging_seconds:11.0f}")
        print(f"{'harvest, first run ' + str(first_stats):45} {first_seconds:9.1f} "
              f"{args.count / first_seconds:11.0f}")
        print(f"{'harvest, re-run ' + str(second_stats):45} {second_seconds:9.1f} "
              f"{args.count / second_seconds:11.0f}")
    finally:
        for drop in drops:
            drop()
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
