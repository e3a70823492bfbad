"""Finding the table in a sheet without losing a value: merged headings over several data
columns, two-row headers of text-only tables, notes under narrow tables, date-times."""

from __future__ import annotations

from datetime import date, datetime

import openpyxl

from ingest.layout import find_layout, text_of, trailing_notes
from ingest.excel import _settle_dates
from tests.ingest.conftest import rows


def names_of(table) -> list[str]:
    return [field["name"] for field in table.schema["fields"]]


def types_of(table) -> dict[str, str]:
    return {field["name"]: field["type"] for field in table.schema["fields"]}


def write_csv(tmp_path, text: str) -> str:
    path = tmp_path / "table.csv"
    path.write_text(text, encoding="utf-8")
    return str(path)


# --- a heading merged over several columns -----------------------------------------------


def test_heading_merged_over_two_filled_columns_gives_two_columns(ingest, tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["市町村", None, "人口", "世帯数"])
    sheet.merge_cells("A1:B1")
    sheet.append(["401005", "北九州市", 100, 50])
    sheet.append(["401307", "福岡市", 200, 90])
    book.save(tmp_path / "merged.xlsx")
    (table,) = ingest(str(tmp_path / "merged.xlsx")).tables
    assert names_of(table) == ["市町村_1", "市町村_2", "人口", "世帯数"]
    assert rows(table.parquet_path, 'SELECT "市町村_2", "人口", "世帯数" FROM t') == [
        ("北九州市", 100, 50), ("福岡市", 200, 90)]
    assert [f["title"] for f in table.schema["fields"]][:2] == ["市町村_1", "市町村_2"]


def test_merged_label_with_sub_items_below_stays_one_column():
    # The case merging was built for: a label over A:B, rows fill A or B, never both.
    grid = [[None, None, "1月", "2月"], ["総数", None, 46522, 7355], [None, "イスラエル", 23, 2],
            ["韓国", None, 2535, 910]]
    layout = find_layout(grid, [(r, 0, r, 1) for r in range(4)])
    assert [column.sources for column in layout.columns] == [[0, 1], [2], [3]]
    assert [column.name for column in layout.columns] == ["列1", "1月", "2月"]


def test_text_table_with_two_row_merged_header_keeps_every_column(ingest, tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["施設名", "所在地", None, "連絡先", None])
    sheet.append([None, "市町村", "住所", "電話", "FAX"])
    for cells in ("A1:A2", "B1:C1", "D1:E1"):
        sheet.merge_cells(cells)
    sheet.append(["福岡市博物館", "福岡市", "早良区百道浜3-1-1", "092-845-5011", "092-845-5019"])
    sheet.append(["九州国立博物館", "太宰府市", "石坂4-7-2", "092-918-2807", "092-918-2810"])
    book.save(tmp_path / "facilities.xlsx")
    (table,) = ingest(str(tmp_path / "facilities.xlsx")).tables
    assert names_of(table) == ["施設名", "所在地_市町村", "所在地_住所", "連絡先_電話", "連絡先_FAX"]
    assert table.layout.header_rows == [0, 1] and table.row_count == 2
    assert rows(table.parquet_path, 'SELECT * FROM t LIMIT 1') == [
        ("福岡市博物館", "福岡市", "早良区百道浜3-1-1", "092-845-5011", "092-845-5019")]


# --- two-row headers of text-only tables -------------------------------------------------


def test_csv_with_group_headings_over_named_columns(ingest, tmp_path):
    path = write_csv(tmp_path, "所在地,,連絡先,\n市町村,住所,電話,FAX\n"
                               "福岡市,中央区天神1-1,092-111-1111,092-111-1112\n"
                               "北九州市,小倉北区城内1-1,093-222-2222,093-222-2223\n")
    (table,) = ingest(path).tables
    assert names_of(table) == ["所在地_市町村", "所在地_住所", "連絡先_電話", "連絡先_FAX"]
    assert rows(table.parquet_path, "SELECT 所在地_市町村, 連絡先_FAX FROM t") == [
        ("福岡市", "092-111-1112"), ("北九州市", "093-222-2223")]


def test_first_data_row_under_a_header_with_gaps_stays_data():
    # Written like the rows below it: data, though it fills the header's gaps.
    grid = [["氏名", "", "住所", ""], ["山田", "太郎", "福岡市", "中央区"],
            ["鈴木", "花子", "北九州市", "小倉北区"]]
    layout = find_layout(grid)
    assert layout.header_rows == [0] and layout.data_rows == [1, 2]
    # A standalone heading with a value under it: no sub-header either.
    grid = [["施設名", "所在地", ""], ["博物館", "市町村", "住所"], ["美術館", "福岡市", "天神1-1"]]
    assert find_layout(grid).header_rows == [0]


# --- notes under the table ---------------------------------------------------------------


