"""The ingest pipeline: a file in, typed Parquet tables with their schemas, statistics and
a machine-readability report out. Pure: it reads a local file and writes into a work
folder; :mod:`ingest.tasks` stores the results and records them."""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass, field
from typing import Callable

import duckdb
import pyarrow as pa
from flask_babel import gettext as _

from ingest.detect import Detected, SourceFormat, detect
from ingest.layout import Layout, find_layout, is_empty, text_of
from ingest.readers import Sheet, Workbook, read
from ingest.schema import build_schema
from ingest.stats import table_stats
from ingest.types import (
    ColumnPlan,
    install_macros,
    layered,
    literal,
    mark_clean,
    misfits,
    profile,
    quote,
)

log = logging.getLogger(__name__)
Progress = Callable[[int, str], None]
BATCH_ROWS = 100_000
# zstd at its fastest level: files ~5% larger than DuckDB's default level, written in
# two thirds of the time (see bench/ingest.py). Parquet format version 2 (delta encodings
# for numbers and strings): ~10% smaller, no slower to write, and DataStore scans of a
# 5M-row table (filters, aggregates) take about half the time of version 1 files.
PARQUET_OPTIONS = "FORMAT parquet, COMPRESSION zstd, COMPRESSION_LEVEL 1, PARQUET_VERSION V2"
FOOTNOTE_SQL = r"'^[ 　]*(注|（注|\(注|出典|資料|※|＊|\*|備考|（備考|\(備考)'"


@dataclass
class TableResult:
    name: str
    parquet_path: str
    row_count: int
    schema: dict
    stats: dict
    diagnostics: list[dict]
    plans: list[ColumnPlan]
    layout: Layout | None = None
    sheet: Sheet | None = None
    fast_path: bool = False


@dataclass
class IngestResult:
    detected: Detected
    tables: list[TableResult]
    workbook: Workbook | None = None
    report: object = None  # ingest.lint.Report
    empty_sheets: list[str] = field(default_factory=list)


def connect(workdir: str, memory_limit: str = "512MB") -> duckdb.DuckDBPyConnection:
    """A DuckDB connection for one ingest: bounded memory, spilling into ``workdir``."""
    con = duckdb.connect(config={"memory_limit": memory_limit, "threads": os.cpu_count() or 2,
                                 "temp_directory": os.path.join(workdir, "duckdb-tmp")})
    install_macros(con)
    return con


def ingest_file(path: str, workdir: str, *, progress: Progress = lambda pct, msg: None,
                memory_limit: str = "512MB") -> IngestResult:
    """Ingest the file at ``path``; raises :class:`ingest.errors.IngestError` (or
    :class:`~ingest.errors.RefusedFile`) when no table can be made of it."""
    from ingest.lint import lint

    detected = detect(path)
    progress(5, _("Format: %(format)s %(encoding)s", format=detected.format.value,
                  encoding=detected.encoding_label).strip())
    con = connect(workdir, memory_limit)
    try:
        if detected.format == SourceFormat.PARQUET:
            result = IngestResult(detected, [_parquet_table(con, path, workdir)])
        else:
            workbook = read(path, detected, workdir)
            result = IngestResult(detected, [], workbook)
            for index, sheet in enumerate(workbook.sheets):
                progress(10 + 70 * index // max(1, len(workbook.sheets)),
                         _("Reading the table %(name)s", name=sheet.name))
                table = _sheet_table(con, sheet, workdir, index)
                if table is None:
                    result.empty_sheets.append(sheet.name)
                else:
                    result.tables.append(table)
        if not result.tables:
            from ingest.errors import IngestError

            raise IngestError(_("No table with data was found in the file."))
        progress(85, _("Checking machine readability"))
        result.report = lint(con, result)
        return result
    finally:
        con.close()


def _sheet_table(con, sheet: Sheet, workdir: str, index: int) -> TableResult | None:
    layout = find_layout(sheet.rows, sheet.merges)
    if not layout.columns or not (layout.data_rows or sheet.stream):
        return None
    out = os.path.join(workdir, f"table-{index}.parquet")
    if sheet.stream is not None:
        table = _streamed_csv_table(con, sheet, layout, out)
        if table is not None:
            return table
        relation = _load_rows(con, _stream_rows(sheet, layout), layout)
    else:
        relation = _load_rows(con, _sheet_rows(sheet, layout), layout)
    plans = [ColumnPlan(column.name, quote(f"c{i}")) for i, column in enumerate(layout.columns)]
    profile(con, relation, plans)
    diagnostics = misfits(con, relation, plans, "_row")
    _write(con, relation, plans, out, order_by="_row")
    return _finish(con, sheet, layout, plans, out, diagnostics)


