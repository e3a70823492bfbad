"""A Parquet file in, a Parquet table out: kept as it is, but for what the DataStore and
the dumps cannot take (nested values, bytes, a column named like one the DataStore adds)."""

from __future__ import annotations

import logging
import os

import duckdb
from flask_babel import gettext as _

from ingest.errors import IngestError
from ingest.layout import Column, Layout
from ingest.pipeline import PARQUET_OPTIONS, TableResult, reserve_names
from ingest.schema import build_schema
from ingest.stats import table_stats
from ingest.types import ColumnPlan, FieldType, literal, quote

log = logging.getLogger(__name__)


def parquet_table(con, path: str, workdir: str) -> TableResult:
    """A Parquet file as it is, but for what the DataStore and the dumps cannot take:
    nested values (lists, structs, maps) become JSON text, bytes base64 text, and a
    column named like one the DataStore adds is renamed."""
    out = os.path.join(workdir, "table-0.parquet")
    source = f"read_parquet({literal(path)})"
    try:
        relation = con.sql(f"SELECT * FROM {source}")
        columns = list(zip(relation.columns, (str(kind.id) for kind in relation.types)))
        renamed = reserve_names([name for name, _kind in columns])
        plans, values, overrides = [], [], {}
        for index, (name, kind) in enumerate(columns):
            new_name = renamed.get(index, name)
            plan = ColumnPlan(new_name, quote(new_name))
            plan.type, overrides[new_name], value = _parquet_column(quote(name), kind)
            plans.append(plan)
            values.append(f"{value} AS {quote(new_name)}")
        con.execute(f"COPY (SELECT {', '.join(values)} FROM {source}) TO {literal(out)} "
                    f"({PARQUET_OPTIONS})")
    except (duckdb.InvalidInputException, duckdb.IOException, duckdb.NotImplementedException):
        log.info("unreadable Parquet file", exc_info=True)
        raise IngestError(_("The Parquet file cannot be read: it is damaged or incomplete "
                            "(cut short while uploading or saving?). Save it again and upload "
                            "the whole file.")) from None
    layout = Layout([], [], [Column([i], plan.name, columns[i][0])
                             for i, plan in enumerate(plans)])
    stats, _symbols, rows = table_stats(con, out, plans, False)
    schema = build_schema(plans, layout.columns, None, False)
    for entry in schema["fields"]:
        entry.update(overrides[entry["name"]])
    return TableResult("data", out, rows, schema, stats, [], plans, layout,
                       renamed={renamed[i]: columns[i][0] for i in renamed})


# DuckDB type ids of Parquet columns -> their Table Schema type.
PARQUET_TYPES = {
    **dict.fromkeys(("tinyint", "smallint", "integer", "bigint", "hugeint", "utinyint",
                     "usmallint", "uinteger", "ubigint", "uhugeint"), FieldType.INTEGER),
    **dict.fromkeys(("float", "double", "decimal"), FieldType.NUMBER),
    "boolean": FieldType.BOOLEAN, "date": FieldType.DATE,
    **dict.fromkeys(("timestamp", "timestamp_s", "timestamp_ms", "timestamp_ns",
                     "timestamp with time zone"), FieldType.DATETIME),
    **dict.fromkeys(("time", "time_ns", "time with time zone"), FieldType.TIME),
    "varchar": FieldType.STRING,
}


def _parquet_column(column: str, kind: str) -> tuple[FieldType, dict, str]:
    """How a Parquet column of DuckDB type id ``kind`` is stored: its type for ingest,
    what its Table Schema field says beyond that type, and its SQL."""
    if kind in PARQUET_TYPES:
        return PARQUET_TYPES[kind], {}, column
    text = FieldType.STRING
    # Nested values as JSON text: every dump format and every DataStore query takes text,
    # and Table Schema reads an object or array column as JSON.
    if kind in ("list", "array"):
        return text, {"type": "array"}, f"to_json({column})::VARCHAR"
    if kind in ("struct", "map", "union"):
        return text, {"type": "object"}, f"to_json({column})::VARCHAR"
    if kind == "blob":
        return text, {"format": "binary"}, f"base64({column})"
    if kind == "uuid":
        return text, {"format": "uuid"}, f"{column}::VARCHAR"
    return text, {}, f"{column}::VARCHAR"  # intervals, bit strings, enums...
