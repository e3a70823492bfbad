"""Streaming dumps over more than one Arrow batch."""

from __future__ import annotations

import json

import duckdb

from ingest.dump import BATCH_ROWS, stream_json


def test_json_dump_joins_rows_across_batches():
    con = duckdb.connect()
    rows = BATCH_ROWS * 2 + 7
    sql = f"SELECT i AS n, '市' || i AS name, NULL::VARCHAR AS note FROM range({rows}) t(i)"
    fields = [{"id": "n", "type": "int"}, {"id": "name", "type": "text"}, {"id": "note", "type": "text"}]
    chunks = list(stream_json(con, sql, [], fields))
    assert len(chunks) >= 4 and all(isinstance(chunk, bytes) for chunk in chunks)
    document = json.loads(b"".join(chunks).decode("utf-8"))
    assert document["fields"] == fields
    assert len(document["records"]) == rows
    assert document["records"][0] == [0, "市0", None]
    assert document["records"][BATCH_ROWS] == [BATCH_ROWS, f"市{BATCH_ROWS}", None]
    assert document["records"][-1] == [rows - 1, f"市{rows - 1}", None]


def test_json_dump_of_no_rows_is_an_empty_list():
    con = duckdb.connect()
    fields = [{"id": "n", "type": "int"}]
    text = b"".join(stream_json(con, "SELECT 1 AS n WHERE false", [], fields))
    assert json.loads(text) == {"fields": fields, "records": []}
