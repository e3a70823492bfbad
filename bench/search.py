"""Benchmark of package_search on 100,000 datasets, per search engine.

    .venv/bin/python bench/search.py [--datasets 100000] [--postgres URL] [--noida | --elasticsearch URL]

Builds a catalog of generated datasets (the quality set's topics over places, years and
access levels), indexes it with ``catalog search rebuild``'s code, then times the
package_search action (query analysis, the engine, the access policy and turning the
page of results into CKAN dicts) for the quality set's queries plus an empty query, with
and without the search page's facets, as an anonymous visitor and as a staff member of
one organization. The same run measures a baseline: plain SQL LIKE matching (this
catalog's first search engine) on the same database, with the same facets and policy.

SQLite is always measured; PostgreSQL with ``--postgres`` (a server URL: a database is
created and dropped); Elasticsearch with ``--elasticsearch URL`` or ``--noida`` (starts the
noida-db server bundled with the test extras). The generated SQLite file is kept in
``bench/output/`` and reused by later runs of the same size.
"""

from __future__ import annotations

import argparse
import logging
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import sqlalchemy as sa  # noqa: E402

from access_control.principals import principal_for  # noqa: E402
from catalog import create_app  # noqa: E402
from catalog.api.context import Context  # noqa: E402
from catalog.api.registry import get_action  # noqa: E402
from catalog.migrate import upgrade  # noqa: E402
from catalog.search.sql import SqlSearchIndex  # noqa: E402
from bench.search_data import LikeStore, build_catalog, make_staff_user  # noqa: E402
from tests.search_quality.queries import QUERIES  # noqa: E402

OUTPUT = Path(__file__).resolve().parent / "output"
FACETS = ["organization", "groups", "tags", "res_format", "license_id", "access_level", "frequency"]


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def time_searches(app, user_name: str | None, with_facets: bool,
                  passes: int) -> tuple[list[float], list[float]]:
    """Milliseconds per package_search call over the query mix: elapsed, and CPU time of
    this process (SQLite runs in it; a PostgreSQL server's work is not counted there).
    On a shared machine the CPU time shows the work done whatever else runs."""
    texts = [query.text for query in QUERIES] + [""]
    action = get_action("package_search").function
    timings, cpu = [], []
    with app.app_context():
        from catalog import db

        session = db.session()
        user = None
        if user_name:
            from access_control.models import User

            user = session.scalar(sa.select(User).where(User.name == user_name))
        for run in range(passes + 1):
            for text in texts:
                data = {"q": text, "rows": 20, "sort": "score desc, metadata_modified desc"}
                if with_facets:
                    data.update({"facet.field": FACETS, "facet.limit": 10})
                start, cpu_start = time.perf_counter(), time.process_time()
                context = Context(db=session, principal=principal_for(session, user),
                                  settings=app.config["SETTINGS"])
                action(context, data)
                elapsed = (time.perf_counter() - start) * 1000
                used = (time.process_time() - cpu_start) * 1000
                if run > 0:  # the first pass warms caches and is not counted
                    timings.append(elapsed)
                    cpu.append(used)
                session.rollback()
    return timings, cpu


def measure(label: str, app, staff: str, passes: int) -> None:
    for who, user in (("anonymous", None), ("staff", staff)):
        for with_facets in (True, False):
            timings, cpu = time_searches(app, user, with_facets, passes)
            print(f"{label:<34} {who:<9} {'facets' if with_facets else 'no facets':<9} "
                  f"p50 {statistics.median(timings):7.1f} ms   p95 {percentile(timings, 0.95):7.1f} ms"
                  f"   cpu p50 {statistics.median(cpu):7.1f} p95 {percentile(cpu, 0.95):7.1f} ms"
                  f"   ({len(timings)} calls, load {os.getloadavg()[0]:.1f})", flush=True)


def make_app(database_url: str, search_url: str, folder: Path):
    return create_app({"instance_dir": folder, "database_url": database_url,
                       "storage_url": str(folder / "files"), "secret_key": "bench",
                       "search_url": search_url})


def prepare(database_url: str, search_url: str, folder: Path, datasets: int, fresh: bool,
            index: bool = True):
    """An app on a database holding ``datasets`` generated datasets, indexed."""
    app = make_app(database_url, search_url, folder)
    logging.getLogger("elastic_transport").setLevel(logging.WARNING)
    if fresh:
        upgrade(database_url)
        with app.app_context():
            started = time.perf_counter()
            build_catalog(app, datasets)
            with app.extensions["db_engine"].begin() as connection:
                connection.exec_driver_sql("ANALYZE")  # as autovacuum would after a bulk load
            print(f"  generated {datasets} datasets in {time.perf_counter() - started:.0f} s", flush=True)
    with app.app_context():
        from catalog.search.upkeep import rebuild

        if index or fresh:
            started = time.perf_counter()
            rebuild(batch_size=1000)
            print(f"  indexed in {time.perf_counter() - started:.0f} s "
                  f"(catalog search rebuild)", flush=True)
        staff = make_staff_user(app)
    return app, staff


