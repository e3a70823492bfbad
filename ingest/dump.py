"""Streaming a table out as CSV, TSV, JSON, XLSX, Parquet or GeoJSON with flat memory: rows
come from DuckDB in Arrow batches and leave as bytes, batch by batch.

Spreadsheet formulas are neutralised in text cells of CSV, TSV and XLSX: a cell starting
with ``=``, ``+``, ``-``, ``@``, tab or carriage return gets a leading ``'`` so that
Excel shows it as text instead of running it. Numbers are numbers and stay as they are.

Rows an XLSX sheet cannot hold whole (too many rows or columns, a text longer than a
cell holds) are refused, never cut: see :func:`xlsx_refusal`.
"""

from __future__ import annotations

import base64
import csv
import io
import json
import os
import re
import shutil
import tempfile
import unicodedata
from typing import Iterator

import pyarrow as pa
import pyarrow.compute as pa_compute
import pyarrow.csv as pa_csv
from flask_babel import gettext as _

from ingest.tabular import jsonable
from ingest.types import literal, quote

BATCH_ROWS = 65536
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# What a sheet holds: 1,048,576 rows (one is the header), 16,384 columns, and 32,767
# characters in a cell, counted in UTF-16 units (one beyond U+FFFF, such as 𠮷, is two).
XLSX_MAX_ROWS = 1_048_575
XLSX_MAX_COLUMNS = 16_384
XLSX_MAX_CHARS = 32_767
FORMATS = {"csv": "text/csv", "tsv": "text/tab-separated-values", "json": "application/json",
           "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
           "parquet": "application/vnd.apache.parquet", "geojson": "application/geo+json"}
# Column names (or titles) holding coordinates, compared after NFKC, lower-casing and
# dropping a bracketed note such as 緯度（世界測地系）.
LATITUDE_NAMES = {"緯度", "lat", "latitude"}
LONGITUDE_NAMES = {"経度", "lon", "lng", "long", "longitude"}
COORDINATE_TYPES = {"number", "integer", "string"}


def neutralise(value):
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def neutralised_sql(column: str) -> str:
    """SQL neutralising a text column's formulas (see the module docstring)."""
    # The first character's code point (= + - @ tab CR): a pattern match on every cell
    # costs several times more.
    # The cast is free on text and lets tables stored before nested values became JSON
    # text (lists, bytes typed "string") be dumped too.
    text = f"{column}::VARCHAR"
    return (f"CASE WHEN ord({text}) IN (61, 43, 45, 64, 9, 13) THEN '''' || {text} "
            f"ELSE {text} END")


def csv_text(rows: list[list], delimiter: str = ",") -> str:
    """Rows as CSV text (no header), formulas neutralised: CKAN's records_format=csv."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\n")
    for row in rows:
        writer.writerow([neutralise(v) if v is not None else "" for v in row])
    return out.getvalue()


def export_select(columns: list[tuple[str, str]], *, neutralise_text: bool) -> str:
    """The SELECT list for an export: ``columns`` are (name, Frictionless type)."""
    parts = []
    for name, kind in columns:
        column = quote(name)
        if neutralise_text and kind in ("string", "object", "yearmonth"):
            parts.append(f"{neutralised_sql(column)} AS {column}")
        else:
            parts.append(column)
    return ", ".join(parts)


def stream_delimited(con, sql: str, params: list, *, delimiter: str, bom: bool) -> Iterator[bytes]:
    """CSV/TSV: a header row, then every row (UTF-8)."""
    reader = con.sql(sql, params=params or None).to_arrow_reader(BATCH_ROWS)
    if bom:
        yield "\ufeff".encode()
    options_first = pa_csv.WriteOptions(include_header=True, delimiter=delimiter,
                                        quoting_style="needed")
    options_rest = pa_csv.WriteOptions(include_header=False, delimiter=delimiter,
                                       quoting_style="needed")
    first = True
    for batch in reader:
        sink = io.BytesIO()
        pa_csv.write_csv(batch, sink, options_first if first else options_rest)
        first = False
        yield sink.getvalue()
    if first:  # no rows: still a header
        sink = io.BytesIO()
        pa_csv.write_csv(pa.Table.from_batches([], schema=reader.schema), sink, options_first)
        yield sink.getvalue()


def stream_json(con, sql: str, params: list, fields: list[dict]) -> Iterator[bytes]:
    """JSON as CKAN's dump: ``{"fields": [...], "records": [[...], ...]}``; DuckDB writes
    each row's JSON array, Arrow joins them."""
    names = [f["id"] for f in fields]
    row_json = "json_array(" + ", ".join(quote(n) for n in names) + ")::VARCHAR"
    reader = con.sql(f"SELECT {row_json} FROM ({sql})", params=params or None).to_arrow_reader(BATCH_ROWS)
    yield ('{"fields": ' + json.dumps(fields, ensure_ascii=False) + ', "records": [').encode()
    first = True
    for batch in reader:
        text = _joined(batch.column(0))
        if text:
            yield text if first else b",\n" + text
            first = False
    yield b"]}\n"


