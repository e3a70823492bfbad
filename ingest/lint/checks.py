"""Checks of a file's structure: what the layout, the workbook and the column types show."""

from __future__ import annotations

import re
from collections import Counter

from ingest.detect import SourceFormat
from ingest.layout import text_of
from ingest.types import FieldType

DATE_LIKE_NAME = re.compile(r"^(\d{4}-\d{2}(-\d{2})?|\d{4}年(度)?|\d{1,2}月|(明治|大正|昭和|平成|令和)\S*年\S*|"
                            r"\d{4}(/\d{1,2})+)$")
NUMBERED_NAME = re.compile(r"^\D+\d+$|^\d+[-~〜]\d+歳")
NUMERIC = (FieldType.INTEGER, FieldType.NUMBER)


def column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def check_file(report, result) -> None:
    detected = result.detected
    if result.workbook is not None and result.workbook.drawings:
        report.add("L1-02", "ブックに画像・図形・グラフが含まれています。")
    if detected.encoding == "cp932-sig":
        report.add("L3-01", "先頭の BOM は UTF-8 を示していますが、中身は Shift_JIS です。"
                            "UTF-8 で保存し直してください。")
    elif detected.encoding not in ("", "utf-8", "utf-8-sig", "ascii"):
        report.add("L3-01", f"文字コードが {detected.encoding_label} です。")
    if result.workbook is not None:
        for sheet in result.workbook.sheets:
            where = {"sheet": sheet.name if sheet.name != "data" else ""}
            if sheet.hidden and sheet.name not in result.empty_sheets:
                _hidden_sheet(report, sheet, where)
            _formulas(report, sheet, where)


def _hidden_sheet(report, sheet, where) -> None:
    """A sheet Excel does not show is published like the others (authors hide working
    data there, which then goes out unseen): say so, so that it is kept on purpose."""
    if sheet.hidden == "veryHidden":
        fix = (f"シート「{sheet.name}」は Excel の「再表示」では表示されない設定（veryHidden）です。"
               "公開するデータなら VBA のプロパティ（Visible）で表示に戻し、作業用のデータなら"
               "シートを削除してから登録し直してください。")
    else:
        fix = (f"シート「{sheet.name}」を右クリックして「再表示」し、公開するデータか確かめてください。"
               "作業用のデータならシートを削除してから登録し直してください。")
    report.add("L1-04", f"シート「{sheet.name}」は非表示ですが、ほかのシートと同じく表として"
                        f"取り込みました（公開すると誰でも見られます）。", fix=fix, **where)


def _formulas(report, sheet, where) -> None:
    """Formula cells: read with the results saved with them, which programs that write
    Excel files (openpyxl, xlsxwriter...) do not compute: such cells come out empty, or
    hold a placeholder the writer left for Excel to recompute."""
    if not sheet.formulas:
        return
    missing = sheet.formulas_without_value
    if missing:
        first = sheet.first_formula_without_value
        place = f"{column_letter(first[1])}{first[0] + 1} など、" if first else ""
        report.add("L2-09", f"数式のセルが {sheet.formulas} 個あり、うち {missing} 個は値が保存されて"
                            f"いないため読み込めませんでした（{place}空欄として取り込みました）。"
                            f"Excel で開いて保存し直してください。",
                   row=first[0] + 1 if first else None,
                   column=column_letter(first[1]) if first else "", count=missing,
                   fix="Excel で開いて保存し直すと数式の結果が保存されます。"
                       "そのうえで数式のセルは値として貼り付け直してください。", **where)
    elif sheet.formulas_not_recalculated:
        report.add("L2-09", f"数式のセルが {sheet.formulas} 個あります。ファイルを作ったソフトが計算を "
                            f"Excel に任せて保存しているため、読み込んだ値は数式の結果と違う"
                            f"可能性があります。Excel で開いて保存し直してください。",
                   count=sheet.formulas,
                   fix="Excel で開いて保存し直すと数式の結果が保存されます。"
                       "そのうえで数式のセルは値として貼り付け直してください。", **where)
    else:
        report.add("L2-09", f"数式のセルが {sheet.formulas} 個あります（値として読み込みました）。",
                   count=sheet.formulas, **where)


def check_table(report, table) -> None:
    sheet, layout = table.sheet, table.layout
    if sheet is None or layout is None:
        return
    where = {"sheet": table.name if table.name != "data" else ""}
    _around_the_table(report, layout, where)
    _header(report, table, where)
    _blocks(report, table, where)
    _workbook_features(report, sheet, layout, where)
    _column_types(report, table, where)
    _wide(report, table, where)


