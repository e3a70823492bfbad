"""Every real file of tests/fixtures/real ingests with the right header, types and values
(or, for the HTML page, is refused with a clear message)."""

from __future__ import annotations

import datetime

import pytest

from ingest.errors import RefusedFile
from tests.ingest.conftest import fixture, rows


def types_of(table) -> dict[str, str]:
    return {field["name"]: field["type"] for field in table.schema["fields"]}


JINKO_COLUMNS = ["列1", "総数", "病院_総数", "病院_医師", "病院_助産師", "診療所_総数",
                 "診療所_医師", "診療所_助産師", "助産所_総数", "助産所_医師", "助産所_助産師",
                 "自宅_総数", "自宅_医師", "自宅_助産師", "自宅_その他", "その他_総数",
                 "その他_医師", "その他_助産師", "その他_その他", "_symbols"]


@pytest.mark.parametrize("name, encoding", [("jinko-dotai-h29_utf8.csv", "utf-8"),
                                            ("jinko-dotai-h29_sjis.csv", "cp932"),
                                            ("jinko-dotai-h29_cp932.csv", "cp932")])
def test_statistics_table_with_title_rows_and_two_row_header(ingest, name, encoding):
    result = ingest(fixture(name))
    assert result.detected.encoding == encoding and result.detected.delimiter == ","
    (table,) = result.tables
    assert [f["name"] for f in table.schema["fields"]] == JINKO_COLUMNS
    assert table.row_count == 32  # title rows and the header are not data
    assert {t for n, t in types_of(table).items() if n not in ("列1", "_symbols")} == {"integer"}
    first, second = rows(table.parquet_path, "SELECT * FROM t LIMIT 2")
    assert first[:5] == ("1300東京都①" if "cp932" in name else "1300東京都", 108990, 74565, 67115, 7450)
    # "-" (no births) is no number: the cell is empty and the symbol kept aside.
    assert second[7] is None and '"診療所_助産師":"-"' in second[-1]
    assert table.schema["fields"][7]["specialValues"] == {"-": 3}
    # The row whose name was quoted and padded ("1367墨田区"　　) is read whole.
    assert rows(table.parquet_path, "SELECT 総数 FROM t WHERE 列1 = '1367墨田区'") == [(2502,)]


def test_wareki_and_e_stat_time_codes_become_western_years(ingest):
    (table,) = ingest(fixture("wareki-and-time-codes.csv")).tables
    assert types_of(table) == {"code": "year", "jp_cal1": "year", "jp_cal2": "year",
                               "c_e": "integer", "text": "string", "jp_cal3": "year"}
    assert rows(table.parquet_path) == [(2017, 2017, 2017, 2017, "hoge", 2017),
                                        (2020, 2020, 2040, 2020, "fuga", 2020)]


def test_units_and_two_values_in_a_cell(ingest):
    (table,) = ingest(fixture("numbers-with-units.csv")).tables
    fields = {f["name"]: f for f in table.schema["fields"]}
    assert fields["数値のみ"]["type"] == "integer"
    assert (fields["単位揃い"]["type"], fields["単位揃い"]["unit"]) == ("integer", "円")
    # A column with a stray "10000円" and "1(10)" falls back to text and loses nothing.
    assert fields["数値間違いあり"]["type"] == "string"
    assert fields["単位揃わず"]["type"] == "string"
    assert table.diagnostics == [
        {"row": 8, "column": "数値間違いあり", "value": "10000円", "expected": "integer"},
        {"row": 9, "column": "数値間違いあり", "value": "1(10)", "expected": "integer"}]
    assert rows(table.parquet_path, "SELECT 数値間違いあり, 単位揃い, 単位揃わず FROM t")[6:8] == [
        ("10000円", 1000, "1人"), ("1(10)", 1000, "1人")]


def test_table_split_by_a_blank_row_keeps_every_row(ingest):
    (table,) = ingest(fixture("split-table.csv")).tables
    assert table.row_count == 37  # 18 + 14 + the 5 odd rows at the end; the blank row dropped
    kinds = types_of(table)
    assert kinds["総数"] == "string"  # "鳥取", "島根", "岡山" slipped into it
    assert [d["value"] for d in table.diagnostics] == ["鳥取", "島根", "岡山"]
    assert rows(table.parquet_path, "SELECT 列1, 総数 FROM t WHERE 列1 = 'たまねぎ'") == [("たまねぎ", "岡山")]


def test_metadata_preamble_rows_are_not_data(ingest):
    (table,) = ingest(fixture("takamatsu-aed-with-metadata-preamble.csv")).tables
    assert [f["name"] for f in table.schema["fields"]][:5] == [
        "property", "name", "address", "installationPosition", "location"]
    assert table.schema["x-sourceMetadata"]["license"] == "http://creativecommons.org/licenses/by/3.0/deed.ja"
    assert table.row_count == 514
    assert rows(table.parquet_path, "SELECT property, name FROM t LIMIT 1") == [(1, "健康増進施設サラマンダー")]
    assert types_of(table)["startTime"] == "time"


