"""Checks of the cell values: layout spaces, platform-dependent characters, several values
in one cell, 和暦, fused codes and names, full-width characters.

Files read whole are checked cell by cell; for big CSVs (read by DuckDB) the first
2,000 and the last rows are checked.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass

from ingest.cells import is_empty
from ingest.layout import text_of
from ingest.types import FieldType

CJK = r"[\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff]"
# 「総　数」: single characters spread out to a column width. Spaces between words of a
# name (市営地下鉄　姪浜駅) separate, and are left alone.
LAYOUT_SPACE = re.compile(rf"^{CJK}([ \u3000]+{CJK})+$|\S(  +|\u3000{{2,}})\S")
PADDING = re.compile(r"^[ \u3000]+\S|\S[ \u3000]{2,}$|\u3000$")
PLATFORM = re.compile(r"[\u2460-\u24ff\u2776-\u2793\u2160-\u217f\u3220-\u3247\u3280-\u32b0"
                      r"\u3300-\u33ff\u337b-\u337f\u2116\u2121]")
TWO_NUMBERS = re.compile(r"^-?\d+(\.\d+)?\s*[(（]\s*-?\d+(\.\d+)?\s*[)）]$"
                         r"|^-?\d+(\.\d+)?\s*[,、/／;]\s*-?\d+(\.\d+)?$")
# "1,000" is one number with a thousands separator, not the two values 1 and 000.
THOUSANDS = re.compile(r"^[+\-]?\d{1,3}(,\d{3})+(\.\d+)?$")
LAT_LON = re.compile(r"^\s*(-?\d{1,2}\.\d+)\s*[,、]\s*(-?\d{1,3}\.\d+)\s*$")
WAREKI = re.compile(r"(明治|大正|昭和|平成|令和)\s*(元|[0-9０-９]{1,2})\s*年|^[MTSHR]\d{1,2}[.．]")
CODE_AND_NAME = re.compile(rf"^\d{{3,6}}{CJK}{{2,}}")
FULLWIDTH_ALNUM = re.compile(r"[Ａ-Ｚａ-ｚ０-９]")
HALFWIDTH_KANA = re.compile(r"[\uff66-\uff9f]")
NON_ISO_DATE = re.compile(r"^\d{4}/\d{1,2}/\d{1,2}|^\d{1,2}/\d{1,2}/\d{4}|年.*月.*日|"
                          r"(明治|大正|昭和|平成|令和)")
PLACE = re.compile(r"(市|区|町|村|都|道|府|県)$")
URI = re.compile(r"^https?://\S+$")
LOCAL_CODE = re.compile(r"^\d{5,6}$")
# Plain ASCII numbers and ISO dates: only LOCAL_CODE can match such a cell (one pattern
# instead of a dozen, for the bulk of a statistics table's cells).
PLAIN = re.compile(r"[0-9.\-]+")


HEADER = "(見出し)"  # findings in header cells are reported under this name


@dataclass
class _Seen:
    count: int = 0
    row: int | None = None
    value: str = ""

    def add(self, row: int, value: str) -> None:
        if not self.count:
            self.row, self.value = row, value
        self.count += 1


def check_values(report, table) -> None:
    sheet, layout = table.sheet, table.layout
    if sheet is None or layout is None:
        return
    where = {"sheet": table.name if table.name != "data" else ""}
    plans = {plan.name: plan for plan in table.plans}
    seen: dict[tuple[str, str], _Seen] = defaultdict(_Seen)
    filled: dict[str, int] = defaultdict(int)
    places: dict[str, int] = defaultdict(int)
    uris: dict[str, set] = defaultdict(set)
    codes: dict[str, int] = defaultdict(int)
    for r in layout.header_rows:
        for column in layout.columns:
            _check_text(seen, HEADER, r + 1, text_of(sheet.rows[r][column.sources[0]])
                        if column.sources[0] < len(sheet.rows[r]) else "")
    for r, row in _data_rows(sheet, layout):
        for column in layout.columns:
            value = next((row[c] for c in column.sources if c < len(row) and not is_empty(row[c])),
                         None)
            if value is None:
                continue
            text = text_of(value)
            name = column.name
            filled[name] += 1
            if PLAIN.fullmatch(text):  # most cells: of the checks below only the code one applies
                if LOCAL_CODE.match(text):
                    codes[name] += 1
                continue
            _check_text(seen, name, r, text)
            stripped = text.strip(" \u3000")
            plan = plans.get(name)
            if LAT_LON.match(stripped) and _lat_lon(stripped):
                seen[("L3-08", name)].add(r, stripped)
            elif TWO_NUMBERS.match(stripped) and not THOUSANDS.match(stripped):
                seen[("L1-09", name)].add(r, stripped)
            if CODE_AND_NAME.match(stripped):
                seen[("L3-03", name)].add(r, stripped)
            if WAREKI.search(stripped):
                seen[("L2-04", name)].add(r, stripped)
            if plan and plan.type in (FieldType.INTEGER, FieldType.NUMBER) and isinstance(value, str) \
                    and ("," in stripped or "，" in stripped or FULLWIDTH_ALNUM.search(stripped)):
                seen[("L2-03", name)].add(r, stripped)
            if plan and plan.type in (FieldType.DATE, FieldType.DATETIME) and isinstance(value, str) \
                    and NON_ISO_DATE.search(stripped):
                seen[("L3-04", name)].add(r, stripped)
            if len(stripped) <= 12 and PLACE.search(stripped):
                places[name] += 1
            if URI.match(stripped):
                uris[name].add(stripped)
            if LOCAL_CODE.match(stripped):
                codes[name] += 1
    _report(report, seen, filled, where)
    _identifiers(report, table, filled, places, uris, codes, where)


def _data_rows(sheet, layout):
    if sheet.stream is None:
        for r in layout.data_rows:
            yield r + 1, sheet.rows[r]
        return
    for r in layout.data_rows:
        yield r + 1, sheet.rows[r]
    for row in sheet.tail:
        yield None, row


def _check_text(seen, name: str, row, text: str) -> None:
    if not text:
        return
    header = name == HEADER
    if LAYOUT_SPACE.search(text) or PADDING.search(text) or "\n" in text.strip() \
            or (header and "\u3000" in text.strip()):
        seen[("L1-08", name)].add(row, text)
    if PLATFORM.search(text):
        seen[("L1-10", name)].add(row, text)
    if FULLWIDTH_ALNUM.search(text) or HALFWIDTH_KANA.search(text):
        seen[("L3-09", name)].add(row, text)


def _lat_lon(text: str) -> bool:
    latitude, longitude = (float(x) for x in LAT_LON.match(text).groups())
    return -90 <= latitude <= 90 and -180 <= longitude <= 180


MESSAGES = {
    "L1-08": "列「{column}」に位置揃えの空白や改行があります（{row}行目「{value}」など {count} 件）。",
    "L1-10": "列「{column}」に機種依存文字があります（{row}行目「{value}」など {count} 件）。",
    "L1-09": "列「{column}」の1つのセルに複数の値があります（{row}行目「{value}」など {count} 件）。",
    "L3-08": "列「{column}」に緯度と経度が1つのセルに入っています（{row}行目「{value}」など {count} 件）。",
    "L3-03": "列「{column}」でコードと名称がつながっています（{row}行目「{value}」など {count} 件）。",
    "L2-04": "列「{column}」で和暦が使われています（{row}行目「{value}」など {count} 件）。",
    "L2-03": "列「{column}」の数値に桁区切りや全角数字があります（{row}行目「{value}」など {count} 件）。",
    "L3-04": "列「{column}」の日付が YYYY-MM-DD 形式ではありません（{row}行目「{value}」など {count} 件）。",
    "L3-09": "列「{column}」に全角英数字または半角カタカナがあります（{row}行目「{value}」など {count} 件）。",
}
# Fused code and name is judged per column: a few such cells are names, most make a rule.
MAJORITY_RULES = {"L3-03"}


def _report(report, seen, filled, where) -> None:
    for (rule, column), found in sorted(seen.items(), key=lambda item: (item[0][0], item[1].row or 0)):
        if rule in MAJORITY_RULES and found.count * 2 < filled.get(column, 0):
            continue
        value = found.value if len(found.value) <= 40 else found.value[:40] + "…"
        message = MESSAGES[rule].format(column=column, row=found.row or "末尾", value=value,
                                        count=found.count)
        report.add(rule, message, row=found.row, column=column if column != HEADER else "",
                   count=found.count, **where)


def _identifiers(report, table, filled, places, uris, codes, where) -> None:
    names = {plan.name: plan for plan in table.plans}
    code_columns = [name for name, count in codes.items()
                    if count * 10 >= filled[name] * 9 and names.get(name) and names[name].code]
    # URIs that name each row (distinct), not one home page repeated on every row.
    uri_columns = [name for name, values in uris.items()
                   if len(values) * 10 >= filled[name] * 9 and len(values) > 1]
    report.identifier_columns += code_columns + uri_columns
    for name, count in places.items():
        if count * 2 >= filled[name] and filled[name] >= 2 and not code_columns:
            report.add("L3-02", f"列「{name}」は地名ですが、全国地方公共団体コードの列がありません。",
                       column=name, **where)
            break
