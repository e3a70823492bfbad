"""Reading Excel workbooks (.xlsx with openpyxl, .xls with xlrd): every sheet's cells,
with what the machine-readability report needs besides them (merged cells, hidden rows,
columns and sheets, styles, formulas, drawings)."""

from __future__ import annotations

import os
import re
import zipfile
from datetime import datetime, time

from flask_babel import gettext as _

from ingest.cells import Cell, Sheet, Workbook, trim_rows
from ingest.errors import IngestError


# Above this size the workbook is streamed: merged cells and styles are not read.
FULL_XLSX_BYTES = 30 * 1024 * 1024


def read_xlsx(path: str) -> Workbook:
    import warnings

    import openpyxl

    full = os.path.getsize(path) <= FULL_XLSX_BYTES
    # A file object: openpyxl judges a path by its extension, and stored files have none.
    with open(path, "rb") as handle:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # unparsable print headers and the like
                book = openpyxl.load_workbook(handle, data_only=True, read_only=not full)
        except Exception as error:  # noqa: BLE001 - any parser failure: an unreadable file
            raise IngestError(_("The Excel file cannot be read: %(error)s",
                                error=str(error)[:200])) from None
        try:
            sheets = [_xlsx_sheet(sheet, full) for sheet in book.worksheets]
        finally:
            book.close()
    if full:
        _read_formulas(path, sheets)
    return Workbook(sheets, drawings=_xlsx_has_drawings(path))


def _xlsx_sheet(sheet, full: bool) -> Sheet:
    rows: list[list[Cell]] = []
    styled: list[tuple[int, int, str]] = []
    for r, row in enumerate(sheet.iter_rows()):
        values = []
        for c, cell in enumerate(row):
            value = getattr(cell, "value", None)
            values.append(value)
            if full and value is not None:
                style = _style_of(cell)
                if style:
                    styled.append((r, c, style))
        rows.append(values)
    result = Sheet(sheet.title, _settle_dates(trim_rows(rows)), styled_cells=styled,
                   hidden=sheet.sheet_state if sheet.sheet_state in ("hidden", "veryHidden") else "")
    if full:
        result.merges = [(m.min_row - 1, m.min_col - 1, m.max_row - 1, m.max_col - 1)
                         for m in sheet.merged_cells.ranges]
        result.hidden_rows = sorted(i - 1 for i, d in sheet.row_dimensions.items() if d.hidden)
        result.hidden_columns = sorted(
            _column_index(key) for key, d in sheet.column_dimensions.items() if d.hidden
        )
    return result


def _style_of(cell) -> str:
    font = cell.font
    if font is not None and font.i:
        return "italic"
    fill = cell.fill
    if fill is not None and fill.fill_type == "solid":
        color = getattr(fill.fgColor, "rgb", None)
        if isinstance(color, str) and color.upper() not in ("FFFFFFFF", "00000000"):
            return "fill"
    return ""


def _column_index(letters: str) -> int:
    from openpyxl.utils import column_index_from_string

    return column_index_from_string(letters) - 1


def _xlsx_has_drawings(path: str) -> bool:
    """Images, charts or shapes: media files, or drawing parts that place something
    (an empty drawing part is common and harmless)."""
    with zipfile.ZipFile(path) as archive:
        for name in archive.namelist():
            if name.startswith(("xl/media/", "xl/charts/")):
                return True
            if name.startswith("xl/drawings/drawing") and name.endswith(".xml"):
                content = archive.read(name)
                if any(tag in content for tag in (b":pic>", b":sp>", b":graphicFrame>", b":cxnSp>")):
                    return True
    return False


# A cell element of the sheet XML (with or without a namespace prefix, as .NET writers
# use), its attributes and content; a formula inside it; its stored result.
_XML_CELL = re.compile(rb"<(?:\w+:)?c\b([^>]*?)(?:/>|>(.*?)</(?:\w+:)?c>)", re.DOTALL)
_XML_FORMULA = re.compile(rb"<(?:\w+:)?f[\s>/]")
_XML_VALUE = re.compile(rb"<(?:\w+:)?v>([^<]+)</")
_XML_REF = re.compile(rb'\br="([A-Z]+)([0-9]+)"')
_XML_TYPE = re.compile(rb'\bt="([^"]*)"')