def test_english_header_with_a_full_width_space(ingest):
    (table,) = ingest(fixture("takamatsu-hospitals.csv")).tables
    fields = {f["name"]: f for f in table.schema["fields"]}
    assert "telephone number" in fields and fields["telephone number"]["type"] == "string"
    assert fields["latitude"]["type"] == "number" and fields["openingDate"]["type"] == "date"
    assert fields["prefCode"]["type"] == "string"  # a code, even without a leading zero
    assert fields["numberOfBeds"]["type"] == "string"  # "19（休床中）" keeps its words
    assert {d["value"] for d in table.diagnostics} == {"19（休床中）"}
    assert rows(table.parquet_path, "SELECT openingDate FROM t LIMIT 1") == [(datetime.date(1947, 4, 1),)]


def test_cp932_file_with_full_width_characters(ingest):
    result = ingest(fixture("fukuoka-city-subway-stations_cp932.csv"))
    (table,) = result.tables
    assert result.detected.encoding == "cp932"
    assert types_of(table) == {"名称": "string", "郵便番号": "string", "住所": "string",
                               "緯度": "number", "経度": "number", "URL": "string"}
    assert rows(table.parquet_path, "SELECT 名称, 郵便番号 FROM t LIMIT 1") == [
        ("市営地下鉄\u3000姪浜駅（ＪＲ姪浜駅）", "819-0002")]


def test_recommended_dataset_layouts(ingest):
    (population,) = ingest(fixture("yamaguchi-population-recommended-format.csv")).tables
    kinds = types_of(population)
    assert kinds["市区町村コード"] == "string" and kinds["調査年月日"] == "date"
    assert kinds["総人口"] == "integer" and kinds["0-4歳の男性"] == "integer"
    assert rows(population.parquet_path, "SELECT 市区町村コード, 調査年月日, 総人口 FROM t LIMIT 1") == [
        ("352063", datetime.date(2025, 4, 1), 15504)]
    (events,) = ingest(fixture("yamaguchi-events-standard-format.csv")).tables
    assert events.row_count == 30 and types_of(events)["全国地方公共団体コード"] == "string"
    assert types_of(events)["開始日"] == "string"  # "1月7日(火)": no year, kept as written


def test_every_sheet_is_a_table_and_merged_labels_are_one_column(ingest):
    result = ingest(fixture("jnto-visitor-arrivals-merged-cells.xlsx"))
    assert [t.name for t in result.tables] == [str(year) for year in range(2021, 2002, -1)]
    table = result.tables[0]
    names = [f["name"] for f in table.schema["fields"]]
    assert names[:5] == ["列1", "1月", "1月_伸率", "2月", "2月_伸率"] and "累計_伸率" in names
    assert table.row_count == 53  # title, note and unit rows above, 注１/注２ below are gone
    assert rows(table.parquet_path, "SELECT 列1, \"1月\" FROM t LIMIT 1") == [("総数", 46522)]
    # The sub-item under a label merged across A:B lands in the same column.
    assert rows(table.parquet_path, "SELECT \"1月\" FROM t WHERE 列1 = 'イスラエル'") == [(23,)]
    assert types_of(table)["4月_伸率"] == "number" and table.schema["fields"][8]["specialValues"] == {"‐": 8}


def test_excel_dates_in_the_header_and_numbers_below(ingest):
    (table,) = ingest(fixture("excel-dates.xlsx")).tables
    assert types_of(table) == {"列1": "string", "2021-10-05": "integer", "2021-10-06": "integer",
                               "2021-10-07": "integer"}
    assert rows(table.parquet_path) == [("test1", 123, 123, 123), ("test2", 123, 123, 123)]


def test_wide_timetable_with_repeated_header_block(ingest):
    result = ingest(fixture("fukuoka-city-nanakuma-timetable.xlsx"))
    assert [t.name for t in result.tables] == ["(平日\u3000橋本方面)", "(平日\u3000天神南方面)",
                                               "(土休\u3000橋本方面)", "(土休\u3000天神南方面)"]
    table = result.tables[0]
    names = [f["name"] for f in table.schema["fields"]]
    assert names[:4] == ["列1", "始発_行先", "天神南_橋本", "天神南_橋本_2"]
    assert types_of(table)["天神南_橋本"] == "time"
    # Two blocks of 16 stations; the header repeated above the second is not a row.
    assert table.row_count == 32
    assert rows(table.parquet_path, "SELECT 列1, 天神南_橋本 FROM t LIMIT 1") == [
        ("天神南", datetime.time(6, 0))]


def test_population_workbook_with_text_numbers_and_us_dates(ingest):
    (table,) = ingest(fixture("takamatsu-population-201811.xlsx")).tables
    kinds = types_of(table)
    assert kinds["totalPopulation"] == "integer" and kinds["surveyDate"] == "date"
    assert kinds["prefCode"] == "string" and table.row_count == 235
    assert rows(table.parquet_path, "SELECT surveyDate, regionName, totalPopulation FROM t LIMIT 1") == [
        (datetime.date(2018, 11, 1), "塩屋町", 226)]


def test_html_saved_as_csv_is_refused_in_japanese(ingest):
    with pytest.raises(RefusedFile) as refused:
        ingest(fixture("html-saved-as-csv.csv"))
    assert refused.value.detected == "html"
    assert "HTML" in refused.value.message and "CSV" in refused.value.message
    assert "ではありません" in refused.value.message