def test_narrow_table_rows_starting_like_notes_are_data(ingest, tmp_path):
    path = write_csv(tmp_path, "施設名,所在地\n福岡市博物館,福岡市早良区\n資料館,久留米市\n"
                               "注文の多い料理店,飯塚市\n※春日市役所,春日市\n備考欄テスト,大川市\n")
    (table,) = ingest(path).tables
    assert table.row_count == 5 and table.layout.footnote_rows == []
    assert [name for (name,) in rows(table.parquet_path, "SELECT 施設名 FROM t")] == [
        "福岡市博物館", "資料館", "注文の多い料理店", "※春日市役所", "備考欄テスト"]


def test_rows_with_missing_last_cells_are_data(ingest, tmp_path):
    path = write_csv(tmp_path, "施設名,住所,電話番号\n中央公民館,中央区,092-1\n東公民館,東区,092-2\n"
                               "西公民館,西区,\n南公民館,南区,\n")
    (table,) = ingest(path).tables
    assert table.row_count == 4
    assert rows(table.parquet_path, "SELECT * FROM t WHERE 施設名 = '南公民館'") == [("南公民館", "南区", None)]


def test_one_column_table_keeps_its_symbols(ingest, tmp_path):
    (table,) = ingest(write_csv(tmp_path, "記号\nA\n***\nB\n*\n")).tables
    assert rows(table.parquet_path) == [("A",), ("***",), ("B",), ("*",)]


def test_notes_at_the_end_of_the_table():
    grid = [["品目", "数量", "金額", "備考", "区分"],
            ["りんご", 2, 200, "", "A"],
            ["※1 みかん", 3, 150, "", "B"],  # filled like data: a row of the table
            ["注1：金額は税込み。", "", "", "", ""],
            ["　　2) 数量は箱数。", "", "", "", ""],  # the note carried on
            ["", "", "", "", ""],
            ["資料：福岡県「統計」", "", "", "", ""]]
    layout = find_layout(grid)
    assert layout.data_rows == [1, 2] and layout.footnote_rows == [3, 4, 6]
    # A note-like row above data is kept: a table loses no row to a guess.
    grid = [grid[0], grid[1], ["注1：金額は税込み。", "", "", "", ""], ["みかん", 3, 150, "", "B"]]
    assert find_layout(grid).data_rows == [1, 2, 3]
    # In a one-column table only a plain note is one; "*" is a value (a secret number).
    assert trailing_notes([["注：一部推計"], ["*"], ["出典：県"]], 1) == {2}


def test_real_notes_kept_apart():
    assert trailing_notes([["a", "b", "c"], ["（注）速報値"], ["※ 推計値を含む"], ["出典：総務省"]], 3) == {1, 2, 3}
    assert trailing_notes([["a", "b"], ["注文の多い料理店"], ["資料館"], ["備考欄"]], 2) == set()
    # A number beside a marked word: a total row, not a note.
    total = ["※ 合計"] + [""] * 8 + [100]
    assert trailing_notes([["a"] * 10, total, ["注：速報値"]], 10) == {2}


# --- date-times from Excel ---------------------------------------------------------------


def test_midnight_beside_noon_stays_a_date_time(ingest, tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["日時", "件数"])
    sheet.append([datetime(2023, 4, 1, 12, 0), 1])
    sheet.append([datetime(2023, 4, 1, 0, 0), 2])
    book.save(tmp_path / "times.xlsx")
    (table,) = ingest(str(tmp_path / "times.xlsx")).tables
    assert types_of(table) == {"日時": "datetime", "件数": "integer"} and table.diagnostics == []
    assert rows(table.parquet_path) == [(datetime(2023, 4, 1, 12, 0), 1), (datetime(2023, 4, 1, 0, 0), 2)]


def test_all_midnight_date_times_are_dates(ingest, tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["日付", "件数"])
    sheet.append([datetime(2023, 4, 1), 1])
    sheet.append([datetime(2023, 4, 2), 2])
    book.save(tmp_path / "dates.xlsx")
    (table,) = ingest(str(tmp_path / "dates.xlsx")).tables
    assert types_of(table)["日付"] == "date"
    assert rows(table.parquet_path, "SELECT 日付 FROM t") == [(date(2023, 4, 1),), (date(2023, 4, 2),)]


def test_date_times_settle_per_column():
    grid = _settle_dates([[datetime(2023, 4, 1), datetime(2023, 4, 1, 9, 30)],
                          [datetime(2023, 4, 2), datetime(2023, 4, 2)]])
    assert grid == [[date(2023, 4, 1), datetime(2023, 4, 1, 9, 30)],
                    [date(2023, 4, 2), datetime(2023, 4, 2)]]
    assert text_of(datetime(2023, 4, 2)) == "2023-04-02 00:00:00" and text_of(date(2023, 4, 2)) == "2023-04-02"
