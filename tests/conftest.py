"""Shared fixtures: a real database on each backend, the app, a client, a live server.

Every test that uses ``app`` runs twice: on SQLite and on the PostgreSQL server
(``CATALOG_TEST_POSTGRES_URL``, default postgres@127.0.0.1:5432). Outside CI an
unreachable PostgreSQL skips its half with a reason; in CI (``CI=true``) it fails.
"""

from __future__ import annotations

import os
import threading
import uuid
from pathlib import Path

import pytest
import sqlalchemy as sa
from werkzeug.serving import make_server

from access_control.audit import triggers as audit_triggers
from catalog import create_app
from catalog.migrate import upgrade
from catalog.models import metadata
from tests import factories

POSTGRES_SERVER = os.environ.get(
    "CATALOG_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


def _postgres_unreachable(reason: str):
    message = f"PostgreSQL at {POSTGRES_SERVER} is unreachable: {reason}"
    if IN_CI:
        pytest.fail(message + " (CI requires it)", pytrace=False)
    pytest.skip(message)


@pytest.fixture(scope="session")
def postgres_server():
    """An engine on the PostgreSQL server's maintenance database (AUTOCOMMIT)."""
    engine = sa.create_engine(POSTGRES_SERVER, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            connection.execute(sa.text("SELECT 1"))
    except sa.exc.OperationalError as error:
        engine.dispose()
        _postgres_unreachable(str(error.orig).strip().splitlines()[0])
    yield engine
    engine.dispose()


def create_postgres_database(server: sa.Engine, prefix: str = "catalog_test") -> str:
    """A new, empty database on the test server; returns its URL. Unique per call, so
    parallel test runs never share one."""
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    with server.connect() as connection:
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    return server.url.set(database=name).render_as_string(hide_password=False)


def drop_postgres_database(server: sa.Engine, url: str) -> None:
    name = sa.engine.make_url(url).database
    with server.connect() as connection:
        connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def database_url(request, tmp_path_factory):
    """A migrated database (schema from `alembic upgrade head`), once per backend."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'catalog.sqlite'}"
        upgrade(url)
        yield url
        return
    server = request.getfixturevalue("postgres_server")
    url = create_postgres_database(server)
    try:
        upgrade(url)
        yield url
    finally:
        drop_postgres_database(server, url)


def empty_all_tables(url: str) -> None:
    engine = sa.create_engine(url)
    dialect = engine.dialect.name
    with engine.begin() as connection:
        # The audit log refuses deletes (that is its point): lift its triggers for the wipe.
        for statement in audit_triggers.remove_statements(dialect):
            connection.execute(sa.text(statement))
        if dialect == "postgresql":
            names = ", ".join(f'"{table.name}"' for table in metadata.sorted_tables)
            connection.execute(sa.text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        else:
            for table in reversed(metadata.sorted_tables):
                connection.execute(table.delete())
        for statement in audit_triggers.install_statements(dialect):
            connection.execute(sa.text(statement))
    engine.dispose()


@pytest.fixture
def app(database_url, tmp_path: Path):
    """The application on an empty database and a fresh instance folder.

    No app context stays pushed: requests made by the test then get their own, as in
    production (a pushed one would be shared, and with it ``g``: session, user, locale).
    Factories open a short context of their own.
    """
    empty_all_tables(database_url)
    application = create_app(
        {
            "instance_dir": tmp_path,
            "database_url": database_url,
            "storage_url": str(tmp_path / "files"),
            "site_url": "http://localhost",
            "secret_key": "test-secret",
            "TESTING": True,
        }
    )
    application.extensions["search_index"].clear()  # index tables outlive the emptied tables
    token = factories.CURRENT_APP.set(application)
    yield application
    factories.CURRENT_APP.reset(token)
    application.extensions["db_engine"].dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def db(app):
    """A session of its own, for looking into the database."""
    with app.extensions["db_sessionmaker"]() as session:
        yield session


@pytest.fixture
def live_server(app):
    """The app served by a real HTTP server on 127.0.0.1 (a free port); yields its URL.
    The site URL is set to it, so download links point at this server."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    url = f"http://127.0.0.1:{server.server_port}"
    app.config["SETTINGS"] = app.config["SETTINGS"].with_overrides({"site_url": url})
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield url
    server.shutdown()
    thread.join(timeout=10)


@pytest.fixture(scope="session")
def s3_server():
    """A real S3-compatible server (moto in server mode) on a free port of 127.0.0.1;
    yields its endpoint URL."""
    from moto.server import ThreadedMotoServer

    os.environ.setdefault("AWS_ACCESS_KEY_ID", "test")
    os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "test")
    os.environ.setdefault("AWS_DEFAULT_REGION", "ap-northeast-1")
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    yield f"http://127.0.0.1:{server._server.server_port}"
    server.stop()