def _around_the_table(report, layout, where) -> None:
    if layout.preamble_rows:
        rows = layout.preamble_rows
        report.add("L1-05", f"表の上に表題・注記の行が {len(rows)} 行あります"
                            f"（{rows[0] + 1}〜{rows[-1] + 1}行目）。", row=rows[0] + 1,
                   count=len(rows), **where)
    if layout.footnote_rows:
        rows = layout.footnote_rows
        report.add("L1-05", f"表の下に注記・出典の行が {len(rows)} 行あります"
                            f"（{rows[0] + 1}〜{rows[-1] + 1}行目）。", row=rows[0] + 1,
                   count=len(rows), **where)
    if layout.unnumbered_notes:  # at the end of a big CSV: named by their text
        notes = layout.unnumbered_notes
        report.add("L1-05", f"表の下（ファイルの末尾）に注記・出典の行が {len(notes)} 行あります"
                            f"（「{notes[0][:40]}」など）。", count=len(notes), **where)
    if layout.metadata_rows:
        rows = layout.metadata_rows
        keys = "、".join(f"#{key}" for key in list(layout.metadata)[:5])
        report.add("L3-06", f"「#」で始まるメタデータの行が {len(rows)} 行あります（{keys}）。",
                   row=rows[0] + 1, count=len(rows), **where)


def _header(report, table, where) -> None:
    layout = table.layout
    header = layout.header_rows
    if len(header) > 1:
        report.add("L2-07", f"見出しが {len(header)} 行（{header[0] + 1}〜{header[-1] + 1}行目）"
                            f"に分かれています。1行にまとめました（例: {layout.columns[min(2, len(layout.columns) - 1)].name}）。",
                   row=header[0] + 1, count=len(header), **where)
    elif header and header[0] > 0 and not layout.metadata_rows:
        report.add("L2-07", f"見出しが1行目ではなく {header[0] + 1} 行目にあります。",
                   row=header[0] + 1, **where)
    for index in layout.generated_names:
        column = layout.columns[index]
        report.add("L2-06", f"{column_letter(column.sources[0])}列に項目名がありません"
                            f"（「{column.name}」と名付けました）。",
                   row=(header[-1] + 1) if header else None, column=column.name, **where)
    titles = Counter(column.title for column in layout.columns if column.title)
    for title, count in titles.items():
        if count > 1:
            report.add("L2-07", f"項目名「{title}」が {count} 回使われています。",
                       row=(header[-1] + 1) if header else None, count=count, **where)


def _blocks(report, table, where) -> None:
    layout, sheet = table.layout, table.sheet
    header = [list(map(text_of, sheet.rows[r])) for r in layout.header_rows]
    repeated = [r for r in layout.data_rows if header and list(map(text_of, sheet.rows[r])) in header]
    inside = layout.blank_rows  # blank rows after the last data row are not kept there
    # Blank rows further down a big CSV are counted, without line numbers.
    blank_count = len(inside) + layout.unnumbered_blank_rows
    if repeated:
        report.add("L1-03", f"見出しの行が {repeated[0] + 1} 行目で繰り返されています。"
                            f"1つのシートに複数の表があります。", row=repeated[0] + 1,
                   count=len(repeated), **where)
    elif inside:
        report.add("L1-03", f"{inside[0] + 1} 行目の空行で表が分かれています。"
                            f"1つのシートに複数の表がある可能性があります。", row=inside[0] + 1,
                   count=blank_count, **where)
    elif blank_count:
        report.add("L1-03", "表の途中の空行で表が分かれています。"
                            "1つのシートに複数の表がある可能性があります。",
                   count=blank_count, **where)
    if inside:
        report.add("L2-08", f"表の途中に空行が {blank_count} 行あります（{inside[0] + 1}行目など）。",
                   row=inside[0] + 1, count=blank_count, **where)
    elif blank_count:
        report.add("L2-08", f"表の途中に空行が {blank_count} 行あります（取り込みでは除きました）。",
                   count=blank_count, **where)
    if layout.blank_columns:
        letters = "、".join(column_letter(c) for c in layout.blank_columns[:5])
        report.add("L2-08", f"表の途中に空の列があります（{letters}列）。",
                   column=column_letter(layout.blank_columns[0]),
                   count=len(layout.blank_columns), **where)


