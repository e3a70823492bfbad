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

from ingest import careful_csv
from ingest.cells import Sheet, Workbook, is_empty
from ingest.detect import Detected, SourceFormat, detect
from ingest.errors import IngestError
from ingest.layout import Layout, cell_text, find_layout, text_of, trailing_notes
from ingest.readers import read
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
# Above this many columns a table is wide: see _write.
WIDE_COLUMNS = 100
# Names of the columns the DataStore adds to every table (compared in lower case).
RESERVED_NAMES = ("_id", "_symbols")


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
    # Columns renamed because the DataStore adds a column of that name: new -> original.
    renamed: dict[str, str] = field(default_factory=dict)


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
    from ingest.parquet_input import parquet_table  # it builds on this module

    detected = detect(path)
    progress(5, _("Format: %(format)s %(encoding)s", format=detected.format.value,
                  encoding=detected.encoding_label).strip())
    con = connect(workdir, memory_limit)
    try:
        if detected.format == SourceFormat.PARQUET:
            result = IngestResult(detected, [parquet_table(con, path, workdir)])
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
            raise IngestError(_("No table with data was found in the file."))
        progress(85, _("Checking machine readability"))
        result.report = lint(con, result)
        _report_renamed(result)
        return result
    except IngestError as error:
        error.detected = error.detected or detected.format.value
        raise
    finally:
        con.close()


def reserve_names(names: list[str]) -> dict[int, str]:
    """New names, by position, for the columns named like one the DataStore adds (its
    row number ``_id``, the ``_symbols`` column): left as they are, the DataStore's column
    would hide the file's. Names compare as DuckDB compares them, ignoring case."""
    taken = {name.lower() for name in names}
    renamed = {}
    for index, name in enumerate(names):
        if name.lower() in RESERVED_NAMES:
            number = 1
            while f"{name}_{number}".lower() in taken:
                number += 1
            renamed[index] = f"{name}_{number}"
            taken.add(renamed[index].lower())
    return renamed


def _report_renamed(result: IngestResult) -> None:
    """Tell the uploader which columns were renamed (the lint cannot see it)."""
    from ingest.lint import score

    for table in result.tables:
        for new, old in table.renamed.items():
            result.report.add("L2-07", _("The column \"%(old)s\" has the name of a column the "
                                         "DataStore adds itself; it was renamed \"%(new)s\".",
                                         old=old, new=new),
                              sheet="" if table.name == "data" else table.name,
                              column=new)
    if any(table.renamed for table in result.tables):
        result.report.score = score(result.report)


def _sheet_table(con, sheet: Sheet, workdir: str, index: int) -> TableResult | None:
    layout = find_layout(sheet.rows, sheet.merges)
    if not layout.columns or not (layout.data_rows or sheet.stream):
        return None
    renamed = {}
    for position, name in reserve_names([column.name for column in layout.columns]).items():
        renamed[name] = layout.columns[position].name
        layout.columns[position].name = name
    table = _table_of_sheet(con, sheet, layout, os.path.join(workdir, f"table-{index}.parquet"))
    table.renamed = renamed
    return table


def _table_of_sheet(con, sheet: Sheet, layout: Layout, out: str) -> TableResult:
    if sheet.stream is not None:
        table = _streamed_csv_table(con, sheet, layout, out)
        if table is not None:
            return table
        found = careful_csv.StreamFindings()
        relation = _load_rows(con, careful_csv.stream_rows(sheet, layout, found), layout)
        careful_csv.apply_findings(con, relation, layout, found)
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


# --- rows from Python (small files, Excel, JSON; big CSVs in ingest.careful_csv) ------


def _sheet_rows(sheet: Sheet, layout: Layout):
    header = [list(map(text_of, sheet.rows[r])) for r in layout.header_rows]
    for r in layout.data_rows:
        row = sheet.rows[r]
        if header and list(map(text_of, row)) in header:
            continue  # the header repeated lower down (a second block of the same table)
        yield r + 1, [cell_text(row, column.sources) for column in layout.columns]


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
    # DuckDB's common-subexpression optimizer takes time that grows with the square of
    # the number of expressions: 8.5 s of planning for a 1,000-column sheet, against 1.5 s
    # without it. Wide tables go without; narrow ones keep it (it saves a cast per cell).
    wide = len(plans) > WIDE_COLUMNS
    if wide:
        con.execute("SET disabled_optimizers = 'common_subexpressions'")
    try:
        con.execute(f"COPY ({query}) TO {literal(out)} ({PARQUET_OPTIONS})")
    finally:
        if wide:
            con.execute("RESET disabled_optimizers")


