"""Encodings told by content (ISO-2022-JP by its escapes, UTF-16 without BOM by its NUL
bytes, Shift_JIS behind a UTF-8 BOM) and NUL bytes in text files, read the same wherever
they are in the file."""

from __future__ import annotations

import codecs
import gzip
import json
import struct

import pytest

from ingest import readers, transcode
from ingest.detect import Detected, SourceFormat, detect, detect_encoding, encoding_label
from ingest.errors import RefusedFile
from tests.ingest.conftest import rows

TABLE = "市町村,人口,備考\n高松市,420000,県庁所在地\n丸亀市,110000,\n"
VALUES = [("高松市", 420000, "県庁所在地"), ("丸亀市", 110000, None)]


def names_and_rows(result) -> tuple[list[str], list[tuple]]:
    (table,) = result.tables
    return [field["name"] for field in table.schema["fields"]], rows(table.parquet_path)


def write(tmp_path, data: bytes, name: str = "data.csv") -> str:
    path = tmp_path / name
    path.write_bytes(data)
    return str(path)


# --- ISO-2022-JP ------------------------------------------------------------------------


def test_iso_2022_jp_is_read_as_japanese_not_as_ascii(ingest, tmp_path):
    result = ingest(write(tmp_path, TABLE.encode("iso2022_jp")))
    assert (result.detected.encoding, result.detected.delimiter) == ("iso2022_jp", ",")
    assert names_and_rows(result) == (["市町村", "人口", "備考"], VALUES)
    assert [f["message"] for f in result.report.as_dicts() if f["rule"] == "L3-01"] == [
        "文字コードが ISO-2022-JP です。"]


def test_iso_2022_jp_with_half_width_katakana_takes_the_codec_that_reads_it():
    data = TABLE.replace("県庁所在地", "ｹﾝﾁｮｳ").encode("iso2022_jp_ext")
    assert detect_encoding(data) == "iso2022_jp_ext"
    assert data.decode("iso2022_jp_ext") == TABLE.replace("県庁所在地", "ｹﾝﾁｮｳ")


def test_an_escape_that_designates_no_jis_set_is_not_iso_2022_jp():
    assert detect_encoding("項目,値\n\x1b[1m太字\x1b[0m,1\n".encode()) == "utf-8"
    assert detect_encoding(b"a,b\n\x1b[1mbold\x1b[0m,1\n") == "utf-8"


# --- Shift_JIS behind a UTF-8 BOM -------------------------------------------------------


def test_shift_jis_behind_a_utf8_bom_is_read_as_shift_jis(ingest, tmp_path, pipeline_app):
    result = ingest(write(tmp_path, codecs.BOM_UTF8 + TABLE.encode("cp932")))
    assert result.detected.encoding == transcode.CP932_AFTER_BOM == "cp932-sig"
    assert names_and_rows(result) == (["市町村", "人口", "備考"], VALUES)
    with pipeline_app.app_context():
        assert result.detected.encoding_label == "Shift_JIS（先頭に UTF-8 の BOM 付き）"
    assert [f["message"] for f in result.report.as_dicts() if f["rule"] == "L3-01"] == [
        "先頭の BOM は UTF-8 を示していますが、中身は Shift_JIS です。UTF-8 で保存し直してください。"]


def test_a_big_shift_jis_file_behind_a_bom_is_transcoded_in_parts(tmp_path):
    text = "団体コード,名称\n" + "".join(f"{i:06d},第{i}市町村①\n" for i in range(20_000))
    source, target = tmp_path / "source.csv", tmp_path / "utf8.csv"
    source.write_bytes(codecs.BOM_UTF8 + text.encode("cp932"))
    transcode.to_utf8(str(source), "cp932-sig", str(target), parts=3)
    assert target.read_bytes() == text.encode("utf-8")


def test_the_cp932_sig_codec_drops_the_bom_however_the_bytes_come():
    data = codecs.BOM_UTF8 + TABLE.encode("cp932")
    assert data.decode("cp932-sig") == TABLE
    decoder = codecs.getincrementaldecoder("cp932-sig")()
    assert "".join(decoder.decode(data[i:i + 1]) for i in range(len(data))) + \
        decoder.decode(b"", final=True) == TABLE
    assert TABLE.encode("cp932").decode("cp932-sig") == TABLE  # no BOM: nothing dropped


def test_json_in_shift_jis_behind_a_bom(ingest, tmp_path):
    document = json.dumps([{"市町村": "高松市", "人口": 420000}], ensure_ascii=False)
    result = ingest(write(tmp_path, codecs.BOM_UTF8 + document.encode("cp932"), "data.json"))
    assert (result.detected.format, result.detected.encoding) == (SourceFormat.JSON, "cp932-sig")
    assert names_and_rows(result) == (["市町村", "人口"], [("高松市", 420000)])


def test_utf8_with_one_bad_byte_after_a_bom_stays_utf8():
    """The bad byte is reported by its line; the file is not read as Shift_JIS, though
    these bytes happen to be valid Shift_JIS too (as mojibake: 蜷咲ｧｰ,莉ｶ謨ｰ)."""
    data = codecs.BOM_UTF8 + "名称,件数\n".encode() + b"a,\x82\xa0\n"
    assert data[3:].decode("cp932") == "蜷咲ｧｰ,莉ｶ謨ｰ\na,あ\n"
    assert detect_encoding(data) == "utf-8-sig"
    assert detect_encoding(codecs.BOM_UTF8 + TABLE.encode("utf-8")) == "utf-8-sig"


def test_euc_jp_behind_a_bom_is_not_read_as_shift_jis():
    """CP932 reads these bytes without an error, as other characters."""
    text = "市町村,人口\n高松市,420000\n丸亀市,110000\n"
    data = codecs.BOM_UTF8 + text.encode("euc_jp")
    assert data[3:].decode("cp932") != text
    assert detect_encoding(data) == "utf-8-sig"  # refused with the line, as before


