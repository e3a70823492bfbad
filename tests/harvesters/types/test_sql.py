"""The sql harvester against real application databases: SQLite files and scratch
databases on the PostgreSQL server."""

from __future__ import annotations

import gc
import json
import os
import threading
import time
import uuid
import warnings
from contextlib import contextmanager

import pytest
import sqlalchemy as sa

from harvesters.types.sql_data import looks_personal, open_engine, select_problem
from tests import factories
from tests.conftest import create_postgres_database, drop_postgres_database
from tests.harvesters.conftest import catalog_state, datasets_by_title, harvest, make_source, wait_until
from tests.helpers import call, result

APPLICANTS = [  # (申請種別, 市町村, how many)
    ("児童手当", "福岡市", 12), ("児童手当", "北九州市", 3), ("犬の登録", "福岡市", 10),
]


MARIADB_SERVER = os.environ.get("CATALOG_TEST_MARIADB_URL", "mysql+pymysql://root@127.0.0.1:3306/")


def _engine(url: str) -> sa.Engine:
    """A writing engine (MariaDB told to read "..." as identifiers, like the others)."""
    if url.startswith("mysql"):
        return sa.create_engine(url, connect_args={"init_command": "SET sql_mode='ANSI_QUOTES'"})
    return sa.create_engine(url)


def _fill(url: str) -> None:
    engine = _engine(url)
    with engine.begin() as connection:
        connection.execute(sa.text(
            'CREATE TABLE applications (id INTEGER PRIMARY KEY, "氏名" VARCHAR(50), '
            '"住所" VARCHAR(200), "電話番号" VARCHAR(20), "生年月日" DATE, email VARCHAR(100), '
            '"申請種別" VARCHAR(50), "市町村" VARCHAR(50), "受付日" DATE)'))
        number = 0
        for kind, city, count in APPLICANTS:
            for _ in range(count):
                number += 1
                connection.execute(sa.text(
                    "INSERT INTO applications VALUES (:id, :name, :address, :phone, :born, "
                    ":email, :kind, :city, :received)"),
                    {"id": number, "name": f"福岡 太郎{number}", "address": f"{city}中央区{number}番地",
                     "phone": f"092-000-{number:04d}", "born": f"19{50 + number}-01-01",
                     "email": f"taro{number}@example.jp", "kind": kind, "city": city,
                     "received": "2026-04-01"})
        connection.execute(sa.text(
            "CREATE TABLE facilities (facility_id INTEGER PRIMARY KEY, facility_name VARCHAR(100), "
            "city VARCHAR(50), capacity INTEGER)"))
        connection.execute(sa.text(
            "INSERT INTO facilities VALUES (1, '中央保育園', '福岡市', 120), "
            "(2, '八幡保育園', '北九州市', 90)"))
    engine.dispose()


def _execute(url: str, statement: str) -> None:
    engine = _engine(url)
    with engine.begin() as connection:
        connection.execute(sa.text(statement))
    engine.dispose()


@contextmanager
def mariadb_database():
    """A scratch database on the MariaDB server (skipped when there is none: optional)."""
    server = sa.create_engine(MARIADB_SERVER)
    name = f"harvest_sql_{uuid.uuid4().hex[:12]}"
    try:
        with server.connect() as connection:
            connection.execute(sa.text(f"CREATE DATABASE {name} CHARACTER SET utf8mb4"))
    except sa.exc.OperationalError as error:
        server.dispose()
        pytest.skip(f"MariaDB at {MARIADB_SERVER} is unreachable: {error.orig}")
    try:
        yield server.url.set(database=name, query={"charset": "utf8mb4"}).render_as_string(
            hide_password=False)
    finally:
        with server.connect() as connection:
            connection.execute(sa.text(f"DROP DATABASE IF EXISTS {name}"))
        server.dispose()


