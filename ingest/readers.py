"""Reading cells out of files: every sheet of a workbook, the rows of a CSV, the records of
JSON/GeoJSON. Layout is not judged here (see :mod:`ingest.layout`)."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import sys
import zipfile
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Iterator

from flask_babel import gettext as _

from ingest import transcode
from ingest.detect import Detected, SourceFormat, encoding_label
from ingest.errors import IngestError
from ingest.types import double_keeps

Cell = str | int | float | bool | date | datetime | time | None
# Below this size a CSV is parsed in Python (exact row numbers, forgiving of stray quotes);
# above it DuckDB's reader does the bulk and Python only looks at its head and tail.
SMALL_CSV_BYTES = 16 * 1024 * 1024
HEAD_ROWS = 2000
TAIL_BYTES = 256 * 1024
MAX_JSON_BYTES = 512 * 1024 * 1024


@dataclass
class Sheet:
    """The cells of one sheet (or of a whole CSV/JSON file).

    ``rows`` holds every row, unless ``stream`` is set: then ``rows`` is the head of a
    large CSV, ``tail`` its last rows, and ``stream`` the UTF-8 file DuckDB reads.
    Positions are 0-based (row, column); reports add 1.
    """

    name: str
    rows: list[list[Cell]]
    merges: list[tuple[int, int, int, int]] = field(default_factory=list)  # r1, c1, r2, c2
    hidden_rows: list[int] = field(default_factory=list)
    hidden_columns: list[int] = field(default_factory=list)
    styled_cells: list[tuple[int, int, str]] = field(default_factory=list)  # italic, bold, fill
    formulas: int = 0
    # Formula cells saved without their result (files written by a program, never opened
    # in a spreadsheet): read as empty cells. The count and the first (row, column).
    formulas_without_value: int = 0
    first_formula_without_value: tuple[int, int] | None = None
    # The writer asked for every formula to be computed on opening (fullCalcOnLoad): the
    # results stored with them were not computed by a spreadsheet and may be placeholders.
    formulas_not_recalculated: bool = False
    hidden: str = ""  # "hidden" or "veryHidden" for a sheet Excel does not show; "" when shown
    tail: list[list[Cell]] = field(default_factory=list)
    stream: "CsvStream | None" = None


@dataclass(frozen=True)
class CsvStream:
    path: str  # UTF-8 without BOM
    delimiter: str
    size: int


@dataclass
class Workbook:
    sheets: list[Sheet]
    drawings: bool = False  # images, charts or shapes anywhere in the workbook


def read(path: str, detected: Detected, workdir: str) -> Workbook:
    """The sheets of the file at ``path``."""
    match detected.format:
        case SourceFormat.CSV:
            return Workbook([read_csv(path, detected, workdir)])
        case SourceFormat.XLSX:
            return read_xlsx(path)
        case SourceFormat.XLS:
            return read_xls(path)
        case SourceFormat.JSON | SourceFormat.GEOJSON:
            return Workbook([read_json(path, detected)])
    raise ValueError(detected.format)


# --- CSV --------------------------------------------------------------------------------


def read_csv(path: str, detected: Detected, workdir: str) -> Sheet:
    utf8_path = _as_utf8(path, detected.encoding, workdir)
    size = os.path.getsize(utf8_path)
    with open(utf8_path, encoding="utf-8", newline="") as handle:
        reader = csv_reader(handle, detected.delimiter, size)
        with csv_errors(reader):
            if size <= SMALL_CSV_BYTES:
                return Sheet("data", list(reader))
            head = [row for _index, row in zip(range(HEAD_ROWS), reader)]
    return Sheet("data", head, tail=_tail_rows(utf8_path, detected.delimiter),
                 stream=CsvStream(utf8_path, detected.delimiter, size))


def csv_reader(handle, delimiter: str, size: int):
    """A forgiving ``csv.reader`` over ``handle``, a text of ``size`` bytes, that takes a
    cell as long as the text itself."""
    # Python's csv module refuses cells over 128 KB (a process-wide setting), yet a long
    # WKT geometry or a pasted document is a real cell. No cell is longer than its file,
    # and the upload limit bounds the file; raising the limit never harms another reader.
    wanted = min(sys.maxsize, size + 1)
    if csv.field_size_limit() < wanted:
        csv.field_size_limit(wanted)
    return csv.reader(handle, delimiter=delimiter, strict=False)


@contextmanager
def csv_errors(reader):
    """Turn an error of ``reader`` (a :func:`csv_reader`) into an :class:`IngestError`
    naming the line, in words for the people who uploaded the file."""
    try:
        yield
    except csv.Error:
        raise IngestError(_("Line %(line)s of the CSV cannot be read. Check the quotes and "
                            "delimiters around it, or save the file again as CSV.",
                            line=reader.line_num)) from None


def _as_utf8(path: str, encoding: str, workdir: str) -> str:
    """``path`` itself when it is UTF-8 without BOM, else a UTF-8 copy (streamed)."""
    if encoding == "utf-8":
        return path
    target = os.path.join(workdir, "source-utf8.csv")
    try:
        transcode.to_utf8(path, encoding, target)
    except transcode.BadBytes as bad:
        raise IngestError(_("Line %(line)s or after contains bytes that are not valid "
                            "%(encoding)s. Save the file again as UTF-8.",
                            line=bad.line, encoding=encoding_label(encoding))) from None
    return target


def _tail_rows(path: str, delimiter: str) -> list[list[Cell]]:
    with open(path, "rb") as handle:
        handle.seek(max(0, os.path.getsize(path) - TAIL_BYTES))
        data = handle.read()
    text = data.decode("utf-8", errors="replace")
    text = text[text.find("\n") + 1:]  # drop the partial first line
    try:
        return list(csv_reader(io.StringIO(text), delimiter, len(data)))
    except csv.Error:  # the tail only samples types and finds notes: the pass reads all
        return []


# --- Excel ------------------------------------------------------------------------------

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
    result = Sheet(sheet.title, _settle_dates(_trim(rows)), styled_cells=styled,
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
            sheet.name, _settle_dates(_trim(rows)),
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


def _trim(rows: list[list[Cell]]) -> list[list[Cell]]:
    """Drop empty rows at the end and empty cells at the end of each row."""
    trimmed = []
    for row in rows:
        end = len(row)
        while end and is_empty(row[end - 1]):
            end -= 1
        trimmed.append(list(row[:end]))
    while trimmed and not trimmed[-1]:
        trimmed.pop()
    return trimmed


# What a blank cell may hold: spaces of either width, line breaks, and NULs (padding some
# systems write, which the typed pass trims too).
BLANK = " \t\r\n\u3000\x00"


def is_empty(value: Cell) -> bool:
    """A cell with nothing in it: ``None``, or text of :data:`BLANK` characters only."""
    return value is None or (isinstance(value, str) and not value.strip(BLANK))


# --- JSON -------------------------------------------------------------------------------


class JsonNumber(str):
    """A JSON number kept as written, because a float would round it (0.1000000000000000055,
    a 20-digit identifier): typed as the same text in a CSV would be, never rounded."""


@dataclass
class _JsonNumbers:
    """``json.load``'s number parsers: floats and ints, or :class:`JsonNumber` when a
    float would round the number. ``kept`` says whether any was kept as written."""

    kept: bool = False

    def parse_float(self, text: str) -> float | JsonNumber:
        if double_keeps(text):
            return float(text)
        self.kept = True
        return JsonNumber(text)

    def parse_int(self, text: str) -> int | JsonNumber:
        # Python's int holds any integer, but raises past 4,300 digits; and past BIGINT
        # the column is text anyway.
        if len(text.lstrip("-")) <= 18:
            return int(text)
        self.kept = True
        return JsonNumber(text)


def read_json(path: str, detected: Detected) -> Sheet:
    if os.path.getsize(path) > MAX_JSON_BYTES:
        raise IngestError(_("JSON files over 512 MB cannot be ingested. Provide CSV or "
                            "Parquet for large tables."))
    numbers = _JsonNumbers()
    with open(path, encoding=detected.encoding or "utf-8") as handle:
        try:
            document = json.load(handle, parse_float=numbers.parse_float,
                                 parse_int=numbers.parse_int)
        except json.JSONDecodeError as error:
            raise IngestError(_("The JSON is not valid: %(error)s", error=_json_error(error))) from None
        except UnicodeDecodeError:
            raise IngestError(_("The JSON contains bytes that are not valid %(encoding)s. Save "
                                "it again as UTF-8.", encoding=detected.encoding_label)) from None
        except RecursionError:
            raise IngestError(_("The JSON is nested too deeply to be read as a table.")) from None
    try:
        return _json_sheet(document, _exact_json if numbers.kept else _plain_json)
    except RecursionError:  # writing a nested value back as text
        raise IngestError(_("The JSON is nested too deeply to be read as a table.")) from None


def _json_sheet(document, as_json) -> Sheet:
    """The records of a JSON document as a sheet, nested values as JSON text."""
    # The structure decides, not the detected format: detection sees only the start of
    # the file, and a list of Features is read as their collection would be.
    features = _geojson_features(document)
    if features is not None:
        records = list(_geojson_records(features, as_json))
        name = "features"
    else:
        records, name = _json_records(document)
    if not records:
        raise IngestError(_("The JSON holds no list of records (objects) to make a table of."))
    columns: dict[str, None] = {}
    for record in records:
        columns.update(dict.fromkeys(record))
    header = list(columns)
    rows: list[list[Cell]] = [header]
    rows += [[_json_cell(record.get(key), as_json) for key in header] for record in records]
    return Sheet(name, rows)


def _json_error(error: json.JSONDecodeError) -> str:
    """Where the JSON went wrong, in words for the uploader (Python's own are English)."""
    return _("line %(line)s, column %(column)s", line=error.lineno, column=error.colno)


def _json_records(document) -> tuple[list[dict], str]:
    if isinstance(document, list) and all(isinstance(item, dict) for item in document):
        return document, "data"
    if isinstance(document, dict):
        for key, value in document.items():
            if isinstance(value, list) and value and all(isinstance(i, dict) for i in value):
                return value, str(key)
    return [], "data"


def _geojson_features(document) -> list | None:
    """The features of GeoJSON (a FeatureCollection, a Feature, or a list of Features);
    ``None`` for any other JSON."""
    if isinstance(document, dict):
        if document.get("type") == "FeatureCollection":
            features = document.get("features")
            return features if isinstance(features, list) else []
        return [document] if document.get("type") == "Feature" else None
    if isinstance(document, list) and document and all(
            isinstance(item, dict) and item.get("type") == "Feature" for item in document):
        return document
    return None


def _geojson_records(features: list, as_json) -> Iterator[dict]:
    """A record per feature: its properties, its id, its geometry as GeoJSON text, and
    the coordinates of a point as longitude and latitude."""
    for number, feature in enumerate(features, start=1):
        if not isinstance(feature, dict):
            raise IngestError(_("Item %(n)s of the GeoJSON features is not a Feature (an "
                                "object).", n=number))
        properties = feature.get("properties")
        if isinstance(properties, dict):
            record = dict(properties)
        else:  # not GeoJSON, but kept rather than lost
            record = {} if properties is None else {"properties": properties}
        if feature.get("id") is not None:
            record.setdefault("id", feature["id"])
        geometry = feature.get("geometry")
        if isinstance(geometry, dict) and geometry.get("type") == "Point":
            coordinates = geometry.get("coordinates")
            if isinstance(coordinates, list) and len(coordinates) >= 2:
                record.setdefault("longitude", coordinates[0])
                record.setdefault("latitude", coordinates[1])
        key = "geometry" if "geometry" not in record else "geometry_2"
        record[key] = as_json(geometry) if geometry else None
        yield record


def _json_cell(value, as_json) -> Cell:
    if isinstance(value, (dict, list)):
        return as_json(value)
    return value


def _plain_json(value) -> str:
    return json.dumps(value, ensure_ascii=False)


def _exact_json(value) -> str:
    """``value`` (read by :func:`read_json`) as JSON text like :func:`_plain_json`, but
    with each :class:`JsonNumber` written as it was read, not as a string. Slower, so
    taken only for documents that have one."""
    if isinstance(value, JsonNumber):
        return str(value)
    if isinstance(value, dict):
        return "{" + ", ".join(_plain_json(str(key)) + ": " + _exact_json(item)
                               for key, item in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_exact_json(item) for item in value) + "]"
    return _plain_json(value)
