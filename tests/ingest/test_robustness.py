"""Files that used to crash the ingest or lose data quietly: very wide tables, very long
cells, odd rows deep in big CSVs, nested Parquet, JSON that merely mentions GeoJSON words,
and what staff see (and what stays published) when an ingest fails."""

from __future__ import annotations

import base64
import csv
import io
import json
import logging

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import sqlalchemy as sa

from catalog.jobs import Job
from ingest import readers
from ingest.errors import IngestError, explain
from ingest.models import DataTable, IngestReport
from ingest.types import QUERY_COLUMNS
from tests.factories import make_dataset, make_org, make_token, make_user
from tests.helpers import call, result
from tests.ingest.conftest import findings, rows


def write(path, text: str) -> str:
    path.write_text(text, encoding="utf-8")
    return str(path)


def types_of(table) -> dict[str, str]:
    return {field["name"]: field["type"] for field in table.schema["fields"]}


def jobs_of(db, resource_id):
    return list(db.scalars(sa.select(Job).where(Job.resource_id == resource_id)
                           .order_by(Job.created)))


# --- 1. wide tables ---------------------------------------------------------------------


def test_a_sheet_of_1000_columns_is_typed_and_counted_within_512_mb(ingest, tmp_path):
    """Age-by-sex tables have hundreds of columns: every per-column query is batched."""
    names = ["地域"] + [f"{age}歳_{sex}" for age in range(500) for sex in ("男", "女")][:999]
    lines = [",".join(names)]
    for r in range(30):
        cells = [f"市{r}"] + [str((r * 7 + c) % 1000) for c in range(1, 1000)]
        cells[40] = f"{r + 1}円"  # a unit, in a column of the second batch
        cells[70] = f"2020-04-{r + 1:02d}"  # a date, in the third
        lines.append(",".join(cells))
    (table,) = ingest(write(tmp_path / "wide.csv", "\n".join(lines) + "\n")).tables
    kinds = types_of(table)
    assert table.row_count == 30 and len(kinds) == 1000
    assert kinds["地域"] == "string" and kinds[names[999]] == "integer"
    assert kinds[names[40]] == "integer" and table.schema["fields"][40]["unit"] == "円"
    assert kinds[names[70]] == "date"
    assert 1000 > 3 * QUERY_COLUMNS  # the table spans many batches
    last = table.stats[names[999]]
    values = [(r * 7 + 999) % 1000 for r in range(30)]
    assert (last["min"], last["max"], last["nulls"]) == (min(values), max(values), 0)
    assert sum(b["count"] for b in last["histogram"]) == 30
    assert table.stats[names[40]]["histogram"][0]["from"] == 1
    assert rows(table.parquet_path, f'SELECT "{names[999]}", "{names[40]}" FROM t')[29] == (
        (29 * 7 + 999) % 1000, 30)


def test_histograms_are_the_same_whatever_the_batch(ingest, tmp_path):
    header = ",".join(f"値{c}" for c in range(QUERY_COLUMNS + 5))
    body = "\n".join(",".join(str(r * (c + 1)) for c in range(QUERY_COLUMNS + 5)) for r in range(10))
    (table,) = ingest(write(tmp_path / "batches.csv", header + "\n" + body + "\n")).tables
    first, beyond = table.stats["値0"], table.stats[f"値{QUERY_COLUMNS + 4}"]
    assert [b["count"] for b in first["histogram"]] == [1] * 10
    assert [b["count"] for b in beyond["histogram"]] == [1] * 10
    assert (beyond["min"], beyond["max"], beyond["distinct"]) == (0, 9 * (QUERY_COLUMNS + 5), 10)


# --- 2. long cells ----------------------------------------------------------------------


def test_a_cell_over_128_kb_loads_intact(ingest, tmp_path):
    wkt = "POLYGON((" + ",".join(f"130.{i:06d} 33.{i:06d}" for i in range(60_000)) + "))"
    assert len(wkt) > 1_000_000
    path = write(tmp_path / "wkt.csv", f"名称,区域\n公園A,\"{wkt}\"\n公園B,POINT(1 2)\n")
    (table,) = ingest(path).tables
    assert rows(table.parquet_path, "SELECT 名称, length(区域), 区域 = ? FROM t".replace(
        "?", "'" + wkt + "'")) == [("公園A", len(wkt), True), ("公園B", 10, False)]