@pytest.fixture(params=["sqlite", "postgresql", "mariadb"])
def system_db(request, tmp_path):
    """An application system's database, filled with applications and facilities."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'shinsei.sqlite'}"
        _fill(url)
        yield url
        return
    if request.param == "mariadb":
        with mariadb_database() as url:
            _fill(url)
            yield url
        return
    server = request.getfixturevalue("postgres_server")
    url = create_postgres_database(server, "harvest_sql")
    try:
        _fill(url)
        yield url
    finally:
        drop_postgres_database(server, url)


@pytest.fixture
def sqlite_db(tmp_path):
    url = f"sqlite:///{tmp_path / 'shinsei.sqlite'}"
    _fill(url)
    return url


def _source(app, url: str, org_name: str = "kodomo", **config) -> tuple[str, object]:
    org = factories.make_org(org_name, title="こども未来課")
    config = {"tables": ["applications", "facilities"], "retries": 0,
              "aggregate": None, **config}
    if config["aggregate"] is None:
        del config["aggregate"]
    name = make_source(app, url=url, source_type="sql", owner_org=org.id, title="申請管理システム",
                       default_access_level="open", default_license_id="CC-BY-4.0", config=config)
    return name, org


def _table_config():
    return {"tables": ["facilities", {"table": "applications", "title": "申請一覧",
                                      "aggregate": {"dimensions": ["申請種別", "市町村"], "k": 10}}]}


def test_tables_become_restricted_datasets_flagged_and_an_open_aggregate(app, client, system_db):
    source, org = _source(app, system_db, **_table_config())
    job = harvest(app, source)
    assert job["status"] == "Finished", job["reason"]
    assert job["stats"] == {"added": 3}
    datasets = datasets_by_title(app)
    applications = datasets["申請一覧"]
    assert applications["access_level"] == "restricted"  # although the source's default is open
    assert datasets["facilities"]["access_level"] == "restricted"
    extras = {e["key"]: e["value"] for e in applications["extras"]}
    assert extras["personal_data_columns"] == "氏名, 住所, 電話番号, 生年月日, email"
    assert extras["row_count"] == "25"
    assert "personal_data_columns" not in {e["key"] for e in datasets["facilities"]["extras"]}
    line = job["objects"]["table:applications"]
    assert "氏名" in line.message and "email" in line.message  # the warning in the report

    member = factories.make_token(factories.make_user(orgs={org: "member"}))
    rows = result(client, "datastore_search", member, _method="GET",
                  resource_id=applications["resources"][0]["id"], limit=100)
    assert rows["total"] == 25
    assert rows["records"][0]["氏名"] == "福岡 太郎1"

    aggregate = datasets["申請一覧（集計）"]
    assert aggregate["access_level"] == "open" and aggregate["license_id"] == "CC-BY-4.0"
    counts = result(client, "datastore_search", _method="GET",
                    resource_id=aggregate["resources"][0]["id"])
    assert [f["id"] for f in counts["fields"] if f["id"] != "_id"] == ["申請種別", "市町村", "件数", "秘匿"]
    table = {(r["申請種別"], r["市町村"]): (r["件数"], r["秘匿"]) for r in counts["records"]}
    assert table == {("児童手当", "福岡市"): (12, False), ("児童手当", "北九州市"): (None, True),
                     ("犬の登録", "福岡市"): (10, False)}

    _sign_in(client, factories.make_user(orgs={org: "member"}))
    page = client.get(f"/dataset/{applications['name']}")
    assert page.status_code == 200 and "個人情報と思われる列" in page.text and "電話番号" in page.text


def _sign_in(client, user) -> None:
    with client.session_transaction() as session:
        session["user_id"] = user.id


def test_rerun_change_and_deletion(app, system_db):
    source, _org = _source(app, system_db, **_table_config())
    assert harvest(app, source)["stats"] == {"added": 3}
    before = catalog_state(app)
    again = harvest(app, source)
    assert again["stats"] == {"unchanged": 3}
    assert catalog_state(app) == before  # same rows: no revision, nothing queued again

    _execute(system_db, "UPDATE facilities SET capacity = 130 WHERE facility_id = 1")
    changed = harvest(app, source)
    assert changed["stats"] == {"updated": 1, "unchanged": 2}
    assert changed["objects"]["table:facilities"].report_status == "updated"
    after = catalog_state(app)
    unchanged = [i for i, (data, _r) in before.items() if data["title"] != "facilities"]
    assert all(after[i] == before[i] for i in unchanged)

    _execute(system_db, "DROP TABLE facilities")
    dropped = harvest(app, source)
    assert dropped["stats"] == {"deleted": 1, "unchanged": 2}
    assert datasets_by_title(app)["facilities"]["state"] == "deleted"


def test_harvested_restricted_data_obeys_the_access_policy(app, client, sqlite_db):
    source, org = _source(app, sqlite_db, **_table_config())
    assert harvest(app, source)["stats"] == {"added": 3}
    datasets = datasets_by_title(app)
    raw, aggregate = datasets["申請一覧"], datasets["申請一覧（集計）"]

    found = result(client, "package_search", _method="GET", q="申請一覧", rows=100)
    assert [d["name"] for d in found["results"]] == [aggregate["name"]]
    status, _body = call(client, "package_show", _method="GET", id=raw["name"])
    assert status in (403, 404)
    status, _body = call(client, "datastore_search", _method="GET",
                         resource_id=raw["resources"][0]["id"])
    assert status in (403, 404)
    assert client.get(f"/dataset/{raw['name']}").status_code == 404

    outsider = factories.make_token(factories.make_user())  # staff, another department
    found = result(client, "package_search", outsider, _method="GET", q="申請一覧", rows=100)
    assert raw["name"] not in [d["name"] for d in found["results"]]
    status, _body = call(client, "package_show", outsider, _method="GET", id=raw["name"])
    assert status == 403

    member = factories.make_token(factories.make_user(orgs={org: "member"}))
    assert result(client, "package_show", member, _method="GET", id=raw["name"])["title"] == "申請一覧"


def test_queries_and_the_select_only_rule(app, client, sqlite_db):
    source, _org = _source(app, sqlite_db, tables=[], queries={
        "monthly": 'SELECT "受付日", COUNT(*) AS n FROM applications GROUP BY "受付日" ORDER BY 1',
        "broken": "SELECT amount FROM nowhere"})
    job = harvest(app, source)
    assert job["stats"] == {"added": 1, "errored": 1}
    assert "nowhere" in job["objects"]["query:broken"].error
    assert datasets_by_title(app)["monthly"]["access_level"] == "restricted"

    admin = factories.make_token(factories.make_user(sysadmin=True))
    for statement in ("DELETE FROM applications", "SELECT 1; DROP TABLE applications",
                      "WITH gone AS (DELETE FROM applications RETURNING *) SELECT * FROM gone",
                      "SELECT * INTO copy FROM applications"):
        status, body = call(client, "harvest_source_create", admin, name="write-attempt",
                            url=sqlite_db, source_type="sql", owner_org="kodomo",
                            config={"queries": {"q": statement}})
        assert status == 409, statement
        assert "SELECT" in " ".join(body["error"]["config"]) or "一つだけ" in body["error"]["config"][0]
    status, body = call(client, "harvest_source_create", admin, name="personal-dimension",
                        url=sqlite_db, source_type="sql", owner_org="kodomo",
                        config={"tables": ["applications"],
                                "aggregate": {"dimensions": ["住所"], "k": 1}})
    assert status == 409
    assert len(body["error"]["config"]) == 2  # k too small, a personal dimension
    # an organization admin may not point the catalog at a database
    org_admin = factories.make_token(factories.make_user(orgs={factories.make_org("x"): "admin"}))
    status, _body = call(client, "harvest_source_create", org_admin, name="not-allowed",
                         url=sqlite_db, source_type="sql", owner_org="x",
                         config={"tables": ["facilities"]})
    assert status == 403


def test_connections_are_read_only(sqlite_db, postgres_server):
    engine = open_engine(sqlite_db, 10)
    with engine.connect() as connection, pytest.raises(sa.exc.OperationalError):
        connection.execute(sa.text("DELETE FROM applications"))
    engine.dispose()
    url = create_postgres_database(postgres_server, "harvest_sql")
    try:
        _execute(url, "CREATE TABLE t (x INTEGER)")
        engine = open_engine(url, 10)
        with engine.connect() as connection, pytest.raises(sa.exc.InternalError, match="read-only"):
            connection.execute(sa.text("INSERT INTO t VALUES (1)"))
        engine.dispose()
    finally:
        drop_postgres_database(postgres_server, url)
    with mariadb_database() as url:
        _execute(url, "CREATE TABLE t (x INTEGER)")
        engine = open_engine(url, 10)
        with engine.connect() as connection, pytest.raises(sa.exc.OperationalError,
                                                           match="READ ONLY"):
            connection.execute(sa.text("INSERT INTO t VALUES (1)"))
        engine.dispose()


def test_garbage_file_and_missing_database_fail_and_change_nothing(app, tmp_path, sqlite_db):
    source, _org = _source(app, sqlite_db)
    assert harvest(app, source)["stats"] == {"added": 2}
    before = catalog_state(app)
    path = sa.engine.make_url(sqlite_db).database
    with open(path, "wb") as handle:
        handle.write(b"<html>this is not a database</html>" * 200)
    garbage = harvest(app, source)
    assert garbage["status"] == "Failed" and garbage["failed_stage"] == "gather"
    assert "not a database" in garbage["reason"]
    assert catalog_state(app) == before

    missing, _org = _source(app, f"sqlite:///{tmp_path / 'nothing.sqlite'}", org_name="other")
    job = harvest(app, missing)
    assert job["status"] == "Failed" and "unable to open" in job["reason"]
    assert not (tmp_path / "nothing.sqlite").exists()  # read-only: never created


def test_a_runaway_sqlite_query_is_stopped_and_fails_the_job(app, sqlite_db):
    source, _org = _source(app, sqlite_db, tables=[], request_timeout=1, queries={
        "endless": "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) "
                   "SELECT count(*) FROM c"})
    started = time.monotonic()
    job = harvest(app, source)
    assert time.monotonic() - started < 30
    assert job["status"] == "Failed" and "request_timeout" in job["reason"]
    assert catalog_state(app) == {}


def test_a_slow_query_or_a_connection_lost_halfway_fails_the_job(app, postgres_server):
    url = create_postgres_database(postgres_server, "harvest_sql")
    try:
        _fill(url)
        source, _org = _source(app, url, tables=["facilities"], request_timeout=1,
                               queries={"slow": "SELECT pg_sleep(3) AS slept"})
        database = sa.engine.make_url(url).database
        dying = make_source(app, url=url, source_type="sql", name="dying",
                            owner_org=factories.make_org("dying").id,
                            config={"tables": ["facilities"], "retries": 0,
                                    "queries": {"slow": "SELECT pg_sleep(20) AS slept"}})
        killed = {"count": 0}

        def kill_the_query():
            def sleeping() -> bool:
                with postgres_server.connect() as connection:
                    killed["count"] = connection.execute(sa.text(
                        "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                        "WHERE datname = :db AND state = 'active' AND pid <> pg_backend_pid() "
                        # rows are streamed: the sleep happens in the cursor's FETCH
                        "AND (query LIKE '%pg_sleep(20)%' OR query LIKE 'FETCH%')"),
                        {"db": database}).scalar()
                return killed["count"] > 0
            wait_until(sleeping, timeout=20)

        with warnings.catch_warnings():
            # SQLAlchemy drops a connection whose statement timed out or which the server
            # killed without closing psycopg's server-side cursor: the garbage collector
            # closes it, with a ResourceWarning, whenever it runs. Quiet for both jobs.
            warnings.simplefilter("ignore", ResourceWarning)
            job = harvest(app, source)
            assert job["status"] == "Failed" and job["failed_stage"] == "fetch"
            assert "1" in job["reason"] and "request_timeout" in job["reason"]
            assert catalog_state(app) == {}

            killer = threading.Thread(target=kill_the_query)
            killer.start()
            started = time.monotonic()
            job = harvest(app, dying)
            killer.join()
            gc.collect()
        assert killed["count"] == 1 and time.monotonic() - started < 20, job
        assert job["status"] == "Failed" and job["failed_stage"] == "fetch"
        assert "lost" in job["reason"] or "失われ" in job["reason"]
        assert catalog_state(app) == {}
    finally:
        drop_postgres_database(postgres_server, url)


@pytest.mark.parametrize("column", ["氏名", "申請者氏名", "住所", "電話番号", "生年月日", "メールアドレス",
                                    "マイナンバー", "name", "first_name", "applicantName", "address",
                                    "phone", "tel_no", "birth_date", "date_of_birth", "email",
                                    "MailAddress", "shimei", "jusho", "seinengappi", "my_number"])
def test_personal_columns_are_recognised(column):
    assert looks_personal(column)


@pytest.mark.parametrize("column", ["facility_name", "city_name", "市町村", "申請種別", "受付日",
                                    "capacity", "telemetry", "remarks", "addressee_count"])
def test_other_columns_are_not_flagged(column):
    assert not looks_personal(column)


def test_select_problem():
    assert select_problem("SELECT 1") is None
    assert select_problem("  with x as (select 1) select * from x ;") is None
    assert select_problem("SELECT 'DELETE; DROP' AS text") is None  # inside a literal
    assert select_problem("SELECT update_date FROM t") is None
    assert select_problem("UPDATE t SET x = 1")
    assert select_problem("SELECT 1; SELECT 2")
    assert json.dumps(select_problem("")) != "null"
