"""Fixtures for ingest: the real files, and an app context for running the pipeline."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from catalog import create_app

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "real"


def fixture(name: str) -> str:
    path = FIXTURES / name
    assert path.is_file(), path
    return str(path)


@pytest.fixture(scope="session")
def pipeline_app(tmp_path_factory):
    """An app for code that needs only its context (messages in Japanese, settings); no
    database is touched."""
    folder = tmp_path_factory.mktemp("pipeline")
    return create_app({"instance_dir": folder, "database_url": f"sqlite:///{folder}/unused.sqlite",
                       "storage_url": str(folder / "files"), "secret_key": "test"})


@pytest.fixture
def ingest(pipeline_app, tmp_path):
    """Run the whole pipeline on a file; returns the IngestResult."""
    from ingest.pipeline import ingest_file

    def run(path: str):
        with pipeline_app.app_context():
            return ingest_file(path, str(tmp_path))

    return run


def rows(parquet: str, sql: str = "SELECT * FROM t") -> list[tuple]:
    """Query an output Parquet file as table ``t``."""
    con = duckdb.connect()
    con.execute(f"CREATE VIEW t AS SELECT * FROM read_parquet('{parquet}')")
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def findings(result, rule: str) -> list[dict]:
    return [f for f in result.report.as_dicts() if f["rule"] == rule]
