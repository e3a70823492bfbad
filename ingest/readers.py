"""Reading cells out of files: every sheet of a workbook, the rows of a CSV, the records of
JSON/GeoJSON. Layout is not judged here (see :mod:`ingest.layout`)."""

from __future__ import annotations

import csv
import io
import json
import os
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Iterator

from flask_babel import gettext as _

from ingest import transcode
from ingest.detect import Detected, SourceFormat
from ingest.errors import IngestError

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
        if size <= SMALL_CSV_BYTES:
            rows = list(csv.reader(handle, delimiter=detected.delimiter, strict=False))
            return Sheet("data", rows)
        reader = csv.reader(handle, delimiter=detected.delimiter, strict=False)
        head = [row for _index, row in zip(range(HEAD_ROWS), reader)]
    return Sheet("data", head, tail=_tail_rows(utf8_path, detected.delimiter),
                 stream=CsvStream(utf8_path, detected.delimiter, size))


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
                            line=bad.line, encoding=encoding)) from None
    return target


def _tail_rows(path: str, delimiter: str) -> list[list[Cell]]:
    with open(path, "rb") as handle:
        handle.seek(max(0, os.path.getsize(path) - TAIL_BYTES))
        data = handle.read()
    text = data.decode("utf-8", errors="replace")
    text = text[text.find("\n") + 1:]  # drop the partial first line
    return list(csv.reader(io.StringIO(text), delimiter=delimiter, strict=False))


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
    formulas = _xlsx_formula_counts(path) if full else {}
    for index, sheet in enumerate(sheets):
        sheet.formulas = formulas.get(index, 0)
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
    result = Sheet(sheet.title, _trim(rows), styled_cells=styled)
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


def _xlsx_formula_counts(path: str) -> dict[int, int]:
    """Formula cells per sheet position, counted in the sheet XML (values are read with
    their cached results, which is what users saw)."""
    import re

    counts: dict[int, int] = {}
    with zipfile.ZipFile(path) as archive:
        names = sorted((n for n in archive.namelist()
                        if re.fullmatch(r"xl/worksheets/sheet\d+\.xml", n)),
                       key=lambda n: int(re.search(r"\d+", n.rsplit("/", 1)[1]).group()))
        for index, name in enumerate(names):
            counts[index] = len(re.findall(rb"<f[ >]", archive.read(name)))
    return counts


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
            sheet.name, _trim(rows),
            merges=[(r1, c1, r2 - 1, c2 - 1) for r1, r2, c1, c2 in sheet.merged_cells],
            hidden_rows=sorted(r for r, info in sheet.rowinfo_map.items() if info.hidden),
            hidden_columns=sorted(c for c, info in sheet.colinfo_map.items() if info.hidden),
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
        while end and _empty(row[end - 1]):
            end -= 1
        trimmed.append(list(row[:end]))
    while trimmed and not trimmed[-1]:
        trimmed.pop()
    return trimmed


def _empty(value: Cell) -> bool:
    return value is None or (isinstance(value, str) and not value.strip(" \t\r\n\u3000"))


# --- JSON -------------------------------------------------------------------------------


def read_json(path: str, detected: Detected) -> Sheet:
    if os.path.getsize(path) > MAX_JSON_BYTES:
        raise IngestError(_("JSON files over 512 MB cannot be ingested. Provide CSV or "
                            "Parquet for large tables."))
    with open(path, encoding=detected.encoding or "utf-8") as handle:
        try:
            document = json.load(handle)
        except ValueError as error:
            raise IngestError(_("The JSON is not valid: %(error)s", error=str(error)[:200])) from None
    if detected.format == SourceFormat.GEOJSON:
        records = list(_geojson_records(document))
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
    rows += [[_json_cell(record.get(key)) for key in header] for record in records]
    return Sheet(name, rows)


def _json_records(document) -> tuple[list[dict], str]:
    if isinstance(document, list) and all(isinstance(item, dict) for item in document):
        return document, "data"
    if isinstance(document, dict):
        for key, value in document.items():
            if isinstance(value, list) and value and all(isinstance(i, dict) for i in value):
                return value, str(key)
    return [], "data"


def _geojson_records(document) -> Iterator[dict]:
    features = document.get("features", []) if document.get("type") == "FeatureCollection" \
        else [document]
    for feature in features:
        record = dict(feature.get("properties") or {})
        geometry = feature.get("geometry")
        if geometry and geometry.get("type") == "Point":
            longitude, latitude = (geometry.get("coordinates") or [None, None])[:2]
            record.setdefault("longitude", longitude)
            record.setdefault("latitude", latitude)
        record["geometry"] = json.dumps(geometry, ensure_ascii=False) if geometry else None
        yield record


def _json_cell(value) -> Cell:
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False)
    return value
