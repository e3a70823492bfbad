"""CSV files above SMALL_CSV_BYTES: DuckDB reads them whole, typed from a sample of their
head and tail, and anything the sample did not foresee sends the file the careful way.
The files are generated here (about 17 MB each) so that every case is a real big file."""

from __future__ import annotations

import datetime

import pytest

from ingest.errors import IngestError
from ingest.readers import SMALL_CSV_BYTES
from tests.ingest.conftest import rows

HEADER = "団体コード,市区町村名,年度,調査日,人口,面積,備考\n"
ROWS = 270_000


def row(i: int) -> str:
    note = "合併により区域が変わりました（旧町村を含む）" if i % 3 == 0 else ""
    return (f"{(i % 47) + 1:02d}{i % 10000:04d},第{i % 900 + 100}市町村,{2000 + i % 25},"
            f"{2000 + i % 25}-10-{i % 28 + 1:02d},{1000 + i * 7 % 2_000_000},{5 + i % 15000 / 100:.2f},{note}\n")


def write_big_csv(path, encoding: str = "utf-8", odd: dict[int, str] | None = None,
                  footer: str = "") -> str:
    """The generated table; ``odd`` replaces whole data lines by number (0-based)."""
    odd = odd or {}
    with open(path, "w", encoding=encoding, newline="") as out:
        out.write(HEADER)
        out.writelines(odd.get(i, row(i)) if i in odd else row(i) for i in range(ROWS))
        out.write(footer)
    assert path.stat().st_size > SMALL_CSV_BYTES  # or the small-file path would be tested
    return str(path)


def types_of(table) -> dict[str, str]:
    return {field["name"]: field["type"] for field in table.schema["fields"]}


def test_a_clean_big_csv_is_typed_in_one_pass(ingest, tmp_path):
    (table,) = ingest(write_big_csv(tmp_path / "big.csv")).tables
    assert table.fast_path and table.row_count == ROWS
    assert types_of(table) == {"団体コード": "string", "市区町村名": "string", "年度": "integer",
                               "調査日": "date", "人口": "integer", "面積": "number", "備考": "string"}
    assert rows(table.parquet_path, "SELECT * FROM t WHERE 団体コード = '010000' LIMIT 1") == [
        ("010000", "第100市町村", 2000, datetime.date(2000, 10, 1), 1000, 5.0,
         "合併により区域が変わりました（旧町村を含む）")]
    last = ROWS - 1
    assert rows(table.parquet_path, "SELECT 人口, 面積 FROM t")[last] == (
        1000 + last * 7 % 2_000_000, round(5 + last % 15000 / 100, 2))


def findings(result, rule: str) -> list[dict]:
    return [finding for finding in result.report.as_dicts() if finding["rule"] == rule]


def test_blank_rows_inside_a_big_csv_are_dropped_and_reported(ingest, tmp_path):
    blank = {100_000: ",,,,,,\n", 150_000: ",,,,,,\n"}
    result = ingest(write_big_csv(tmp_path / "blank.csv", odd=blank))
    (table,) = result.tables
    assert table.fast_path and table.row_count == ROWS - 2
    assert rows(table.parquet_path, "SELECT count(*) FROM t WHERE 団体コード IS NULL") == [(0,)]
    # Far below the head the lines have no number on this path: the report counts them.
    (blank_rows,) = findings(result, "L2-08")
    assert blank_rows["count"] == 2 and blank_rows["row"] is None
    assert "空行が 2 行" in blank_rows["message"]


def test_notes_under_a_big_csv_are_not_data_and_are_reported(ingest, tmp_path):
    footer = "注：面積は国土地理院による。,,,,,,\n出典：福岡県統計年鑑,,,,,,\n"
    result = ingest(write_big_csv(tmp_path / "notes.csv", footer=footer))
    (table,) = result.tables
    assert table.fast_path and table.row_count == ROWS
    assert rows(table.parquet_path, "SELECT count(*) FROM t WHERE 団体コード LIKE '注%' "
                                    "OR 団体コード LIKE '出典%'") == [(0,)]
    (notes,) = findings(result, "L1-05")
    assert notes["count"] == 2 and "「注：面積は国土地理院による。」" in notes["message"]
    assert findings(result, "L2-08") == []


