"""Fixtures for the search engines: the app on each engine, on each database.

Elasticsearch is the compatible server bundled in the ``noida-db`` package, started here
on a free port with its own data folder; with ``CATALOG_TEST_ES_URL`` set, the same tests
also run against that real cluster. Each test gets its own alias (index name).
"""

from __future__ import annotations

import os
import socket
import subprocess
import time
import uuid
from pathlib import Path

import pytest
import requests

from catalog import create_app
from tests import factories
from tests.conftest import IN_CI, empty_all_tables

REAL_ES_URL = os.environ.get("CATALOG_TEST_ES_URL", "").rstrip("/")
ENGINES = ["sql", "elasticsearch"] + (["elasticsearch-real"] if REAL_ES_URL else [])


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _noida_binary() -> str | None:
    """The server binary inside the package (not its Python wrapper, which would leave
    the server running when stopped)."""
    try:
        from importlib.resources import files

        binary = files("noida_db").joinpath("noida-db")
    except ModuleNotFoundError:
        return None
    return str(binary) if binary.is_file() else None


@pytest.fixture(scope="session")
def noida_es_url(tmp_path_factory):
    """URL of a noida-db Elasticsearch-compatible server started for this test session."""
    binary = _noida_binary()
    if binary is None:
        message = "noida-db is not installed (pip install -e '.[test]')"
        if IN_CI:
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    port = _free_port()
    folder = tmp_path_factory.mktemp("noida")
    log = open(folder / "noida.log", "wb")
    process = subprocess.Popen(
        [binary, "start", "--only", "elasticsearch", "--elasticsearch-port", str(port),
         "--data-dir", str(folder / "data")],
        stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if requests.get(url, timeout=1).ok:
                    break
            except requests.ConnectionError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                log.flush()
                pytest.fail(f"noida-db did not start: {(folder / 'noida.log').read_text()[-2000:]}")
            time.sleep(0.1)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


@pytest.fixture(params=ENGINES)
def search_url(request):
    """The CATALOG_SEARCH_URL of each engine, with an alias unique to the test."""
    if request.param == "sql":
        return ""
    base = REAL_ES_URL if request.param == "elasticsearch-real" else request.getfixturevalue("noida_es_url")
    return f"{base}/catalog-test-{uuid.uuid4().hex[:10]}"


def make_app(database_url: str, tmp_path: Path, search_url: str):
    application = create_app({
        "instance_dir": tmp_path, "database_url": database_url,
        "storage_url": str(tmp_path / "files"), "site_url": "http://localhost",
        "secret_key": "test-secret", "search_url": search_url, "TESTING": True,
    })
    return application


@pytest.fixture
def engine_app(database_url, tmp_path, search_url):
    """The app on an empty database, searching with each engine in turn."""
    empty_all_tables(database_url)
    application = make_app(database_url, tmp_path, search_url)
    index = application.extensions["search_index"]
    index.clear()
    token = factories.CURRENT_APP.set(application)
    yield application
    factories.CURRENT_APP.reset(token)
    if search_url:
        for name in index._indices_of(index.alias) + index._indices_of(index.building_alias):
            index.client.indices.delete(index=name)
        index.client.close()
    application.extensions["db_engine"].dispose()


@pytest.fixture
def engine_client(engine_app):
    return engine_app.test_client()