def test_long_cells_in_a_big_csv_load_intact_on_both_paths(ingest, tmp_path, monkeypatch):
    """Past SMALL_CSV_BYTES the head, the tail and the careful pass read with csv too."""
    monkeypatch.setattr(readers, "SMALL_CSV_BYTES", 4096)
    monkeypatch.setattr(readers, "HEAD_ROWS", 20)
    monkeypatch.setattr(readers, "TAIL_BYTES", 300_000)
    long_text = "あ" * 200_000
    lines = ["順,本文"] + [f"{i},短い{i}" for i in range(200)]
    lines[5] = f"4,{long_text}"  # in the head
    lines[150] = f"149,{long_text}い"  # deep in the file
    lines.append(f"200,{long_text}う")  # in the tail
    (table,) = ingest(write(tmp_path / "long.csv", "\n".join(lines) + "\n")).tables
    assert table.row_count == 201
    found = rows(table.parquet_path, "SELECT 順, length(本文), right(本文, 1) FROM t "
                                     "WHERE length(本文) > 1000 ORDER BY 順")
    assert found == [(4, 200_000, "あ"), (149, 200_001, "い"), (200, 200_001, "う")]


# --- 3. the careful path of big CSVs ----------------------------------------------------


def careful_csv(path, extra_row: int | None = None) -> str:
    """400 rows whose 令和 date past the head sends a big file the careful way, a blank
    row, a repeated header, and two notes under the table."""
    lines = ["市区町村,人口,日付"]
    for i in range(400):
        date = "令和5年4月1日" if i == 300 else "2023-04-01"
        lines.append(f"市{i},{i * 10},{date}" + (",余分な値" if i == extra_row else ""))
        if i == 100:
            lines.append(",,")
        if i == 200:
            lines.append("市区町村,人口,日付")
    lines += ["注：テスト", "資料：福岡県"]
    return write(path, "\n".join(lines) + "\n")


@pytest.fixture
def small_threshold(monkeypatch):
    """Files of a few kilobytes take the big-file paths (head, tail, careful pass)."""
    monkeypatch.setattr(readers, "SMALL_CSV_BYTES", 2048)
    monkeypatch.setattr(readers, "HEAD_ROWS", 50)
    monkeypatch.setattr(readers, "TAIL_BYTES", 200)


@pytest.mark.parametrize("extra_row", [None, 250])
def test_the_careful_path_reads_a_big_csv_as_a_small_one_is_read(ingest, tmp_path, monkeypatch,
                                                                 extra_row):
    small = ingest(careful_csv(tmp_path / "small.csv", extra_row))
    monkeypatch.setattr(readers, "SMALL_CSV_BYTES", 2048)
    monkeypatch.setattr(readers, "HEAD_ROWS", 50)
    monkeypatch.setattr(readers, "TAIL_BYTES", 200)
    big = ingest(careful_csv(tmp_path / "big.csv", extra_row))
    (small_table,), (big_table,) = small.tables, big.tables
    assert big_table.sheet.stream is not None and not big_table.fast_path
    assert small_table.sheet.stream is None
    assert big_table.row_count == small_table.row_count == 400
    assert types_of(big_table) == types_of(small_table)
    assert rows(big_table.parquet_path) == rows(small_table.parquet_path)
    notes = [(f["row"], f["count"], f["message"]) for f in findings(big, "L1-05")]
    assert notes == [(f["row"], f["count"], f["message"]) for f in findings(small, "L1-05")]
    assert notes == [(404, 2, "表の下に注記・出典の行が 2 行あります（404〜405行目）。")]
    if extra_row is not None:
        assert list(types_of(big_table)) == ["市区町村", "人口", "日付", "列4"]
        assert rows(big_table.parquet_path, "SELECT 市区町村, 列4 FROM t WHERE 列4 IS NOT NULL") \
            == [("市250", "余分な値")]
        assert [f["message"] for f in findings(big, "L2-06")] == \
            ["D列に項目名がありません（「列4」と名付けました）。"]


def test_a_value_in_a_column_empty_in_the_head_is_kept(ingest, tmp_path, small_threshold):
    """A column with neither header nor values in the head has no plan on the fast path:
    a value further down sends the file the careful way, which gives it a column."""
    lines = ["名称,人口,,"] + [f"市{i},{i},," for i in range(300)]
    lines[200] = "市199,199,,隠れた値"
    (table,) = ingest(write(tmp_path / "hidden.csv", "\n".join(lines) + "\n")).tables
    assert not table.fast_path and table.row_count == 300
    assert rows(table.parquet_path, "SELECT 名称, 列3 FROM t WHERE 列3 IS NOT NULL") == [
        ("市199", "隠れた値")]