def test_blank_rows_of_a_big_csv_with_notes_are_counted_once(ingest, tmp_path):
    # A blank line between the data and its notes is not inside the data; one in the
    # body is, and is counted although the notes' filter sees it too.
    footer = ",,,,,,\n注：面積は国土地理院による。,,,,,,\n"
    result = ingest(write_big_csv(tmp_path / "both.csv", odd={200_000: ",,,,,,\n"}, footer=footer))
    (table,) = result.tables
    assert table.fast_path and table.row_count == ROWS - 1
    (blank_rows,) = findings(result, "L2-08")
    assert blank_rows["count"] == 1
    assert findings(result, "L1-05")[0]["count"] == 1


@pytest.mark.parametrize("line, column, kind, kept", [
    # a leading zero the sample never showed: the column is a code, the zero kept
    ("011234,第1市町村,2001,2001-10-01,05,1.00,\n", "人口", "string", "05"),
    # a decimal in an integer column: a plain cast would round it
    ("011234,第1市町村,2001,2001-10-01,1234.5,1.00,\n", "人口", "number", 1234.5),
    # a date with a time: a plain cast would cut the time off
    ("011234,第1市町村,2001,2001-10-01 09:30,1234,1.00,\n", "調査日", "string", "2001-10-01 09:30"),
])
def test_a_value_the_sample_did_not_foresee_loses_nothing(ingest, tmp_path, line, column, kind, kept):
    (table,) = ingest(write_big_csv(tmp_path / "odd.csv", odd={120_000: line})).tables
    assert not table.fast_path and table.row_count == ROWS
    assert types_of(table)[column] == kind
    assert rows(table.parquet_path, f"SELECT {column} FROM t")[120_000] == (kept,)


def test_the_careful_path_numbers_the_blank_rows_and_notes_it_leaves_out(ingest, tmp_path):
    odd = {120_000: "011234,第1市町村,2001,2001-10-01,05,1.00,\n", 200_000: ",,,,,,\n"}
    footer = "注：面積は国土地理院による。,,,,,,\n"
    result = ingest(write_big_csv(tmp_path / "careful.csv", odd=odd, footer=footer))
    (table,) = result.tables
    assert not table.fast_path and table.row_count == ROWS - 1
    (blank_rows,) = findings(result, "L2-08")
    assert blank_rows["count"] == 1 and blank_rows["row"] == 200_002  # line 1 is the header
    (notes,) = findings(result, "L1-05")
    assert notes["row"] == ROWS + 2


def test_a_big_shift_jis_csv_reads_like_its_utf8_original(ingest, tmp_path):
    utf8 = ingest(write_big_csv(tmp_path / "utf8.csv")).tables[0]
    sjis_result = ingest(write_big_csv(tmp_path / "sjis.csv", encoding="cp932"))
    assert sjis_result.detected.encoding == "cp932"
    (sjis,) = sjis_result.tables
    assert sjis.fast_path and types_of(sjis) == types_of(utf8)
    assert rows(sjis.parquet_path) == rows(utf8.parquet_path)  # every value, in order


def test_a_bad_byte_deep_in_a_big_shift_jis_csv_names_its_line(ingest, tmp_path):
    path = tmp_path / "broken.csv"
    write_big_csv(path, encoding="cp932")
    data = bytearray(path.read_bytes())
    line_start = 0
    for _line in range(180_000):  # line 180,001 of the file
        line_start = data.index(b"\n", line_start) + 1
    data[line_start + 7:line_start + 9] = b"\x85\x40"  # no character in Shift_JIS (CP932)
    path.write_bytes(bytes(data))
    with pytest.raises(IngestError) as failed:
        ingest(str(path))
    assert "180001 行目" in failed.value.message and "UTF-8 で保存し直して" in failed.value.message
