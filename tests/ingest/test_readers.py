"""Reading cells out of files, through the real ingest: JSON numbers a float would round
are kept as written, and typed as the same text in a CSV is."""

from __future__ import annotations

import json

from ingest.cells import is_empty, trim_rows
from tests.ingest.conftest import rows

# Numbers written with more digits than a double holds, beside ones it holds exactly.
ROUNDED = {
    "ratio": ["0.1000000000000000055511151231257827", "0.5", "0.25"],
    "large": ["12345678901234567890.5", "1.5", "2"],
    "identifier": ["12345678901234567890", "22345678901234567890", "3"],
    "plain": ["0.5", "35.68123456789012", "-2.5e-3"],
    "huge": ["1e400", "1", "2"],
}


def types_of(table) -> dict[str, str]:
    return {field["name"]: field["type"] for field in table.schema["fields"]}


def test_json_numbers_a_double_would_round_are_typed_as_in_csv(ingest, tmp_path):
    names = list(ROUNDED)
    records = [{name: ROUNDED[name][i] for name in names} for i in range(3)]
    # The literal digits, not Python floats: json.dumps would round them already.
    document = "[" + ", ".join("{" + ", ".join(f'"{k}": {v}' for k, v in r.items()) + "}"
                               for r in records) + "]"
    (tmp_path / "numbers.json").write_text(document, encoding="utf-8")
    (tmp_path / "numbers.csv").write_text(
        "\n".join([",".join(names)] + [",".join(r.values()) for r in records]) + "\n",
        encoding="utf-8")
    (from_json,) = ingest(str(tmp_path / "numbers.json")).tables
    (from_csv,) = ingest(str(tmp_path / "numbers.csv")).tables
    expected = {"ratio": "string", "large": "string", "identifier": "string",
                "plain": "number", "huge": "string"}
    assert types_of(from_json) == types_of(from_csv) == expected
    assert rows(from_json.parquet_path) == rows(from_csv.parquet_path) == [
        ("0.1000000000000000055511151231257827", "12345678901234567890.5",
         "12345678901234567890", 0.5, "1e400"),
        ("0.5", "1.5", "22345678901234567890", 35.68123456789012, "1"),
        ("0.25", "2", "3", -0.0025, "2")]


def test_json_numbers_a_double_holds_keep_their_types(ingest, tmp_path):
    path = tmp_path / "plain.json"
    path.write_text(json.dumps([{"件数": 1.0, "率": 0.1, "人口": 1612392, "大きな数": 1e20},
                                {"件数": 2.0, "率": 0.25, "人口": -5, "大きな数": 2.5e20}]),
                    encoding="utf-8")
    (table,) = ingest(str(path)).tables
    assert types_of(table) == {"件数": "integer", "率": "number", "人口": "integer",
                               "大きな数": "number"}
    assert rows(table.parquet_path) == [(1, 0.1, 1612392, 1e20), (2, 0.25, -5, 2.5e20)]


def test_nested_json_and_geojson_keep_every_digit(ingest, tmp_path):
    path = tmp_path / "points.geojson"
    path.write_text(
        '{"type": "FeatureCollection", "features": [{"type": "Feature", "properties": '
        '{"名称": "県庁", "内訳": {"率": 0.1000000000000000055511151231257827, "件数": [1, 2.5]}}, '
        '"geometry": {"type": "Point", "coordinates": [130.41806700000000000001, 33.606389]}}]}',
        encoding="utf-8")
    (table,) = ingest(str(path)).tables
    assert types_of(table) == {"名称": "string", "内訳": "string", "longitude": "string",
                               "latitude": "number", "geometry": "string"}
    assert rows(table.parquet_path) == [(
        "県庁", '{"率": 0.1000000000000000055511151231257827, "件数": [1, 2.5]}',
        "130.41806700000000000001", 33.606389,
        '{"type": "Point", "coordinates": [130.41806700000000000001, 33.606389]}')]


def test_an_integer_longer_than_python_reads_is_kept_as_text(ingest, tmp_path):
    digits = "9" * 5000  # past Python's 4,300-digit limit for int()
    path = tmp_path / "long.json"
    path.write_text(f'[{{"値": {digits}, "名前": "a"}}, {{"値": 1, "名前": "b"}}]', encoding="utf-8")
    (table,) = ingest(str(path)).tables
    assert types_of(table) == {"値": "string", "名前": "string"}
    assert rows(table.parquet_path) == [(digits, "a"), ("1", "b")]


def test_blank_cells_are_spaces_of_either_width_line_breaks_and_nuls():
    assert [is_empty(v) for v in (None, "", " \u3000\t\r\n\x00", "0", 0, " x ")] == [
        True, True, True, False, False, False]
    assert trim_rows([["a", " ", None], ["\u3000"], []]) == [["a"]]
