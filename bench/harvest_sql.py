"""Benchmark: the sql harvester on an application database table of N rows.

Prints the harvest time (read the table, write the CSV, import, ingest into the DataStore,
plus the aggregated derivative) beside a baseline measured in the same run: the same table
exported to CSV with plain ``sqlite3`` + ``csv`` and that file run through the ingest
pipeline directly, which bounds the harvest from below. Then an unchanged re-run.

    .venv/bin/python bench/harvest_sql.py                  # 200,000 rows, SQLite catalog
    .venv/bin/python bench/harvest_sql.py --rows 50000 --repeat 3

The machine has 2 cores shared with other work: quote ratios to the baseline, not seconds.
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import shutil
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.harvest import build_app, harvest_once, new_database  # noqa: E402

KINDS = ["児童手当", "犬の登録", "住民票の写し", "印鑑登録証明", "転入届", "保育所入所"]
CITIES = ["福岡市", "北九州市", "久留米市", "飯塚市", "大牟田市", "春日市", "糸島市", "宗像市"]


def application_database(path: Path, rows: int) -> None:
    random.seed(7)
    with sqlite3.connect(path) as connection:
        connection.execute('CREATE TABLE applications (id INTEGER PRIMARY KEY, "氏名" TEXT, '
                           '"申請種別" TEXT, "市町村" TEXT, "受付日" TEXT, "手数料" INTEGER)')
        connection.executemany(
            "INSERT INTO applications VALUES (?, ?, ?, ?, ?, ?)",
            ((n, f"申請者{n}", random.choice(KINDS), random.choice(CITIES),
              f"2026-{1 + n % 12:02d}-{1 + n % 28:02d}", random.choice([0, 300, 350]))
             for n in range(1, rows + 1)))


def baseline(app, database: Path, work: Path) -> float:
    """sqlite3 -> csv, then the ingest pipeline on that file."""
    from ingest.pipeline import ingest_file

    started = time.perf_counter()
    path = work / "baseline.csv"
    with sqlite3.connect(database) as connection, path.open("w", newline="",
                                                            encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        cursor = connection.execute("SELECT * FROM applications ORDER BY id")
        writer.writerow([column[0] for column in cursor.description])
        while batch := cursor.fetchmany(5000):
            writer.writerows(batch)
    with app.app_context():
        out = work / "baseline-ingest"
        out.mkdir()
        ingest_file(str(path), str(out),
                    memory_limit=app.config["SETTINGS"].duckdb_memory_limit)
    return time.perf_counter() - started


def ingested_rows(app) -> list[int]:
    """Rows of the DataStore tables the harvest's ingest made (proof it was included)."""
    import sqlalchemy as sa

    from catalog import db as database
    from ingest.models import DataTable

    with app.app_context():
        return sorted(database.session().scalars(sa.select(DataTable.row_count)))


def make_source(app, url: str, name: str) -> str:
    from access_control.principals import system_principal
    from catalog import db as database
    from catalog.api.context import Context
    from catalog.organizations.models import Organization
    from harvesters import services
    from harvesters.models import HarvestSource

    with app.app_context():
        db = database.session()
        if db.query(Organization).filter_by(name="shinsei").first() is None:
            db.add(Organization(name="shinsei", title="申請管理課"))
            db.commit()
        context = Context(db=db, principal=system_principal(db), settings=app.config["SETTINGS"])
        source = HarvestSource()
        services.apply_source(context, source, {
            "title": "申請管理システム", "name": name, "url": url, "source_type": "sql",
            "owner_org": "shinsei", "config": {
                "time_limit": 86400, "request_timeout": 600,
                "tables": [{"table": "applications", "aggregate": {
                    "dimensions": ["申請種別", "市町村"], "k": 10}}]}}, partial=False)
        db.add(source)
        db.commit()
        return source.name


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--repeat", type=int, default=2, help="interleaved runs; best kept")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="bench-harvest-sql-"))
    try:
        database = folder / "shinsei.sqlite"
        application_database(database, args.rows)
        best = {"baseline": float("inf"), "harvest": float("inf"), "rerun": float("inf")}
        stats = {}
        for run in range(args.repeat):
            url, _drop = new_database(None, folder, f"catalog{run}")
            app = build_app(folder / f"catalog{run}", url)
            work = folder / f"work{run}"
            work.mkdir()
            best["baseline"] = min(best["baseline"], baseline(app, database, work))
            source = make_source(app, f"sqlite:///{database}", f"bench-sql-{run}")
            stats["harvest"], seconds = harvest_once(app, source)
            best["harvest"] = min(best["harvest"], seconds)
            stats["tables"] = ingested_rows(app)
            stats["rerun"], seconds = harvest_once(app, source)
            best["rerun"] = min(best["rerun"], seconds)
            app.extensions["db_engine"].dispose()
        print(f"\nsql harvest of a {args.rows}-row table (SQLite source and catalog, "
              f"{os.cpu_count()} cores, best of {args.repeat} interleaved runs)")
        print(f"DataStore tables made by the harvest (rows): {stats['tables']}")
        print(f"{'measure':58} {'seconds':>8} {'rows/s':>9} {'x baseline':>10}")
        rows = [("baseline: sqlite3 -> csv + ingest pipeline", best["baseline"], ""),
                (f"harvest, first run {stats['harvest']}", best["harvest"], ""),
                (f"harvest, re-run {stats['rerun']}", best["rerun"], "")]
        for label, seconds, _ in rows:
            print(f"{label:58} {seconds:8.2f} {args.rows / seconds:9.0f} "
                  f"{seconds / best['baseline']:10.2f}")
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
