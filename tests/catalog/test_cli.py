"""The `catalog` command, run as a real process against each database backend."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa

from tests.conftest import create_postgres_database, drop_postgres_database

CATALOG = str(Path(sys.executable).parent / "catalog")


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_database(request, tmp_path):
    """A database with no tables at all, as on a fresh installation."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'fresh.sqlite'}"
        return
    server = request.getfixturevalue("postgres_server")
    url = create_postgres_database(server, "catalog_cli")
    yield url
    drop_postgres_database(server, url)


def run(database_url: str, instance: Path, *args: str) -> str:
    env = {**os.environ, "CATALOG_DATABASE_URL": database_url,
           "CATALOG_INSTANCE_DIR": str(instance)}
    completed = subprocess.run([CATALOG, *args], capture_output=True, text=True, env=env,
                               timeout=300)
    assert completed.returncode == 0, completed.stderr
    return completed.stdout


def count(database_url: str, table: str, where: str = "") -> int:
    engine = sa.create_engine(database_url)
    with engine.connect() as connection:
        value = connection.scalar(sa.text(f"SELECT count(*) FROM {table} {where}"))
    engine.dispose()
    return value


def test_init_then_demo_twice_creates_the_catalog_once(empty_database, tmp_path):
    run(empty_database, tmp_path, "init")
    run(empty_database, tmp_path, "init")  # upgrading an up-to-date database is a no-op
    first = run(empty_database, tmp_path, "demo")
    assert "44 datasets created" in first
    second = run(empty_database, tmp_path, "demo")
    assert "0 datasets created" in second and "0 users created" in second
    assert count(empty_database, "datasets") == 44
    assert count(empty_database, "organizations", "WHERE parent_id IS NULL") >= 8
    levels = {level: count(empty_database, "datasets", f"WHERE access_level = '{level}'")
              for level in ("open", "internal", "restricted")}
    assert levels["open"] >= 30 and levels["internal"] >= 3 and levels["restricted"] >= 3
    assert count(empty_database, "resources", "WHERE url_type = 'upload'") >= 44
    assert count(empty_database, "dataset_revisions") == count(empty_database, "resources") + 44
    stored = list((tmp_path / "files" / "resources").rglob("*"))
    assert len([path for path in stored if path.is_file()]) == count(empty_database, "resources")
    # The demo's uploads go through the normal ingest: every CSV became a DataStore table
    # (and the second run, with nothing new, queued no job).
    ingested = count(empty_database, "resources", "WHERE datastore_active")
    assert ingested >= 40 and count(empty_database, "datastore_tables") >= ingested
    assert count(empty_database, "jobs", "WHERE status = 'succeeded'") == ingested
    assert count(empty_database, "jobs", "WHERE status <> 'succeeded'") == 0
    parquet = list((tmp_path / "files" / "datastore").rglob("*.parquet"))
    assert len(parquet) == count(empty_database, "datastore_tables")


def test_user_org_member_and_token_commands(empty_database, tmp_path):
    run(empty_database, tmp_path, "init")
    run(empty_database, tmp_path, "user", "add", "suzuki", "--password", "long-password",
        "--email", "suzuki@example.jp")
    run(empty_database, tmp_path, "org", "add", "kikaku", "--title", "企画・地域振興部")
    run(empty_database, tmp_path, "org", "add", "tokei", "--title", "統計調査課",
        "--parent", "kikaku")
    run(empty_database, tmp_path, "member", "add", "tokei", "suzuki", "--role", "editor")
    token = run(empty_database, tmp_path, "token", "create", "suzuki").strip()
    assert token.startswith("cat_")
    from catalog import create_app

    app = create_app({"database_url": empty_database, "instance_dir": tmp_path})
    response = app.test_client().get("/api/3/action/organization_list_for_user",
                                     query_string={"permission": "create_dataset"},
                                     headers={"Authorization": token})
    assert [o["name"] for o in json.loads(response.data)["result"]] == ["tokei"]
    app.extensions["db_engine"].dispose()


def test_cli_errors_are_clear(empty_database, tmp_path):
    run(empty_database, tmp_path, "init")
    env = {**os.environ, "CATALOG_DATABASE_URL": empty_database,
           "CATALOG_INSTANCE_DIR": str(tmp_path)}
    completed = subprocess.run([CATALOG, "token", "create", "nobody"], capture_output=True,
                               text=True, env=env)
    assert completed.returncode != 0 and "no such user" in completed.stderr


def test_init_reindexes_a_catalog_upgraded_from_an_older_search_layout(empty_database, tmp_path):
    run(empty_database, tmp_path, "init")
    run(empty_database, tmp_path, "user", "add", "root", "--password", "long-password",
        "--sysadmin")
    run(empty_database, tmp_path, "org", "add", "tokei", "--title", "統計調査課")
    token = run(empty_database, tmp_path, "token", "create", "root").strip()
    from catalog import create_app

    app = create_app({"database_url": empty_database, "instance_dir": tmp_path})
    client = app.test_client()
    created = client.post("/api/3/action/package_create", headers={"Authorization": token},
                          json={"name": "kion-heinen", "title": "気温の平年値", "owner_org": "tokei",
                                "access_level": "open"})
    assert created.status_code == 200, created.data
    app.extensions["db_engine"].dispose()
    # The state a catalog of the previous release is in: the engine's tables of the old
    # layout (here: none of the current ones, one legacy table) at revision 0005.
    engine = sa.create_engine(empty_database)
    with engine.begin() as connection:
        names = sa.inspect(connection).get_table_names()
        for name in [n for n in names if n.startswith("search_index_")]:
            connection.execute(sa.text(f'DROP TABLE IF EXISTS "{name}"'
                                       + (" CASCADE" if engine.dialect.name == "postgresql" else "")))
        connection.execute(sa.text("CREATE TABLE search_index_g1_fts (dataset_id TEXT)"))
        connection.execute(sa.text("UPDATE alembic_version SET version_num = '0005_ingest'"))
    engine.dispose()

    assert "search index rebuilt: 1 datasets" in run(empty_database, tmp_path, "init")
    assert "rebuilt" not in run(empty_database, tmp_path, "init")  # nothing upgraded

    app = create_app({"database_url": empty_database, "instance_dir": tmp_path})
    found = app.test_client().get("/api/3/action/package_search", query_string={"q": "気温"})
    assert [d["name"] for d in json.loads(found.data)["result"]["results"]] == ["kion-heinen"]
    if engine.dialect.name == "sqlite":
        with app.extensions["db_engine"].connect() as connection:
            assert "search_index_g1_fts" not in sa.inspect(connection).get_table_names()
    app.extensions["db_engine"].dispose()