def _workbook_features(report, sheet, layout, where) -> None:
    table_rows = set(layout.header_rows) | set(layout.data_rows)
    merges = [m for m in sheet.merges if m[0] in table_rows or m[2] in table_rows]
    if merges:
        sample = "、".join(f"{column_letter(c1)}{r1 + 1}:{column_letter(c2)}{r2 + 1}"
                          for r1, c1, r2, c2 in sorted(merges)[:3])
        first = min(merges)
        report.add("L1-06", f"結合セルが {len(merges)} 箇所あります（{sample} など）。",
                   row=first[0] + 1, column=column_letter(first[1]), count=len(merges), **where)
    if sheet.hidden_rows or sheet.hidden_columns:
        report.add("L1-04", f"非表示の行が {len(sheet.hidden_rows)} 行、列が "
                            f"{len(sheet.hidden_columns)} 列あります。",
                   count=len(sheet.hidden_rows) + len(sheet.hidden_columns), **where)
    styled = [(r, c, style) for r, c, style in sheet.styled_cells if r in set(layout.data_rows)]
    if styled:
        r, c, style = styled[0]
        kind = {"italic": "斜体", "fill": "塗りつぶし"}.get(style, style)
        report.add("L1-07", f"データに書式（{kind}など）の付いたセルが {len(styled)} 個あります"
                            f"（{column_letter(c)}{r + 1} など）。書式の意味は値として残りません。",
                   row=r + 1, column=column_letter(c), count=len(styled), **where)


def _column_types(report, table, where) -> None:
    for plan in table.plans:
        if plan.unit:
            report.add("L2-02", f"列「{plan.name}」の値に単位「{plan.unit}」が書かれています"
                                f"（数値として読み、単位はデータ辞書に入れました）。",
                       column=plan.name, count=plan.units_seen.get(plan.unit, 1), **where)
        elif 1 < len(plan.units_seen) <= 3 and all(len(u) <= 3 for u in plan.units_seen) \
                and sum(plan.units_seen.values()) * 2 >= table.stats.get(plan.name, {}).get(
                    "distinct", 0) and plan.type == FieldType.STRING:
            units = "、".join(plan.units_seen)
            report.add("L2-02", f"列「{plan.name}」に異なる単位（{units}）が混在しています。",
                       column=plan.name, count=sum(plan.units_seen.values()), **where)
        if plan.symbols:
            symbols = "、".join(f"「{s}」{n}個" for s, n in plan.symbols.items())
            report.add("L2-05", f"列「{plan.name}」で記号が使われています（{symbols}）。"
                                f"値は空とし、記号は _symbols 列に残しました。",
                       column=plan.name, count=sum(plan.symbols.values()), **where)
    for cell in table.diagnostics:
        expected = cell["expected"]
        rule = "L2-01" if expected in ("integer", "number") else "L3-04"
        kind = "数値" if rule == "L2-01" else {"time": "時刻", "year": "年",
                                              "yearmonth": "年月"}.get(expected, "日付")
        report.add(rule, f"列「{cell['column']}」の「{cell['value']}」は{kind}として読めません。"
                         f"この列は文字列として取り込みました。",
                   row=cell["row"] or None, column=cell["column"], **where)


def _wide(report, table, where) -> None:
    names = [column.name for column in table.layout.columns]
    generated = {table.layout.columns[i].name for i in table.layout.generated_names}
    dated = [name for name in names if DATE_LIKE_NAME.match(name)]
    numbered = [name for name in names if NUMBERED_NAME.match(name) and name not in generated]
    if len(dated) >= 3 or len(numbered) >= 10:
        sample = "、".join((dated or numbered)[:3])
        report.add("L3-05", f"年月や区分が列として横に並んでいます（{sample} など {len(dated or numbered)} 列）。",
                   count=len(dated or numbered), **where)
    if table.layout.generated_names or len(numbered) >= 10:
        report.add("L3-07", "列名だけでは意味が分からない列があります。データ辞書に説明を書いてください。",
                   **where)


def stars(result, report) -> int:
    """The 5-star open data rating of the file: 1 published as a table, 2 structured
    (Excel), 3 open format (CSV, JSON, Parquet), 4 identifiers (URIs or local government
    codes) in the data. 5 (linked data, RDF) is beyond what a table shows."""
    if not result.tables:
        return 0
    if result.detected.format in (SourceFormat.XLSX, SourceFormat.XLS):
        return 2
    if report.identifier_columns:
        return 4
    return 3


