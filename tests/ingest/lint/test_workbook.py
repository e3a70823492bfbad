"""Findings about the workbook itself: hidden sheets, formulas whose results were not
saved, and the one-value-per-cell check on numbers with thousands separators."""

from __future__ import annotations

import zipfile

import openpyxl
import xlsxwriter

from ingest.excel import read_xls, read_xlsx
from tests.ingest.conftest import findings, rows


def test_hidden_sheets_are_read_and_reported(ingest, tmp_path):
    book = openpyxl.Workbook()
    book.active.title = "公開"
    book.active.append(["a", "b"])
    book.active.append([1, 2])
    for name, state, value in (("作業用", "hidden", 3), ("秘", "veryHidden", 5)):
        sheet = book.create_sheet(name)
        sheet.append(["x", "y"])
        sheet.append([value, value + 1])
        sheet.sheet_state = state
    book.save(tmp_path / "hidden.xlsx")
    result = ingest(str(tmp_path / "hidden.xlsx"))
    # Never lost: every sheet is a table, the hidden ones marked as such.
    assert [(t.name, t.sheet.hidden) for t in result.tables] == [
        ("公開", ""), ("作業用", "hidden"), ("秘", "veryHidden")]
    assert rows(result.tables[2].parquet_path) == [(5, 6)]
    hidden = {f["sheet"]: f for f in findings(result, "L1-04")}
    assert set(hidden) == {"作業用", "秘"} and hidden["作業用"]["severity"] == "warning"
    assert hidden["作業用"]["message"].startswith("シート「作業用」は非表示ですが")
    assert "「再表示」" in hidden["作業用"]["fix"] and "veryHidden" in hidden["秘"]["fix"]


def test_hidden_xls_sheets_are_marked(monkeypatch, tmp_path):
    import xlrd

    class FakeSheet:
        def __init__(self, name, visibility):
            self.name, self.visibility = name, visibility
            self.nrows, self.ncols = 2, 1
            self.merged_cells, self.rowinfo_map, self.colinfo_map = [], {}, {}

        def cell(self, r, c):
            return xlrd.sheet.Cell(xlrd.XL_CELL_TEXT, ["項目", "値"][r])

    class FakeBook:
        datemode = 0

        def sheets(self):
            return [FakeSheet("表", 0), FakeSheet("作業", 1), FakeSheet("隠し", 2)]

    monkeypatch.setattr(xlrd, "open_workbook", lambda *args, **kwargs: FakeBook())
    workbook = read_xls(str(tmp_path / "any.xls"))
    assert [(s.name, s.hidden) for s in workbook.sheets] == [("表", ""), ("作業", "hidden"),
                                                             ("隠し", "veryHidden")]


def test_formulas_saved_without_results_are_reported(ingest, tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["品目", "数量", "単価", "金額"])
    sheet.append(["りんご", 2, 100, "=B2*C2"])
    sheet.append(["みかん", 3, 50, "=B3*C3"])
    book.save(tmp_path / "formulas.xlsx")
    result = ingest(str(tmp_path / "formulas.xlsx"))
    (formula,) = findings(result, "L2-09")
    assert formula["message"] == ("数式のセルが 2 個あり、うち 2 個は値が保存されていないため読み込め"
                                  "ませんでした（D2 など、空欄として取り込みました）。"
                                  "Excel で開いて保存し直してください。")
    assert (formula["row"], formula["column"], formula["count"]) == (2, "D", 2)
    assert "保存し直す" in formula["fix"]
    assert rows(result.tables[0].parquet_path, "SELECT 金額 FROM t") == [(None,), (None,)]


def test_formula_placeholders_of_a_writer_are_reported(ingest, tmp_path):
    path = str(tmp_path / "written.xlsx")
    book = xlsxwriter.Workbook(path)
    sheet = book.add_worksheet("s")
    sheet.write_row(0, 0, ["数量", "金額"])
    sheet.write(1, 0, 2)
    sheet.write_formula(1, 1, "=A2*100")  # stored with a 0 for Excel to replace
    book.close()
    result = ingest(path)
    (formula,) = findings(result, "L2-09")
    assert formula["count"] == 1 and "数式の結果と違う可能性があります" in formula["message"]
    assert result.workbook.sheets[0].formulas_not_recalculated


def test_formulas_saved_by_a_spreadsheet_are_values(tmp_path):
    path = tmp_path / "saved.xlsx"
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("集計")
    sheet.write_row(0, 0, ["数量", "金額", "備考"])
    sheet.write(1, 0, 2)
    sheet.write_formula(1, 1, "=A2*100", None, 200)
    sheet.write_formula(1, 2, '=IF(A2>5,"x","")', None, "")
    book.close()
    # As Excel saves them: no request to recompute, an empty text result as t="str" <v></v>.
    with zipfile.ZipFile(path) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    parts["xl/workbook.xml"] = parts["xl/workbook.xml"].replace(b' fullCalcOnLoad="1"', b"")
    sheet_xml = parts["xl/worksheets/sheet1.xml"]
    start = sheet_xml.index(b'<c r="C2"')
    end = sheet_xml.index(b"</c>", start) + 4
    parts["xl/worksheets/sheet1.xml"] = (sheet_xml[:start] + b'<c r="C2" t="str"><f>IF(A2&gt;5,"x","")</f>'
                                         b"<v></v></c>" + sheet_xml[end:])
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    (sheet,) = read_xlsx(str(path)).sheets
    assert (sheet.formulas, sheet.formulas_without_value, sheet.formulas_not_recalculated) == (2, 0, False)
    assert sheet.rows[1][:2] == [2, 200]


def test_thousands_separators_are_one_value(ingest, tmp_path):
    path = tmp_path / "amounts.csv"
    path.write_text('名前,金額\nA,"1,000"\nB,"12,345,678"\nC,"10,20"\nD,未定\n', encoding="utf-8")
    result = ingest(str(path))
    (two_values,) = findings(result, "L1-09")
    assert (two_values["row"], two_values["count"]) == (4, 1) and "「10,20」" in two_values["message"]
