"""Streaming a table out as CSV, TSV, JSON, XLSX or Parquet with flat memory: rows come
from DuckDB in Arrow batches and leave as bytes, batch by batch.

Spreadsheet formulas are neutralised in text cells of CSV, TSV and XLSX: a cell starting
with ``=``, ``+``, ``-``, ``@``, tab or carriage return gets a leading ``'`` so that
Excel shows it as text instead of running it. Numbers are numbers and stay as they are.
"""

from __future__ import annotations

import csv
import io
import json
import os
import tempfile
from typing import Iterator

import pyarrow as pa
import pyarrow.compute as pa_compute
import pyarrow.csv as pa_csv

from ingest.tabular import jsonable
from ingest.types import literal, quote

BATCH_ROWS = 65536
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
XLSX_MAX_ROWS = 1_048_575
FORMATS = {"csv": "text/csv", "tsv": "text/tab-separated-values", "json": "application/json",
           "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
           "parquet": "application/vnd.apache.parquet"}


def neutralise(value):
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def neutralised_sql(column: str) -> str:
    """SQL neutralising a text column's formulas (see the module docstring)."""
    # The first character's code point (= + - @ tab CR): a pattern match on every cell
    # costs several times more.
    return (f"CASE WHEN ord({column}) IN (61, 43, 45, 64, 9, 13) THEN '''' || {column} "
            f"ELSE {column} END")


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
        rows = batch.column(0)
        if not len(rows):
            continue
        # Joined by Arrow, bytes to bytes: no Python string per row.
        whole = pa.ListArray.from_arrays(pa.array([0, len(rows)], pa.int32()), rows)
        text = pa_compute.binary_join(whole, ",\n")[0].as_buffer().to_pybytes()
        yield text if first else b",\n" + text
        first = False
    yield b"]}\n"


def stream_xlsx(con, sql: str, params: list, names: list[str], count: int) -> Iterator[bytes]:
    """XLSX written row by row to a temporary file (constant memory), then streamed."""
    import xlsxwriter

    handle, path = tempfile.mkstemp(suffix=".xlsx")
    os.close(handle)
    try:
        book = xlsxwriter.Workbook(path, {"constant_memory": True, "strings_to_formulas": False,
                                          "strings_to_urls": False, "tmpdir": os.path.dirname(path)})
        sheet = book.add_worksheet("data")
        sheet.write_row(0, 0, names)
        reader = con.sql(sql, params=params or None).to_arrow_reader(BATCH_ROWS)
        row_number = 1
        for batch in reader:
            for row in zip(*(column.to_pylist() for column in batch.columns)):
                sheet.write_row(row_number, 0, [_xlsx_value(v) for v in row])
                row_number += 1
        book.close()
        with open(path, "rb") as source:
            while chunk := source.read(1 << 20):
                yield chunk
    finally:
        os.unlink(path)


def _xlsx_value(value):
    value = jsonable(value)
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