def test_the_careful_path_drops_the_notes_small_files_drop(ingest, tmp_path, small_threshold):
    """Notes are marked rows at the end (ingest.layout.trailing_notes); a narrow row of
    words in the middle, or unmarked words at the end, are data on both paths."""
    lines = ["名称,区分,人口,面積,備考"] + [f"市{i},A,{i},1.5,なし" for i in range(300)]
    lines[150] = "市149,,令和,,"  # narrow and all text, but data follows: a data row
    lines += ["注：この表は推計です", "資料：統計課"]
    result_ = ingest(write(tmp_path / "narrow.csv", "\n".join(lines) + "\n"))
    (table,) = result_.tables
    assert not table.fast_path and table.row_count == 300
    assert rows(table.parquet_path, "SELECT 名称, 人口 FROM t WHERE 名称 = '市149'") == [("市149", "令和")]
    assert [(f["row"], f["count"]) for f in findings(result_, "L1-05")] == [(302, 2)]


def test_the_reported_900000_row_csv_drops_its_notes(ingest, tmp_path):
    """The case as reported: a 令和 date in row 480,000 of a 900,000-row file."""
    path = tmp_path / "careful.csv"
    with open(path, "w", encoding="utf-8") as out:
        out.write("市区町村,番号,日付\n")
        out.writelines(f"市{i},{i},{'令和5年4月1日' if i == 480_000 else '2023-04-01'}"
                       f"{',余分な値' if i == 480_001 else ''}\n" for i in range(900_000))
        out.write("注：テスト\n資料：福岡県\n")
    assert path.stat().st_size > readers.SMALL_CSV_BYTES
    outcome = ingest(str(path))
    (table,) = outcome.tables
    assert not table.fast_path and table.row_count == 900_000
    assert [f["row"] for f in findings(outcome, "L1-05")] == [900_002]
    assert rows(table.parquet_path, "SELECT 市区町村, 日付::VARCHAR, 列4 FROM t "
                                    "WHERE 市区町村 IN ('市480000', '市480001', '市899999')") == [
        ("市480000", "2023-04-01", None), ("市480001", "2023-04-01", "余分な値"),
        ("市899999", "2023-04-01", None)]


# --- 4. Parquet -------------------------------------------------------------------------


def nested_parquet(path) -> str:
    pq.write_table(pa.table({
        "_id": [101, 102],
        "名称": ["=SUM(A1)", "公園B"],
        "値": pa.array([[1, 2], [3]], pa.list_(pa.int64())),
        "属性": [{"a": 1, "b": "x"}, {"a": 2, "b": None}],
        "対応": pa.array([[("k", 1)], []], pa.map_(pa.string(), pa.int64())),
        "画像": [b"\x00\x01\xff", None],
    }), path)
    return str(path)


def test_nested_and_binary_parquet_columns_become_json_and_base64_text(ingest, tmp_path):
    outcome = ingest(nested_parquet(tmp_path / "nested.parquet"))
    (table,) = outcome.tables
    fields = {f["name"]: f for f in table.schema["fields"]}
    assert {name: (f["type"], f.get("format")) for name, f in fields.items()} == {
        "_id_1": ("integer", None), "名称": ("string", None), "値": ("array", None),
        "属性": ("object", None), "対応": ("object", None), "画像": ("string", "binary")}
    assert fields["_id_1"]["title"] == "_id" and table.renamed == {"_id_1": "_id"}
    assert rows(table.parquet_path) == [
        (101, "=SUM(A1)", "[1,2]", '{"a":1,"b":"x"}', '{"k":1}',
         base64.b64encode(b"\x00\x01\xff").decode()),
        (102, "公園B", "[3]", '{"a":2,"b":null}', "{}", None)]
    (renamed,) = findings(outcome, "L2-07")
    assert renamed["message"] == ("列名「_id」は DataStore が自動で付ける列と同じ名前のため、"
                                  "「_id_1」に変更しました。")
    assert renamed["column"] == "_id_1" and outcome.report.score == 93