def _read_formulas(path: str, sheets: list[Sheet]) -> None:
    """Count the formula cells of each sheet, and those saved without a result.

    Values are read with their cached results (what users saw); a formula whose result
    was never saved (written by openpyxl, or left to Excel to compute) comes out empty,
    which the report must say instead of claiming the value was read."""
    by_name = {sheet.name: sheet for sheet in sheets}
    with zipfile.ZipFile(path) as archive:
        parts, recalculate = _xlsx_sheet_parts(archive)
        for name, part in parts.items():
            sheet = by_name.get(name)
            if sheet is None or part not in archive.namelist():
                continue
            xml = archive.read(part)
            if not _XML_FORMULA.search(xml):
                continue
            for match in _XML_CELL.finditer(xml):
                attributes, content = match.group(1), match.group(2) or b""
                if not _XML_FORMULA.search(content):
                    continue
                sheet.formulas += 1
                kind = _XML_TYPE.search(attributes)
                empty_text = kind is not None and kind.group(1) == b"str" and b"<v" in content
                if empty_text or _XML_VALUE.search(content):
                    continue  # a result; Excel saves an empty text result as t="str" <v></v>
                sheet.formulas_without_value += 1
                if sheet.first_formula_without_value is None:
                    sheet.first_formula_without_value = _cell_position(attributes)
            sheet.formulas_not_recalculated = recalculate and \
                sheet.formulas > sheet.formulas_without_value


def _xlsx_sheet_parts(archive: zipfile.ZipFile) -> tuple[dict[str, str], bool]:
    """Sheet name -> worksheet part (``xl/worksheets/sheetN.xml`` is not in sheet order
    once sheets are moved), and whether the workbook asks for a full recalculation on
    opening (``fullCalcOnLoad``, set by programs that cannot compute formulas)."""
    import posixpath
    from xml.etree import ElementTree

    def local(tag: str) -> str:
        return tag.rsplit("}", 1)[-1]

    try:
        workbook = ElementTree.fromstring(archive.read("xl/workbook.xml"))
        relations = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    except (KeyError, ElementTree.ParseError):
        return {}, False
    targets = {rel.get("Id"): rel.get("Target", "") for rel in relations
               if local(rel.tag) == "Relationship"}
    parts, recalculate = {}, False
    for element in workbook.iter():
        if local(element.tag) == "sheet":
            rid = next((v for k, v in element.attrib.items() if local(k) == "id"), None)
            target = targets.get(rid, "")
            if target:
                parts[element.get("name", "")] = target.lstrip("/") if target.startswith("/") \
                    else posixpath.normpath(posixpath.join("xl", target))
        elif local(element.tag) == "calcPr":
            recalculate = element.get("fullCalcOnLoad", "").lower() in ("1", "true")
    return parts, recalculate


def _cell_position(attributes: bytes) -> tuple[int, int] | None:
    """(row, column), 0-based, of a cell's ``r="C12"`` reference."""
    match = _XML_REF.search(attributes)
    if not match:
        return None
    return int(match.group(2)) - 1, _column_index(match.group(1).decode())


def _settle_dates(rows: list[list[Cell]]) -> list[list[Cell]]:
    """Excel stores dates as date-times: a column whose date-times are all at midnight is
    a column of dates (read as dates); one with a time of day anywhere keeps every
    date-time whole, so that midnight is not written as a bare date beside 12:00."""
    timed = {c for row in rows for c, value in enumerate(row)
             if isinstance(value, datetime) and value.time() != time(0)}
    for row in rows:
        for c, value in enumerate(row):
            if isinstance(value, datetime) and c not in timed:
                row[c] = value.date()
    return rows


XLS_VISIBILITY = {1: "hidden", 2: "veryHidden"}  # xlrd's codes, named as in xlsx


def read_xls(path: str) -> Workbook:
    import xlrd

    try:
        book = xlrd.open_workbook(path, formatting_info=True)
    except Exception as error:  # noqa: BLE001 - any parser failure means an unreadable file
        raise IngestError(_("The Excel (.xls) file cannot be read: %(error)s",
                            error=str(error)[:200])) from None
    sheets = []
    for sheet in book.sheets():
        rows = [[_xls_value(book, sheet.cell(r, c)) for c in range(sheet.ncols)]
                for r in range(sheet.nrows)]
        sheets.append(Sheet(
            sheet.name, _settle_dates(trim_rows(rows)),
            merges=[(r1, c1, r2 - 1, c2 - 1) for r1, r2, c1, c2 in sheet.merged_cells],
            hidden_rows=sorted(r for r, info in sheet.rowinfo_map.items() if info.hidden),
            hidden_columns=sorted(c for c, info in sheet.colinfo_map.items() if info.hidden),
            hidden=XLS_VISIBILITY.get(sheet.visibility, ""),
        ))
    return Workbook(sheets)


def _xls_value(book, cell) -> Cell:
    import xlrd

    if cell.ctype in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK, xlrd.XL_CELL_ERROR):
        return None
    if cell.ctype == xlrd.XL_CELL_DATE:
        value = xlrd.xldate_as_datetime(cell.value, book.datemode)
        return value.time() if cell.value < 1 else value
    if cell.ctype == xlrd.XL_CELL_BOOLEAN:
        return bool(cell.value)
    return cell.value
