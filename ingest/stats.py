"""Column statistics for the preview: nulls, distinct values, minimum, maximum and a
histogram of numeric columns, computed from the written Parquet file."""

from __future__ import annotations

import json

from ingest.types import FieldType, ColumnPlan, literal, quote

HISTOGRAM_BINS = 10
ORDERED = (FieldType.INTEGER, FieldType.NUMBER, FieldType.DATE, FieldType.DATETIME,
           FieldType.TIME, FieldType.YEAR, FieldType.YEARMONTH)


def table_stats(con, parquet: str, plans: list[ColumnPlan], has_symbols: bool
                ) -> tuple[dict, dict[str, dict[str, int]], int]:
    """Per column ``{nulls, distinct, min, max, histogram}``, the symbols counted per
    column, and the row count."""
    source = f"read_parquet({literal(parquet)})"
    expressions = ["count(*)"]
    for plan in plans:
        column = quote(plan.name)
        expressions += [f"count(*) - count({column})", f"approx_count_distinct({column})"]
        if plan.type in ORDERED:
            expressions += [f"min({column})", f"max({column})"]
    row = con.execute(f"SELECT {', '.join(expressions)} FROM {source}").fetchone()
    total, position, stats = row[0], 1, {}
    for plan in plans:
        entry = {"nulls": row[position], "distinct": min(row[position + 1], total - row[position])}
        position += 2
        if plan.type in ORDERED:
            entry["min"], entry["max"] = _jsonable(row[position]), _jsonable(row[position + 1])
            position += 2
        stats[plan.name] = entry
    numeric = [plan.name for plan in plans if plan.type in (FieldType.INTEGER, FieldType.NUMBER)
               and stats[plan.name].get("min") is not None]
    for name, histogram in _histograms(con, source, numeric, stats).items():
        stats[name]["histogram"] = histogram
    symbols = _symbols(con, source, plans) if has_symbols else {}
    return stats, symbols, total


def _histograms(con, source: str, names: list[str], stats: dict) -> dict[str, list[dict]]:
    """Counts in equal-width bins between each column's minimum and maximum, all columns
    in one query."""
    if not names:
        return {}
    selects = []
    for index, name in enumerate(names):
        low, high = stats[name]["min"], stats[name]["max"]
        width = (high - low) / HISTOGRAM_BINS or 1
        column = quote(name)
        selects.append(
            f"SELECT {index} AS c, least(floor(({column} - ({low})) / {width})::BIGINT, "
            f"{HISTOGRAM_BINS - 1}) AS b, count(*) AS n FROM {source} "
            f"WHERE {column} IS NOT NULL GROUP BY b")
    counts: dict[tuple[int, int], int] = {
        (c, b): n for c, b, n in con.execute(" UNION ALL ".join(selects)).fetchall()}
    result = {}
    for index, name in enumerate(names):
        low, high = stats[name]["min"], stats[name]["max"]
        width = (high - low) / HISTOGRAM_BINS
        result[name] = [{"from": low + width * b, "to": low + width * (b + 1),
                         "count": counts.get((index, b), 0)} for b in range(HISTOGRAM_BINS)]
    return result


def _symbols(con, source: str, plans: list[ColumnPlan]) -> dict[str, dict[str, int]]:
    counts: dict[str, dict[str, int]] = {}
    rows = con.execute(f"SELECT _symbols, count(*) FROM {source} WHERE _symbols IS NOT NULL "
                       f"GROUP BY _symbols").fetchall()
    for text, count in rows:
        for column, symbol in json.loads(text).items():
            bucket = counts.setdefault(column, {})
            bucket[symbol] = bucket.get(symbol, 0) + count
    return counts


def _jsonable(value):
    if value is None or isinstance(value, (int, float, str, bool)):
        return value
    return value.isoformat() if hasattr(value, "isoformat") else str(value)