def _finish(con, sheet, layout, plans, out, diagnostics, fast=False) -> TableResult:
    has_symbols = any(plan.has_symbols for plan in plans if plan.typed)
    stats, symbols, rows = table_stats(con, out, plans, has_symbols)
    for plan in plans:
        plan.symbols = symbols.get(plan.name, {})
    schema = build_schema(plans, layout.columns, layout, has_symbols)
    return TableResult(sheet.name, out, rows, schema, stats, diagnostics, plans, layout, sheet,
                       fast_path=fast)


# --- rows from Python (small files, Excel, JSON, and the careful path for big CSVs) ------


def _cell_text(row: list, sources: list[int]) -> str | None:
    for c in sources:
        if c < len(row) and not is_empty(row[c]):
            return text_of(row[c])
    return None


def _sheet_rows(sheet: Sheet, layout: Layout):
    header = [list(map(text_of, sheet.rows[r])) for r in layout.header_rows]
    for r in layout.data_rows:
        row = sheet.rows[r]
        if header and list(map(text_of, row)) in header:
            continue  # the header repeated lower down (a second block of the same table)
        yield r + 1, [_cell_text(row, column.sources) for column in layout.columns]


def _stream_rows(sheet: Sheet, layout: Layout):
    """Every data row of a big CSV, read again in Python (when DuckDB's reader refused it)."""
    import csv

    data_start = layout.first_data_row
    with open(sheet.stream.path, encoding="utf-8", newline="") as handle:
        for number, row in enumerate(csv.reader(handle, delimiter=sheet.stream.delimiter,
                                                strict=False)):
            if number < data_start or not any(not is_empty(cell) for cell in row):
                continue
            values = [_cell_text(row, column.sources) for column in layout.columns]
            yield number + 1, values


def _load_rows(con, rows, layout: Layout) -> str:
    """Put ``(row number, values)`` rows into the DuckDB table ``raw``, in batches."""
    names = ["_row"] + [f"c{i}" for i in range(len(layout.columns))]
    schema = pa.schema([pa.field("_row", pa.int64())] +
                       [pa.field(name, pa.string()) for name in names[1:]])

    def batches():
        buffer: list[tuple[int, list]] = []
        for item in rows:
            buffer.append(item)
            if len(buffer) >= BATCH_ROWS:
                yield _batch(buffer, schema)
                buffer = []
        if buffer:
            yield _batch(buffer, schema)

    reader = pa.RecordBatchReader.from_batches(schema, batches())
    con.execute("DROP TABLE IF EXISTS raw")
    con.register("raw_reader", reader)
    con.execute("CREATE TABLE raw AS SELECT * FROM raw_reader")
    con.unregister("raw_reader")
    return "raw"


def _batch(buffer, schema) -> pa.RecordBatch:
    columns = [[number for number, _values in buffer]]
    columns += [[values[i] for _number, values in buffer] for i in range(len(schema) - 1)]
    return pa.RecordBatch.from_arrays([pa.array(c, type=f.type) for c, f in zip(columns, schema)],
                                      schema=schema)


def _write(con, relation: str, plans: list[ColumnPlan], out: str, *, order_by: str = "",
           strict: bool = False, where: str = "") -> None:
    if strict:  # straight from the raw cells: computing trimmed columns first costs more
        source = f"(SELECT * FROM {relation} WHERE {where})" if where else relation
        values = [plan.strict_value_sql() + f" AS {quote(plan.name)}" for plan in plans]
        for plan in plans:
            plan.index, plan.prepared = plan.index, False
    else:
        source = layered(relation, plans, extra=order_by, where=where)
        values = [plan.value_sql() + f" AS {quote(plan.name)}" for plan in plans]
    symbol_plans = [plan for plan in plans if plan.typed and plan.has_symbols]
    if symbol_plans:
        cell = (lambda p: f"ing_trim({p.source})") if strict else (lambda p: p.t)
        entries = ", ".join(
            f"CASE WHEN ing_sym({cell(p)}) THEN to_json({literal(p.name)}) || ':' || "
            f"to_json({cell(p)}) END" for p in symbol_plans)
        values.append(f"CASE WHEN concat_ws(',', {entries}) <> '' THEN "
                      f"'{{' || concat_ws(',', {entries}) || '}}' END AS _symbols")
    query = f"SELECT {', '.join(values)} FROM {source}"
    if order_by:
        query += f" ORDER BY {order_by}"
    con.execute(f"COPY ({query}) TO {literal(out)} ({PARQUET_OPTIONS})")


# --- the fast path: DuckDB reads a big CSV itself ---------------------------------------