def test_a_csv_column_named_id_is_renamed_too(ingest, tmp_path):
    outcome = ingest(write(tmp_path / "ids.csv", "_id,名称,_ID_1\n7,a,x\n8,b,y\n"))
    assert list(types_of(outcome.tables[0])) == ["_id_2", "名称", "_ID_1"]
    assert [f["column"] for f in findings(outcome, "L2-07")] == ["_id_2"]


def test_a_truncated_parquet_file_is_refused_in_japanese(ingest, tmp_path):
    nested_parquet(tmp_path / "whole.parquet")
    data = (tmp_path / "whole.parquet").read_bytes()
    cut = tmp_path / "cut.parquet"
    cut.write_bytes(data[:len(data) // 2])
    with pytest.raises(IngestError) as failed:
        ingest(str(cut))
    assert failed.value.message.startswith("Parquet ファイルを読み込めません。壊れているか、途中で切れています")
    assert str(tmp_path) not in failed.value.message and failed.value.detected == "parquet"


def test_every_dump_of_a_nested_parquet_table_works(app, client):
    import tempfile
    import pathlib

    with tempfile.TemporaryDirectory() as folder:
        content = pathlib.Path(nested_parquet(pathlib.Path(folder) / "n.parquet")).read_bytes()
    dataset = make_dataset(make_org(), files={"nested.parquet": content})
    rid = dataset.resources[0].id
    found = result(client, "datastore_search", _method="GET", resource_id=rid)
    assert [(r["_id"], r["_id_1"], r["値"]) for r in found["records"]] == [(1, 101, "[1,2]"),
                                                                          (2, 102, "[3]")]
    for dump_format in ("csv", "tsv", "json", "xlsx", "parquet"):
        response = client.get(f"/datastore/dump/{rid}?format={dump_format}")
        assert response.status_code == 200, dump_format
        body = response.get_data()
        assert body, dump_format
    text = client.get(f"/datastore/dump/{rid}?format=csv").get_data(as_text=True)
    assert list(csv.reader(io.StringIO(text))) == [
        ["_id", "_id_1", "名称", "値", "属性", "対応", "画像"],
        ["1", "101", "'=SUM(A1)", "[1,2]", '{"a":1,"b":"x"}', '{"k":1}', "AAH/"],
        ["2", "102", "公園B", "[3]", '{"a":2,"b":null}', "{}", ""]]
    document = json.loads(client.get(f"/datastore/dump/{rid}?format=json").get_data())
    assert document["records"][0][3] == "[1,2]"
    import openpyxl

    book = openpyxl.load_workbook(io.BytesIO(client.get(f"/datastore/dump/{rid}?format=xlsx").get_data()))
    assert [c.value for c in next(book.active.iter_rows(min_row=2, max_row=2))] == [
        1, 101, "'=SUM(A1)", "[1,2]", '{"a":1,"b":"x"}', '{"k":1}', "AAH/"]


def test_dumps_of_tables_stored_before_nested_columns_were_text_still_work():
    """Parquet ingested earlier kept lists and bytes as they were: the dumps cope."""
    from ingest.dump import export_select, neutralised_sql

    con = duckdb.connect()
    sql = ("SELECT * FROM (SELECT [1, 2] AS l, {'a': 1} AS s, '\\x00'::BLOB AS b, "
           "'=1' AS t)")
    selected = export_select([("l", "integer"), ("s", "string"), ("b", "string"), ("t", "string")],
                             neutralise_text=True)
    assert con.execute(f"SELECT {selected} FROM ({sql})").fetchall() == [
        ([1, 2], "{'a': 1}", "\\x00", "'=1")]
    assert con.execute(f"SELECT {neutralised_sql('v')} FROM (SELECT 5 AS v)").fetchall() == [("5",)]


def test_xlsx_cells_take_lists_maps_and_bytes():
    from ingest.dump import _xlsx_value

    assert _xlsx_value([1, "二"]) == '[1, "二"]'
    assert _xlsx_value({"a": None}) == '{"a": null}'
    assert _xlsx_value(b"\x00\x01\xff") == "AAH/"
    assert _xlsx_value("=1") == "'=1"


# --- 5. JSON or GeoJSON -----------------------------------------------------------------


@pytest.mark.parametrize("document, detected, name, columns, first", [
    ([{"種別": "Feature", "件数": 1}], "json", "data", ["種別", "件数"], ["Feature", "1"]),
    ({"data": [{"名称": "公園A", "区域": {"type": "FeatureCollection", "features": []}}]},
     "json", "data", ["名称", "区域"], ["公園A", '{"type": "FeatureCollection", "features": []}']),
    ([{"type": "Feature", "id": 7, "properties": {"名称": "公園A"},
       "geometry": {"type": "Point", "coordinates": [130.4, 33.6]}}],
     "geojson", "features", ["名称", "id", "longitude", "latitude", "geometry"],
     ["公園A", "7", "130.4", "33.6", '{"type": "Point", "coordinates": [130.4, 33.6]}']),
    ({"features": [{"type": "Feature", "properties": {"名称": "x"}, "geometry": None}],
      "type": "FeatureCollection"}, "geojson", "features", ["名称", "geometry"], ["x", ""]),
])
def test_geojson_is_known_by_its_structure(ingest, tmp_path, document, detected, name, columns,
                                           first):
    path = tmp_path / "data.json"
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    outcome = ingest(str(path))
    (table,) = outcome.tables
    assert outcome.detected.format == detected and table.name == name
    assert list(types_of(table)) == columns
    assert ["" if v is None else str(v) for v in rows(table.parquet_path)[0]] == first


@pytest.mark.parametrize("text, expected", [
    ('{"type": "FeatureCollection", "features": []}', True),
    ('{"name": "x", "features": [{"type": "Feature"}], "type" : "FeatureCollection"}', True),
    ('{"\\u0074ype": "Feature", "geometry": ', True),  # an escaped key; a sample cut short
    ('[{"type": "Feature", "properties": {}}]', True),
    ('[{"種別": "Feature", "件数": 1}]', False),
    ('{"data": [{"区域": {"type": "FeatureCollection", "features": []}}]}', False),
    ('{"type": 5, "x": "Feature"}', False),
    ('{"a": ["type", "Feature"], "b": "type"}', False),
    ('{"t\\"ype": "Feature"}', False),
    ('[1, {"type": "Feature"}]', False),
    ('[[{"type": "Feature"}]]', False),
    ('[{"type": "FeatureCollection", "features": []}]', False),
])
def test_geojson_detection_reads_the_structure(text, expected):
    from ingest.detect import is_geojson

    assert is_geojson(text) is expected


def test_geojson_features_that_are_no_objects_are_refused_clearly(ingest, tmp_path):
    path = tmp_path / "bad.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"a": 1}, "geometry": None}, "壊れた要素"]}))
    with pytest.raises(IngestError) as failed:
        ingest(str(path))
    assert failed.value.message == "GeoJSON の features の 2 番目の要素が Feature（オブジェクト）ではありません。"


# --- 6. what staff read when an ingest fails --------------------------------------------


def failing_ingest(monkeypatch, error: Exception) -> None:
    def fail(*_args, **_kwargs):
        raise error

    monkeypatch.setattr("ingest.tasks.ingest_file", fail)


@pytest.mark.parametrize("error, expected", [
    (duckdb.OutOfMemoryException("Out of Memory Error: failed to allocate data of size 16.0 KiB "
                                 "(488.2 MiB/488.2 MiB used) /srv/catalog/instance/tmp/x\n\n"
                                 "Possible solutions:\n* Reducing the number of threads"),
     "取り込みに使えるメモリの上限を超える"),
    (duckdb.InvalidInputException("Invalid Input Error: CSV Error on Line: 3 "
                                  "file = /srv/catalog/instance/tmp/abc/source"),
     "ファイルの内容を表として読み取れませんでした"),
    (csv.Error("field larger than field limit (131072) in /srv/catalog/instance/files/x"),
     "ファイルの内容を表として読み取れませんでした"),
    (RuntimeError("boom in /srv/catalog/instance/tmp/secret"), "予期しないエラーにより取り込みが止まりました"),
])
def test_unexpected_failures_read_in_japanese_without_server_paths(app, db, monkeypatch, caplog,
                                                                   error, expected):
    failing_ingest(monkeypatch, error)
    with caplog.at_level(logging.ERROR, logger="ingest.tasks"):
        dataset = make_dataset(make_org(), files={"jinko.csv": "市,人口\n福岡市,1\n".encode()})
    (job,) = jobs_of(db, dataset.resources[0].id)
    message = job.errors[0]["message"]
    assert job.status == "failed" and expected in message
    assert "/srv" not in message and "Error" not in message and "/srv" not in job.log
    assert "Possible solutions" not in job.log and "予期しないエラー:" not in job.log
    logged = [record for record in caplog.records if record.name == "ingest.tasks"]
    assert logged and logged[0].exc_info[1] is error  # the whole error, server side


def test_explain_never_repeats_the_error_text(pipeline_app):
    with pipeline_app.app_context():
        assert explain(OSError(28, "No space left on device", "/tmp/x")).startswith(
            "ファイルの読み込み中にサーバーの作業領域が足りなくなりました。")
        assert explain(MemoryError()).startswith("このファイルの処理には")
        assert explain(duckdb.IOException("IO Error: No space left on device /tmp/x")) == \
            explain(OSError(28, "No space left on device"))


# --- 7. a failed re-ingest does not leave the old file's table published ----------------


GOOD = "市区町村名,人口\n旧データ市,1612392\n北九州市,939029\n".encode()


def replace_file(client, token, rid, content: bytes, name: str = "jinko.csv"):
    response = client.post("/api/3/action/resource_update", headers={"Authorization": token},
                           data={"id": rid, "upload": (io.BytesIO(content), name)},
                           content_type="multipart/form-data")
    assert response.status_code == 200, response.get_json()


@pytest.fixture
def published(app, client, db):
    organization = make_org()
    token = make_token(make_user(orgs={organization: "editor"}))
    dataset = make_dataset(organization, name="jinko-robust", license_id="CC-BY-4.0",
                           files={"jinko.csv": GOOD})
    rid = dataset.resources[0].id
    assert result(client, "resource_show", _method="GET", id=rid)["datastore_active"] is True
    assert client.get("/dataset/jinko-robust/datapackage.json").status_code == 200
    return {"rid": rid, "token": token}


def assert_nothing_stale(client, db, rid, message_part: str) -> None:
    db.expire_all()
    assert jobs_of(db, rid)[-1].status == "failed"
    assert result(client, "resource_show", _method="GET", id=rid)["datastore_active"] is False
    assert call(client, "datastore_search", _method="GET", resource_id=rid)[0] == 404
    assert db.scalars(sa.select(DataTable).where(DataTable.resource_id == rid)).all() == []
    report = db.get(IngestReport, rid)
    assert report.refused and report.score == 0 and report.stars == 0
    assert message_part in report.message and message_part in report.findings[0]["message"]
    assert client.get("/dataset/jinko-robust/datapackage.json").status_code == 404
    page = client.get(f"/dataset/jinko-robust/resource/{rid}").get_data(as_text=True)
    assert "旧データ市" not in page


def test_a_replacement_without_data_takes_the_old_table_down(client, db, published):
    replace_file(client, published["token"], published["rid"], "市区町村名,人口\n".encode())
    assert_nothing_stale(client, db, published["rid"], "データの入った表が見つかりませんでした")
    report = db.get(IngestReport, published["rid"])
    assert report.detected_format == "csv"


def test_a_replacement_that_crashes_takes_the_old_table_down(client, db, published, monkeypatch):
    failing_ingest(monkeypatch, duckdb.OutOfMemoryException("Out of Memory Error"))
    replace_file(client, published["token"], published["rid"], GOOD + "久留米市,303316\n".encode())
    assert_nothing_stale(client, db, published["rid"], "メモリの上限")


def test_a_forced_reingest_of_the_same_file_that_crashes_keeps_its_table(app, client, db, published,
                                                                         monkeypatch):
    from ingest.services import queue_ingest

    failing_ingest(monkeypatch, duckdb.OutOfMemoryException("Out of Memory Error"))
    with app.app_context():
        with app.extensions["db_sessionmaker"]() as session:
            queue_ingest(session, published["rid"], force=True)
            session.commit()
    db.expire_all()
    assert jobs_of(db, published["rid"])[-1].status == "failed"
    found = result(client, "datastore_search", _method="GET", resource_id=published["rid"])
    assert [r["市区町村名"] for r in found["records"]] == ["旧データ市", "北九州市"]
    assert not db.get(IngestReport, published["rid"]).refused


def test_broken_json_is_explained_in_japanese(ingest, tmp_path):
    path = tmp_path / "broken.json"
    path.write_text('[{"名称": "公園A"},\n {"名称": }]', encoding="utf-8")
    with pytest.raises(IngestError) as failed:
        ingest(str(path))
    assert failed.value.message == "JSON として正しくありません: 2 行目 9 文字目"