def start_noida(folder: Path) -> tuple[str, subprocess.Popen]:
    import socket

    import requests

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    from tests.catalog.search.conftest import _noida_binary

    binary = _noida_binary()  # the server itself, so that stopping it stops the server
    process = subprocess.Popen([binary, "start", "--only", "elasticsearch", "--elasticsearch-port",
                                str(port), "--data-dir", str(folder / "noida")],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    for _attempt in range(300):
        try:
            if requests.get(url, timeout=1).ok:
                return url, process
        except requests.ConnectionError:
            time.sleep(0.1)
    process.kill()
    raise SystemExit("noida-db did not start")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--datasets", type=int, default=100_000)
    parser.add_argument("--passes", type=int, default=2, help="timed passes over the query mix")
    parser.add_argument("--postgres", default="", help="PostgreSQL server URL (optional)")
    parser.add_argument("--elasticsearch", default="", help="Elasticsearch URL (optional)")
    parser.add_argument("--noida", action="store_true", help="start noida-db for Elasticsearch")
    parser.add_argument("--es-datasets", type=int, default=0,
                        help="datasets for Elasticsearch (default: all; noida-db is slow)")
    parser.add_argument("--skip-sqlite", action="store_true",
                        help="measure only the other engines (SQLite still holds their data)")
    parser.add_argument("--reindex", action="store_true",
                        help="rebuild the SQLite index even when reusing the database")
    arguments = parser.parse_args()
    random.seed(20261127)
    OUTPUT.mkdir(exist_ok=True)
    folder = Path(tempfile.mkdtemp(prefix="bench-search-"))
    print(f"package_search on {arguments.datasets} datasets, {len(QUERIES) + 1} query texts, "
          f"{os.cpu_count()} cores (load average {os.getloadavg()[0]:.1f})", flush=True)

    sqlite_file = OUTPUT / f"search-{arguments.datasets}.sqlite"
    fresh = not sqlite_file.exists()
    sqlite_url = f"sqlite:///{sqlite_file}"
    print("SQLite:", "building" if fresh else f"reusing {sqlite_file}", flush=True)
    if not arguments.skip_sqlite:
        app, staff = prepare(sqlite_url, "", folder, arguments.datasets, fresh, arguments.reindex)
        measure("SqlSearchIndex (SQLite FTS5)", app, staff, arguments.passes)
        app.extensions["search_index"] = baseline = SqlSearchIndex(app.extensions["db_engine"])
        baseline.store = LikeStore()
        measure("baseline: SQL LIKE (SQLite)", app, staff, arguments.passes)

    es_url, noida = arguments.elasticsearch, None
    if arguments.noida:
        es_url, noida = start_noida(folder)
    try:
        if es_url:
            print("Elasticsearch:", es_url, flush=True)
            alias = f"{es_url.rstrip('/')}/bench-{uuid.uuid4().hex[:8]}"
            es_size = arguments.es_datasets or arguments.datasets
            es_file = OUTPUT / f"search-{es_size}.sqlite"
            es_app, staff = prepare(f"sqlite:///{es_file}", alias, folder, es_size,
                                    not es_file.exists())
            print(f"  ({es_size} datasets)", flush=True)
            measure("ElasticsearchIndex" + (" (noida-db)" if noida else ""), es_app, staff,
                    arguments.passes)
            index = es_app.extensions["search_index"]
            for name in index._indices_of(index.alias):
                index.client.indices.delete(index=name)
    finally:
        if noida is not None:
            noida.terminate()
            noida.wait(timeout=30)

    if arguments.postgres:
        from tests.conftest import create_postgres_database, drop_postgres_database

        server = sa.create_engine(arguments.postgres, isolation_level="AUTOCOMMIT")
        url = create_postgres_database(server, "catalog_bench")
        try:
            print("PostgreSQL: building", flush=True)
            pg_app, staff = prepare(url, "", folder, arguments.datasets, True)
            measure("SqlSearchIndex (PostgreSQL GIN)", pg_app, staff, arguments.passes)
            pg_app.extensions["search_index"] = baseline = SqlSearchIndex(pg_app.extensions["db_engine"])
            baseline.store = LikeStore()
            measure("baseline: SQL LIKE (PostgreSQL)", pg_app, staff, arguments.passes)
            pg_app.extensions["db_engine"].dispose()
        finally:
            drop_postgres_database(server, url)
    shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