def _joined(texts: pa.Array) -> bytes:
    """A batch's non-null JSON texts joined by ``,\n``, by Arrow bytes to bytes (no
    Python string per row); empty when there are none."""
    texts = pa_compute.drop_null(texts)
    if not len(texts):
        return b""
    whole = pa.ListArray.from_arrays(pa.array([0, len(texts)], pa.int32()), texts)
    return pa_compute.binary_join(whole, ",\n")[0].as_buffer().to_pybytes()


class TooBigForExcel(Exception):
    """Rows an XLSX sheet cannot hold whole; ``message`` says which limit (in Japanese)."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def _too_many_rows() -> str:
    return _("Excel holds at most %(n)s rows. Download CSV or Parquet instead, or filter the rows.",
             n=f"{XLSX_MAX_ROWS:,}")


def _too_many_columns() -> str:
    return _("Excel holds at most %(n)s columns. Download CSV or Parquet instead, or choose "
             "fewer fields.", n=f"{XLSX_MAX_COLUMNS:,}")


def _too_long(name: str, length: int) -> str:
    return _("A value in column \"%(name)s\" is %(length)s characters long, and an Excel cell "
             "holds at most %(n)s. Download CSV or Parquet instead, which keep it whole.",
             name=name, length=f"{length:,}", n=f"{XLSX_MAX_CHARS:,}")


def xlsx_refusal(con, sql: str, params: list, row_count: int) -> str | None:
    """Why the rows of ``sql`` (an export's SELECT, over a table of ``row_count`` rows)
    would not fit an XLSX sheet whole, in Japanese; ``None`` when they fit. A sheet cut
    short (rows or columns), or a cell cut at its limit, would lose data without a word,
    so the dump is refused before it starts instead, for every limit alike.

    Cheap: rows are counted only when the table has more than a sheet holds (and the
    count stops there), and only text columns are measured, a cell's UTF-16 length only
    when its UTF-8 bytes (never fewer) exceed the limit."""
    relation = con.sql(sql, params=params or None)
    if len(relation.columns) > XLSX_MAX_COLUMNS:
        return _too_many_columns()
    if row_count > XLSX_MAX_ROWS:
        ((rows,),) = con.execute(f"SELECT count(*) FROM (SELECT 1 FROM ({sql}) "
                                 f"LIMIT {XLSX_MAX_ROWS + 1})", params).fetchall()
        if rows > XLSX_MAX_ROWS:
            return _too_many_rows()
    aliases = [f"c{i}" for i in range(len(relation.columns))]
    texts = [(name, alias) for name, alias, kind in zip(relation.columns, aliases, relation.types)
             if str(kind) in ("VARCHAR", "JSON")]
    if not texts:
        return None
    lengths = ", ".join(
        f"max(length({a}) + length(regexp_replace({a}, '[^\\x{{10000}}-\\x{{10FFFF}}]', '', 'g'))) "
        f"FILTER (WHERE strlen({a}) > {XLSX_MAX_CHARS})" for _name, a in texts)
    (found,) = con.execute(f"SELECT {lengths} FROM ({sql}) AS dump({', '.join(aliases)})",
                           params).fetchall()
    for (name, _alias), length in zip(texts, found):
        if length is not None and length > XLSX_MAX_CHARS:
            return _too_long(name, length)
    return None


def stream_xlsx(con, sql: str, params: list, names: list[str], count: int) -> Iterator[bytes]:
    """XLSX written row by row to a temporary file (constant memory), then streamed.
    Raises :class:`TooBigForExcel` rather than write a sheet that lost data: callers
    refuse such rows first (:func:`xlsx_refusal`), this only makes sure."""
    import xlsxwriter

    folder = tempfile.mkdtemp(prefix="dump-xlsx-")
    try:
        path = os.path.join(folder, "dump.xlsx")
        # The book is closed even when a row is refused: xlsxwriter's row data file
        # (in ``folder``) is closed only then.
        with xlsxwriter.Workbook(path, {"constant_memory": True, "strings_to_formulas": False,
                                        "strings_to_urls": False, "tmpdir": folder}) as book:
            sheet = book.add_worksheet("data")
            _write_whole(sheet, 0, names, names)
            reader = con.sql(sql, params=params or None).to_arrow_reader(BATCH_ROWS)
            row_number = 1
            for batch in reader:
                for row in zip(*(column.to_pylist() for column in batch.columns)):
                    if row_number > XLSX_MAX_ROWS:
                        raise TooBigForExcel(_too_many_rows())
                    _write_whole(sheet, row_number, names, [_xlsx_value(v) for v in row])
                    row_number += 1
        with open(path, "rb") as source:
            while chunk := source.read(1 << 20):
                yield chunk
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _write_whole(sheet, row_number: int, names: list[str], values: list) -> None:
    """Write a row, or raise :class:`TooBigForExcel`: xlsxwriter drops a column past
    the last and cuts a long text, and says so only in its return value."""
    if len(values) > XLSX_MAX_COLUMNS:
        raise TooBigForExcel(_too_many_columns())
    if not sheet.write_row(row_number, 0, values):
        return
    for name, value in zip(names, values):
        if isinstance(value, str) and _utf16_length(value) > XLSX_MAX_CHARS:
            raise TooBigForExcel(_too_long(name, _utf16_length(value)))
    raise TooBigForExcel(_too_many_rows())  # no other limit makes xlsxwriter refuse a cell


def _utf16_length(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _xlsx_value(value):
    """A cell value xlsxwriter takes: lists and maps as JSON text, bytes as base64 (as
    ingest stores them now), anything else it has no cell type for as text."""
    if isinstance(value, (list, dict)):
        value = json.dumps(value, ensure_ascii=False, default=str)
    elif isinstance(value, (bytes, bytearray, memoryview)):
        value = base64.b64encode(bytes(value)).decode()
    else:
        value = jsonable(value)
        if not isinstance(value, (str, int, float, bool, type(None))):
            value = str(value)  # UUIDs, intervals
    return neutralise(value) if isinstance(value, str) else value


def stream_parquet(con, sql: str, params: list) -> Iterator[bytes]:
    """Parquet of the selected rows, written by DuckDB to a temporary file, then streamed."""
    handle, path = tempfile.mkstemp(suffix=".parquet")
    os.close(handle)
    try:
        if params:
            con.execute(f"CREATE TEMP TABLE export AS {sql}", params)
            con.execute(f"COPY export TO {literal(path)} (FORMAT parquet, COMPRESSION zstd)")
        else:
            con.execute(f"COPY ({sql}) TO {literal(path)} (FORMAT parquet, COMPRESSION zstd)")
        with open(path, "rb") as source:
            while chunk := source.read(1 << 20):
                yield chunk
    finally:
        os.unlink(path)


def stream_file(path: str) -> Iterator[bytes]:
    with open(path, "rb") as source:
        while chunk := source.read(1 << 20):
            yield chunk


def _coordinate_name(text: str) -> str:
    text = unicodedata.normalize("NFKC", text or "").strip().lower()
    return re.sub(r"\s*[(\[].*[)\]]$", "", text)


def coordinate_columns(fields: list[dict]) -> tuple[str, str] | None:
    """(latitude, longitude) column names of a table with a point per row, or ``None``:
    the first columns named (or titled) 緯度/経度, lat/lon, latitude/longitude."""
    found: dict[str, str] = {}
    for field in fields:
        if field.get("type") not in COORDINATE_TYPES:
            continue
        names = {_coordinate_name(field["name"]), _coordinate_name(field.get("title", ""))}
        if names & LATITUDE_NAMES:
            found.setdefault("lat", field["name"])
        elif names & LONGITUDE_NAMES:
            found.setdefault("lon", field["name"])
    if "lat" in found and "lon" in found:
        return found["lat"], found["lon"]
    return None


def geojson_select(fields: list[dict], latitude: str, longitude: str) -> str:
    """The SELECT list of a GeoJSON export: one column, each row's Feature as JSON text,
    or NULL when its coordinates are missing or impossible (the row is skipped).
    ``fields`` (Table Schema fields) become the properties, the coordinates excepted."""
    lat, lon = (f"TRY_CAST({quote(name)} AS DOUBLE)" for name in (latitude, longitude))
    valid = (f"{lat} BETWEEN -90 AND 90 AND {lon} BETWEEN -180 AND 180 "
             f"AND isfinite({lat}) AND isfinite({lon})")
    properties = []
    for field in fields:
        if field["name"] in (latitude, longitude, "_id"):
            continue
        column = quote(field["name"])
        if field["type"] == "number":  # JSON has no NaN or infinity
            column = f"CASE WHEN isfinite({column}) THEN {column} END"
        elif field["type"] in ("object", "array"):
            column = f"TRY_CAST({column} AS JSON)"
        properties += [literal(field["name"]), column]
    feature = (f"json_object('type', 'Feature', 'id', \"_id\", 'geometry', json_object("
               f"'type', 'Point', 'coordinates', json_array({lon}, {lat})), "
               f"'properties', json_object({', '.join(properties)}))::VARCHAR")
    return f"CASE WHEN {valid} THEN {feature} END"


def stream_geojson(con, sql: str, params: list) -> Iterator[bytes]:
    """A GeoJSON FeatureCollection of Point features from ``sql``, whose one column is
    :func:`geojson_select`. Rows without valid coordinates are left out and counted in
    the collection's ``skipped_rows`` member (a foreign member, RFC 7946 section 6.1),
    written last because it is known only at the end of the stream."""
    reader = con.sql(sql, params=params or None).to_arrow_reader(BATCH_ROWS)
    yield b'{"type": "FeatureCollection", "features": ['
    first, skipped = True, 0
    for batch in reader:
        column = batch.column(0)
        skipped += column.null_count
        text = _joined(column)
        if text:
            yield text if first else b",\n" + text
            first = False
    yield f'], "skipped_rows": {skipped}}}\n'.encode()