def test_encodings_are_named_as_people_know_them(pipeline_app):
    with pipeline_app.app_context():
        assert [encoding_label(name) for name in ("utf-8", "utf-8-sig", "cp932", "euc_jp",
                                                  "utf-16-le", "iso2022_jp")] == [
            "UTF-8", "UTF-8 (BOM付き)", "Shift_JIS", "EUC-JP", "UTF-16LE", "ISO-2022-JP"]
        assert Detected(SourceFormat.CSV, "utf-8-sig", ",").encoding_label == "UTF-8 (BOM付き)"


# --- UTF-16 without BOM -----------------------------------------------------------------


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_utf16_without_bom_is_read(ingest, tmp_path, encoding):
    result = ingest(write(tmp_path, TABLE.encode(encoding)))
    assert (result.detected.encoding, result.detected.delimiter) == (encoding, ",")
    assert names_and_rows(result) == (["市町村", "人口", "備考"], VALUES)
    assert [f["rule"] for f in result.report.as_dicts()].count("L3-01") == 1  # not UTF-8


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_utf16_of_mostly_japanese_text_is_told_by_its_few_ascii_characters(encoding):
    text = "説明,件数\n" + "".join(f"本市では平成{i}年度から市民の皆様の健康づくりを支援する"
                                  f"一連の事業を開始しました,{i}\n" for i in range(200))
    assert detect_encoding(text.encode(encoding)[:4096], complete=False) == encoding


def test_numbers_in_utf16_like_pairs_are_binary_not_text(ingest, tmp_path):
    data = struct.pack("<2000h", *[i % 50 for i in range(2000)])  # small 16-bit integers
    assert detect_encoding(data) != "utf-16-le"
    with pytest.raises(RefusedFile) as refused:
        ingest(write(tmp_path, data))
    assert refused.value.detected == "binary"


# --- NUL bytes --------------------------------------------------------------------------


def numbers_with(line: int, cell: str, count: int = 2000) -> str:
    """``a,b`` with ``b = 2a``, the cell of ``b`` on data line ``line`` replaced."""
    return "a,b\n" + "".join(f"{i},{cell if i == line else i * 2}\n" for i in range(count))


@pytest.mark.parametrize("line", [1, 1500])  # in the first 4 KB, and far past it
def test_a_nul_only_cell_is_empty_wherever_it_is(ingest, tmp_path, line):
    result = ingest(write(tmp_path, numbers_with(line, "\x00").encode()))
    (table,) = result.tables
    assert {f["name"]: f["type"] for f in table.schema["fields"]} == {"a": "integer", "b": "integer"}
    values = rows(table.parquet_path)
    assert len(values) == 2000 and values[line] == (line, None) and values[7] == (7, 14)
    assert table.diagnostics == []


def test_a_row_of_nuls_is_a_blank_row_in_a_small_file(ingest, tmp_path):
    """Some systems pad a file's end with NULs: that is no row of data."""
    result = ingest(write(tmp_path, ("a,b\n1,2\n3,4\n\x00,\x00\n" + "\x00" * 20).encode()))
    (table,) = result.tables
    assert rows(table.parquet_path) == [(1, 2), (3, 4)]


def test_nul_padding_around_a_value_is_trimmed_like_spaces(ingest, tmp_path):
    (table,) = ingest(write(tmp_path, numbers_with(1500, "3000\x00\x00").encode())).tables
    assert rows(table.parquet_path, "SELECT b FROM t WHERE a = 1500") == [(3000,)]
    assert {f["name"]: f["type"] for f in table.schema["fields"]}["b"] == "integer"


def test_a_nul_inside_a_value_is_kept_and_the_column_falls_back_to_text(ingest, tmp_path):
    (table,) = ingest(write(tmp_path, numbers_with(1500, "30\x0000").encode())).tables
    assert {f["name"]: f["type"] for f in table.schema["fields"]}["b"] == "string"
    assert rows(table.parquet_path, "SELECT b FROM t WHERE a IN (7, 1500) ORDER BY a") == [("14",), ("30\x0000",)]
    assert table.diagnostics == [{"row": 1502, "column": "b", "value": "30\x0000",
                                  "expected": "integer"}]


def test_a_nul_only_cell_past_the_sample_of_a_big_csv_keeps_the_fast_path(ingest, tmp_path,
                                                                         monkeypatch):
    # A small file read as a big one: a sample of its first and last rows types it.
    monkeypatch.setattr(readers, "SMALL_CSV_BYTES", 1000)
    monkeypatch.setattr(readers, "HEAD_ROWS", 100)
    monkeypatch.setattr(readers, "TAIL_BYTES", 2000)
    (table,) = ingest(write(tmp_path, numbers_with(5000, "\x00", count=10_000).encode())).tables
    assert table.fast_path and table.row_count == 10_000
    assert rows(table.parquet_path, "SELECT a, b FROM t WHERE a IN (4999, 5000)") == [
        (4999, 9998), (5000, None)]


@pytest.mark.parametrize("data", [
    b"SQLite format 3\x00\x10\x00\x01\x01\x00@  \x00\x00\x00\x02" + bytes(range(256)) * 8,
    gzip.compress(numbers_with(1, "1").encode() * 10),
    "a,b\n1,2\n3,4\n".encode("utf-32-le"),
], ids=["sqlite", "gzip", "utf-32"])
def test_binary_data_is_still_refused(tmp_path, data):
    with pytest.raises(RefusedFile) as refused:
        detect(write(tmp_path, data))
    assert refused.value.detected == "binary"
