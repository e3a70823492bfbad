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
