"""Streaming dumps over more than one Arrow batch."""

from __future__ import annotations

import json

import duckdb
import pytest

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


# --- XLSX: refused rather than cut ------------------------------------------------------


def xlsx_sql(table) -> str:
    """The SELECT a dump of every column runs (text neutralised, as for XLSX)."""
    from ingest.dump import export_select
    from ingest.tabular import TableFile

    source = TableFile(table.parquet_path, table.schema["fields"], table.row_count)
    selected = export_select([("_id", "integer")] + [(f["name"], f["type"]) for f in source.fields],
                             neutralise_text=True)
    return f"SELECT {selected} FROM {source.relation()}"


def long_text_table(ingest, tmp_path, text: str):
    path = tmp_path / "long.csv"
    path.write_text(f"名称,本文\n短い,ふつうの値\n長い,{text}\n", encoding="utf-8")
    (table,) = ingest(str(path)).tables
    return table


def test_a_cell_excel_holds_is_written_whole(ingest, pipeline_app, tmp_path):
    import io

    import openpyxl

    from ingest.dump import XLSX_MAX_CHARS, stream_xlsx, xlsx_refusal

    # 32,767 UTF-16 units: 𠮷 (beyond U+FFFF) counts twice.
    longest = "𠮷" * 16383 + "a"
    table = long_text_table(ingest, tmp_path, longest)
    con = duckdb.connect()
    with pipeline_app.app_context():
        assert xlsx_refusal(con, xlsx_sql(table), [], table.row_count) is None
        book = openpyxl.load_workbook(io.BytesIO(b"".join(
            stream_xlsx(con, xlsx_sql(table), [], ["_id", "名称", "本文"], table.row_count))))
    cells = [[c.value for c in row] for row in book.active.iter_rows()]
    assert cells == [["_id", "名称", "本文"], [1, "短い", "ふつうの値"], [2, "長い", longest]]
    assert len(longest.encode("utf-16-le")) // 2 == XLSX_MAX_CHARS


@pytest.mark.parametrize("text, length", [
    ("あ" * 32768, "32,768"),
    ("𠮷" * 16384, "32,768"),  # 16,384 characters, but 32,768 UTF-16 units, as Excel counts
    ("=" + "x" * 32766, "32,768"),  # the ' that neutralises a formula makes it one too long
])
def test_a_cell_longer_than_excel_holds_is_refused_not_cut(ingest, pipeline_app, tmp_path,
                                                          monkeypatch, text, length):
    import tempfile

    from ingest.dump import TooBigForExcel, stream_xlsx, xlsx_refusal

    table = long_text_table(ingest, tmp_path, text)
    con = duckdb.connect()
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "scratch"))
    (tmp_path / "scratch").mkdir()
    with pipeline_app.app_context():
        refusal = xlsx_refusal(con, xlsx_sql(table), [], table.row_count)
        assert "本文" in refusal and length in refusal and "32,767" in refusal and "CSV" in refusal
        # Written anyway, the sheet stops at the cell instead of cutting it.
        with pytest.raises(TooBigForExcel) as refused:
            b"".join(stream_xlsx(con, xlsx_sql(table), [], ["_id", "名称", "本文"], table.row_count))
        assert refused.value.message == refusal
        short_only = f"{xlsx_sql(table)} WHERE \"名称\" = '短い'"
        assert xlsx_refusal(duckdb.connect(), short_only, [], table.row_count) is None
    assert list((tmp_path / "scratch").iterdir()) == []  # no temporary file left behind


def test_rows_past_a_sheet_are_refused_and_a_filter_that_fits_is_not(pipeline_app, tmp_path):
    from ingest.dump import XLSX_MAX_ROWS, xlsx_refusal
    from ingest.tabular import TableFile

    rows = XLSX_MAX_ROWS + 1
    path = tmp_path / "many.parquet"
    con = duckdb.connect()
    con.execute(f"COPY (SELECT i AS n FROM range({rows}) t(i)) TO '{path}' (FORMAT parquet)")
    relation = TableFile(str(path), [{"name": "n", "type": "integer"}], rows).relation()
    with pipeline_app.app_context():
        assert xlsx_refusal(con, f"SELECT * FROM {relation}", [], rows) == (
            "Excel 形式は 1,048,575 行までです。CSV か Parquet でダウンロードするか、行を絞り込んでください。")
        assert xlsx_refusal(con, f"SELECT * FROM {relation} WHERE n > ?", [0], rows) is None
        assert xlsx_refusal(con, f"SELECT * FROM {relation} LIMIT 10", [], rows) is None