# --- the fast path: DuckDB reads a big CSV itself ---------------------------------------


def _streamed_csv_table(con, sheet: Sheet, layout: Layout, out: str) -> TableResult | None:
    """Type a big CSV from a sample (head and tail), then convert the whole file in one
    DuckDB pass that stops at the first cell the sample did not foresee. ``None`` when it
    stopped: the caller then takes the careful path over every row."""
    width = max(len(row) for row in sheet.rows)
    if any(len(column.sources) != 1 for column in layout.columns):
        return None
    # The notes by the rule small files follow (ingest.layout.trailing_notes): both
    # paths drop the same rows.
    note_at = trailing_notes(sheet.tail, width)
    notes = [sheet.tail[i] for i in sorted(note_at)]
    sample_rows = list(_sheet_rows(sheet, layout)) + [
        (0, [cell_text(row, c.sources) for c in layout.columns])
        for row in sheet.tail if row not in notes and any(not is_empty(cell) for cell in row)]
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
    # Filtering while reading costs a quarter of the pass, so it is done only for the
    # footnotes (they sit at the end: the tail shows them all); blank rows, rare in big
    # files, are looked for afterwards in the output.
    # NULL-safe: a blank row must pass, to be counted with the others in _drop_blank_rows.
    conditions = [
        "NOT (" + " AND ".join(f"{quote(f's{i}')} IS NOT DISTINCT FROM {literal(text_of(cell))}"
                               if not is_empty(cell)
                               else f"{quote(f's{i}')} IS NULL" for i, cell in enumerate(note[:width]))
        + ")" for note in notes]
    # A column empty in the head has no plan: a value further down stops the pass rather
    # than being dropped (the careful path gives it a column). A CASE, not an OR: DuckDB
    # evaluates both sides of an OR.
    covered = {column.sources[0] for column in layout.columns}
    conditions += [f"CASE WHEN ing_trim({quote(f's{i}')}) IS NULL THEN true ELSE "
                   f"error('value in an unnamed column') END" for i in range(width) if i not in covered]
    where = " AND ".join(conditions)
    try:
        _write(con, relation, plans, out, strict=True, where=where)
    except duckdb.Error as error:
        log.info("fast path stopped (%s); reading every row", str(error)[:200])
        return None
    dropped = _drop_blank_rows(con, out, plans)
    _count_unnumbered(sheet, layout, note_at, dropped)
    return _finish(con, sheet, layout, plans, out, [], fast=True)


def _drop_blank_rows(con, out: str, plans: list[ColumnPlan]) -> int:
    """Rewrite ``out`` without the rows whose every column is empty, if it has any (a
    row of symbols such as ``-`` is not empty: it keeps them in ``_symbols``); returns
    how many. The count is all but free: the Parquet statistics rule out row groups with
    no NULLs."""
    names = [plan.name for plan in plans]
    if any(plan.typed and plan.has_symbols for plan in plans):
        names.append("_symbols")
    blank = " AND ".join(f"{quote(name)} IS NULL" for name in names)
    source = f"read_parquet({literal(out)})"
    dropped = con.execute(f"SELECT count(*) FROM {source} WHERE {blank}").fetchone()[0]
    if dropped:
        kept = out + ".kept"
        con.execute(f"COPY (SELECT * FROM {source} WHERE NOT ({blank})) TO {literal(kept)} "
                    f"({PARQUET_OPTIONS})")
        os.replace(kept, out)
    return dropped


def _count_unnumbered(sheet: Sheet, layout: Layout, note_at: set[int], dropped: int) -> None:
    """Tell the report what the pass left out past the head: the notes at the end (by
    their text) and the blank rows inside the data (a count). Those lines have no number
    on this path: DuckDB skips empty lines and reads a quoted line break as part of its
    row, so no count of rows gives the line. (Empty lines past the head go unseen.)
    ``dropped`` also counts the blank rows the head shows (reported with their numbers)
    and those between the last data row and the notes, which are not inside the data."""
    layout.unnumbered_notes = [text_of(next(cell for cell in sheet.tail[i] if not is_empty(cell)))
                               for i in sorted(note_at)]
    in_head = sum(1 for r in layout.blank_rows if sheet.rows[r])  # rows, not empty lines
    filled = [i for i, row in enumerate(sheet.tail)
              if i not in note_at and any(not is_empty(cell) for cell in row)]
    after_data = sum(1 for i in range((filled[-1] + 1) if filled else 0, len(sheet.tail))
                     if i not in note_at and sheet.tail[i])
    layout.unnumbered_blank_rows = max(0, dropped - in_head - after_data)
