"""The cleaned CSV of a table: what ingest could fix, fixed.

One header row (multi-row headers combined, layout spaces removed), no title rows or
footnotes, numbers as plain half-width numbers (units moved into the header), dates in
ISO 8601, 和暦 as 西暦, special symbols as empty cells, UTF-8. Formulas are neutralised as
in every export.
"""

from __future__ import annotations

from typing import Iterator

from ingest.dump import export_select, stream_delimited
from ingest.schema import SYMBOLS_FIELD
from ingest.tabular import TableFile
from ingest.types import quote


def header_of(field: dict) -> str:
    unit = field.get("unit")
    return f"{field['name']}（{unit}）" if unit else field["name"]


def cleaned_rows(con, table: TableFile) -> Iterator[bytes]:
    fields = [f for f in table.fields if f["name"] != SYMBOLS_FIELD]
    values = export_select([(f["name"], f["type"]) for f in fields], neutralise_text=True)
    renamed = ", ".join(f"{quote(f['name'])} AS {quote(header_of(f))}" for f in fields)
    sql = f"SELECT {renamed} FROM (SELECT {values} FROM {table.relation()} ORDER BY _id)"
    return stream_delimited(con, sql, [], delimiter=",", bom=False)