def _streamed_csv_table(con, sheet: Sheet, layout: Layout, out: str) -> TableResult | None:
    """Type a big CSV from a sample (head and tail), then convert the whole file in one
    DuckDB pass that stops at the first cell the sample did not foresee. ``None`` when it
    stopped: the caller then takes the careful path over every row."""
    width = max(len(row) for row in sheet.rows)
    if any(len(column.sources) != 1 for column in layout.columns):
        return None
    sample_rows = list(_sheet_rows(sheet, layout)) + [
        (0, [_cell_text(row, c.sources) for c in layout.columns])
        for row in sheet.tail if not _blank_or_note(row, width)]
    sample = _load_rows(con, iter(sample_rows), layout)
    plans = [ColumnPlan(column.name, quote(f"c{i}")) for i, column in enumerate(layout.columns)]
    profile(con, sample, plans)
    mark_clean(con, sample, plans)
    for plan, column in zip(plans, layout.columns):
        plan.source = quote(f"s{column.sources[0]}")
    columns = ", ".join(f"'s{i}': 'VARCHAR'" for i in range(width))
    relation = (f"read_csv({literal(sheet.stream.path)}, delim={literal(sheet.stream.delimiter)}, "
                f"quote='\"', escape='\"', header=false, skip={layout.first_data_row}, "
                f"columns={{{columns}}}, auto_detect=false, null_padding=true)")
    notes = [row for row in sheet.tail if row and _blank_or_note(row, width)
             and any(not is_empty(cell) for cell in row)]
    # Filtering while reading costs a quarter of the pass, so it is done only for the
    # footnotes (they sit at the end: the tail shows them all); blank rows, rare in big
    # files, are looked for afterwards in the output.
    where = " AND ".join(
        "NOT (" + " AND ".join(f"{quote(f's{i}')} = {literal(text_of(cell))}" if not is_empty(cell)
                               else f"{quote(f's{i}')} IS NULL" for i, cell in enumerate(note[:width]))
        + ")" for note in notes)
    try:
        _write(con, relation, plans, out, strict=True, where=where)
    except duckdb.Error as error:
        log.info("fast path stopped (%s); reading every row", str(error)[:200])
        return None
    _drop_blank_rows(con, out, plans)
    return _finish(con, sheet, layout, plans, out, [], fast=True)


def _drop_blank_rows(con, out: str, plans: list[ColumnPlan]) -> None:
    """Rewrite ``out`` without the rows whose every column is empty, if it has any (a
    row of symbols such as ``-`` is not empty: it keeps them in ``_symbols``). The count
    is all but free: the Parquet statistics rule out row groups with no NULLs."""
    names = [plan.name for plan in plans]
    if any(plan.typed and plan.has_symbols for plan in plans):
        names.append("_symbols")
    blank = " AND ".join(f"{quote(name)} IS NULL" for name in names)
    source = f"read_parquet({literal(out)})"
    if not con.execute(f"SELECT count(*) FROM {source} WHERE {blank}").fetchone()[0]:
        return
    kept = out + ".kept"
    con.execute(f"COPY (SELECT * FROM {source} WHERE NOT ({blank})) TO {literal(kept)} "
                f"({PARQUET_OPTIONS})")
    os.replace(kept, out)


def _blank_or_note(row: list, width: int) -> bool:
    from ingest.layout import FOOTNOTE_MARKERS

    cells = [text_of(cell).strip(" \u3000") for cell in row if not is_empty(cell)]
    return not cells or (len(cells) <= max(2, width // 5) and cells[0].startswith(FOOTNOTE_MARKERS))


# --- Parquet in, Parquet out ------------------------------------------------------------


def _parquet_table(con, path: str, workdir: str) -> TableResult:
    out = os.path.join(workdir, "table-0.parquet")
    con.execute(f"COPY (SELECT * FROM read_parquet({literal(path)})) TO {literal(out)} "
                f"({PARQUET_OPTIONS})")
    described = con.execute(f"DESCRIBE SELECT * FROM read_parquet({literal(out)})").fetchall()
    plans = []
    for name, sql_type, *_rest in described:
        plan = ColumnPlan(name, quote(name))
        plan.type = _frictionless_type(sql_type)
        plans.append(plan)
    from ingest.layout import Column

    columns = [Column([i], plan.name, plan.name) for i, plan in enumerate(plans)]
    layout = Layout([], [], columns)
    stats, _symbols, rows = table_stats(con, out, plans, False)
    schema = build_schema(plans, columns, None, False)
    return TableResult("data", out, rows, schema, stats, [], plans, layout)


def _frictionless_type(sql_type: str):
    from ingest.types import FieldType

    sql_type = sql_type.upper()
    if any(sql_type.startswith(t) for t in ("BIGINT", "INTEGER", "SMALLINT", "TINYINT", "HUGEINT",
                                            "UBIGINT", "UINTEGER", "USMALLINT", "UTINYINT")):
        return FieldType.INTEGER
    if sql_type.startswith(("DOUBLE", "FLOAT", "DECIMAL", "REAL")):
        return FieldType.NUMBER
    if sql_type == "BOOLEAN":
        return FieldType.BOOLEAN
    if sql_type == "DATE":
        return FieldType.DATE
    if sql_type.startswith("TIMESTAMP"):
        return FieldType.DATETIME
    if sql_type.startswith("TIME"):
        return FieldType.TIME
    return FieldType.STRING
