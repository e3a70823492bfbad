"""Querying ingested tables with DuckDB: the engine behind the DataStore API.

Every query takes its own connection to an in-memory DuckDB database over the Parquet
files it needs, bounded in memory and threads. ``run_sql`` runs caller-written SQL in a
sandbox: one SELECT, only the tables the caller may read, no file or network access, no
extensions, a time limit and a row limit. Databases are kept between queries (opening one
costs more than a small query); a sandbox database sees only the tables it was made for.
"""

from __future__ import annotations

import base64
import json
import os
import threading
import unicodedata
from collections import OrderedDict
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time
from decimal import Decimal

import duckdb
from flask_babel import gettext as _

from ingest.schema import columns_meant
from ingest.types import literal, quote

CKAN_TYPES = {"integer": "int8", "number": "numeric", "string": "text", "boolean": "bool",
              "date": "date", "datetime": "timestamp", "time": "time", "year": "int4",
              "yearmonth": "text", "object": "json", "array": "json"}
RANGE_OPERATORS = {"gt": ">", "gte": ">=", "lt": "<", "lte": "<=", "ne": "<>", "eq": "="}
# Columns full text reads as written (cast to text), for terms with a digit in them.
WRITTEN_AS_DIGITS = ("integer", "number", "date", "datetime", "time", "year")


class QueryError(Exception):
    """A query the caller wrote wrong; ``message`` says how (in Japanese)."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class TableFile:
    """An ingested or pushed table as DuckDB sees it."""

    path: str  # local Parquet file
    fields: list  # Table Schema fields
    row_count: int
    physical_id: bool = False  # pushed tables store _id; ingested ones take the row order

    def relation(self) -> str:
        source = f"read_parquet({literal(self.path)}"
        if self.physical_id:
            return f"(SELECT * FROM {source}))"
        return f"(SELECT file_row_number + 1 AS _id, * EXCLUDE (file_row_number) FROM {source}, file_row_number=true))"

    @property
    def names(self) -> list[str]:
        return [f["name"] for f in self.fields]

    def column(self, name: str, missing: str | None = None) -> str:
        """The stored column a caller's ``name`` means (see
        :func:`ingest.schema.columns_meant`). Raises :class:`QueryError` with ``missing``
        (or "no such column") when none matches, and asks for the exact name when
        several do."""
        candidates = columns_meant(["_id", *self.names], name)
        if len(candidates) == 1:
            return candidates[0]
        if candidates:
            raise QueryError(_("\"%(name)s\" could mean several columns (%(names)s); write "
                               "the column name exactly.", name=name, names=", ".join(candidates)))
        raise QueryError(missing or _("There is no column \"%(name)s\".", name=name))


_databases: dict[str, duckdb.DuckDBPyConnection] = {}
_databases_lock = threading.Lock()
# A forked child (an RQ work horse) must not share the parent's database instance.
os.register_at_fork(after_in_child=_databases.clear)


def connect(memory_limit: str = "256MB", threads: int = 2) -> duckdb.DuckDBPyConnection:
    """A connection for one query (closed by the caller), on an in-memory database shared
    by the process: opening a database costs ~20 ms, a cursor on it almost nothing, and
    the Parquet footers it has read stay cached."""
    with _databases_lock:
        database = _databases.get(memory_limit)
        if database is None:
            database = _new_database(memory_limit, threads)
            database.execute("SET parquet_metadata_cache = true")
            _databases[memory_limit] = database
    return database.cursor()


def _new_database(memory_limit: str, threads: int) -> duckdb.DuckDBPyConnection:
    return duckdb.connect(config={"memory_limit": memory_limit, "threads": threads,
                                  "autoinstall_known_extensions": False,
                                  "autoload_known_extensions": False})


def ckan_fields(fields: list[dict]) -> list[dict]:
    """Fields as CKAN's DataStore describes them, the data dictionary in ``info``."""
    described = [{"id": "_id", "type": "int"}]
    for f in fields:
        described.append({
            "id": f["name"], "type": CKAN_TYPES.get(f["type"], "text"),
            "info": {"label": f.get("title", ""), "notes": f.get("description", ""),
                     "unit": f.get("unit", ""), "type_override": ""},
            "schema": {"type": f["type"], "unit": f.get("unit", "")},
        })
    return described


@dataclass
class SearchQuery:
    filters: dict = field(default_factory=dict)  # column -> value | [values] | {op: value}
    q: str | dict = ""
    fields: list[str] | None = None
    sort: list[tuple[str, str]] = field(default_factory=list)  # (column, "asc"|"desc")
    limit: int = 100
    offset: int = 0
    cursor: list | None = None  # keyset: the sort values and _id of the last row seen
    include_total: bool = True
    distinct: bool = False


def resolve_columns(table: TableFile, query: SearchQuery) -> SearchQuery:
    """``query`` with its ``fields`` and ``sort`` naming stored columns (see
    :meth:`TableFile.column`); :func:`where_clause` does the same for the keys of
    ``filters`` and of ``q``. Raises :class:`QueryError` for a column not found."""
    fields = None if query.fields is None else [table.column(name) for name in query.fields]
    sort = [(table.column(name, _("There is no column \"%(name)s\" to sort by.", name=name)),
             direction) for name, direction in query.sort]
    return replace(query, fields=fields, sort=sort)


def where_clause(table: TableFile, query: SearchQuery) -> tuple[str, list]:
    """SQL conditions and parameters for filters and full-text ``q``. Their column names
    are resolved as :meth:`TableFile.column` says, one key at a time: two spellings of
    one column are two conditions, not one lost."""
    conditions, params = [], []
    for name, value in query.filters.items():
        target = quote(table.column(name))
        if isinstance(value, dict):
            for op, operand in value.items():
                if op not in RANGE_OPERATORS:
                    raise QueryError(_("Unknown operator \"%(op)s\" (use gt, gte, lt, lte, ne or eq).", op=op))
                conditions.append(f"{target} {RANGE_OPERATORS[op]} ?")
                params.append(operand)
        elif isinstance(value, list):
            if not value:
                conditions.append("FALSE")
                continue
            conditions.append(f"{target} IN ({', '.join('?' for _value in value)})")
            params.extend(value)
        elif value is None:
            conditions.append(f"{target} IS NULL")
        else:
            conditions.append(f"{target} = ?")
            params.append(value)
    text_columns = [quote(f["name"]) for f in table.fields
                    if f["type"] in ("string", "yearmonth") and f["name"] != "_symbols"]
    if isinstance(query.q, dict):
        for name, term in query.q.items():
            conditions.append(f"CAST({quote(table.column(name))} AS VARCHAR) ILIKE ? ESCAPE '\\'")
            params.append(_like(str(term)))
    elif query.q:
        # Substring match in the text columns: right for Japanese, which has no spaces
        # between words; case-insensitive only when the term has Latin letters. Like
        # CKAN's full text, a term also matches numbers and dates, but only a term with a
        # digit casts them: a text-only search costs what it did.
        digit_columns = [quote(f["name"]) for f in table.fields if f["type"] in WRITTEN_AS_DIGITS]
        for term in str(query.q).split():
            written = unicodedata.normalize("NFKC", term)  # full-width ２０１６ is 2016
            targets = [(c, term) for c in text_columns]
            if any("0" <= c <= "9" for c in written):
                targets += [(f"CAST({c} AS VARCHAR)", written) for c in digit_columns]
            if not targets:
                conditions.append("FALSE")
                continue
            operator = "ILIKE" if any(c.isascii() and c.isalpha() for c in term) else "LIKE"
            conditions.append("(" + " OR ".join(f"{c} {operator} ? ESCAPE '\\'"
                                                for c, _term in targets) + ")")
            params.extend(_like(value) for _c, value in targets)
    return (" AND ".join(conditions) or "TRUE"), params


def _like(term: str) -> str:
    escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def search(con, table: TableFile, query: SearchQuery) -> dict:
    """Rows matching ``query``: ``{"columns", "rows", "total", "cursor"}``. With a
    cursor, ``offset`` counts from the row after it."""
    query = resolve_columns(table, query)
    columns = query.fields or (["_id"] + table.names)
    order = _order(query, columns)
    where, params = where_clause(table, query)
    if query.cursor is not None:
        keyset, keyset_params = _keyset(order, query.cursor)
        where, params = f"({where}) AND {keyset}", params + keyset_params
    # In _id order (the default) the scan's own order is the answer: DuckDB keeps file
    # order, and a LIMIT can then stop early instead of sorting every matching row.
    # DISTINCT keeps no order of its own, so it is always sorted.
    order_sql = ("" if order == [("_id", "asc")] and not query.distinct else
                 "ORDER BY " + ", ".join(f"{quote(c)} {d.upper()}" for c, d in order))
    selected = ", ".join(quote(c) for c in columns)
    hidden = [c for c, _d in order if c not in columns]
    extra = "".join(f", {quote(c)} AS {quote('__sort_' + c)}" for c in hidden)
    distinct = "DISTINCT " if query.distinct else ""
    sql = (f"SELECT {distinct}{selected}{extra} FROM {table.relation()} WHERE {where} "
           f"{order_sql} LIMIT {query.limit} OFFSET {query.offset}")
    try:
        cursor = con.execute(sql, params)
        rows = cursor.fetchall()
        total = _total(con, table, query, selected) if query.include_total else None
    except duckdb.Error as error:
        raise QueryError(_query_message(error)) from None
    next_cursor = None
    if len(rows) == query.limit and rows and not query.distinct:
        last = dict(zip(columns + ["__sort_" + c for c in hidden], rows[-1]))
        values = [last.get(c, last.get("__sort_" + c)) for c, _d in order]
        if all(v is not None for v in values):
            next_cursor = encode_cursor(values)
    rows = [row[:len(columns)] for row in rows]
    return {"columns": columns, "rows": [[jsonable(v) for v in row] for row in rows],
            "total": total, "cursor": next_cursor}


def _order(query: SearchQuery, columns: list[str]) -> list[tuple[str, str]]:
    """The ORDER BY of a search (its columns resolved): the sort, then ``_id`` so that
    pages never overlap. With distinct, the sort alone (as CKAN): ``_id`` would make
    every row distinct."""
    if not query.distinct:
        id_direction = next((d for c, d in query.sort if c == "_id"), "asc")
        return [(c, d) for c, d in query.sort if c != "_id"] + [("_id", id_direction)]
    if query.cursor is not None:  # distinct pages never give one
        raise QueryError(_("The next_page cursor is not valid."))
    for column, _direction in query.sort:
        if column not in columns:
            raise QueryError(_("With distinct, sort only by returned columns (\"%(name)s\" is not one).",
                               name=column))
    # Unsorted distinct rows come in column order, so that offset pages are stable.
    return list(query.sort) or [(c, "asc") for c in columns]


def _total(con, table: TableFile, query: SearchQuery, selected: str) -> int:
    """The number of matching rows (of distinct ones with ``distinct``), whatever the page."""
    if not query.filters and not query.q and not query.distinct:
        return table.row_count
    where, params = where_clause(table, query)
    sql = f"SELECT count(*) FROM {table.relation()} WHERE {where}"
    if query.distinct:
        sql = f"SELECT count(*) FROM (SELECT DISTINCT {selected} FROM {table.relation()} WHERE {where})"
    return con.execute(sql, params).fetchone()[0]


def _keyset(order: list[tuple[str, str]], values: list) -> tuple[str, list]:
    """Rows after ``values`` in ``order``: (a > x) OR (a = x AND b > y) ..."""
    if len(values) != len(order):
        raise QueryError(_("The next_page cursor is not valid."))
    alternatives, params = [], []
    for i, (column, direction) in enumerate(order):
        parts = [f"{quote(c)} = ?" for c, _d in order[:i]]
        parts.append(f"{quote(column)} {'>' if direction == 'asc' else '<'} ?")
        alternatives.append("(" + " AND ".join(parts) + ")")
        params += values[:i] + [values[i]]
    return "(" + " OR ".join(alternatives) + ")", params


def encode_cursor(values: list) -> str:
    text = json.dumps([jsonable(v) for v in values], ensure_ascii=False)
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def decode_cursor(token: str) -> list:
    try:
        padded = token + "=" * (-len(token) % 4)
        values = json.loads(base64.urlsafe_b64decode(padded.encode()).decode())
    except (ValueError, UnicodeDecodeError):
        raise QueryError(_("The next_page cursor is not valid.")) from None
    if not isinstance(values, list):
        raise QueryError(_("The next_page cursor is not valid."))
    return values


def jsonable(value):
    if isinstance(value, (datetime, date, time)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, float) and value != value:  # NaN
        return None
    return value


def _query_message(error: Exception) -> str:
    text = str(error).split("\n")[0]
    if "Conversion Error" in text or "Could not convert" in text:
        return _("A value in the query does not fit the column's type: %(error)s", error=text)
    return _("The query failed: %(error)s", error=text)


# --- datastore_search_sql -------------------------------------------------------------


@dataclass
class SqlResult:
    columns: list[str]
    types: list[str]
    rows: list[list]
    truncated: bool


def table_names(sql: str) -> set[str]:
    """The tables ``sql`` refers to; raises :class:`QueryError` unless it is exactly one
    SELECT statement. Read from DuckDB's parse tree, before anything is bound."""
    try:
        statements = duckdb.extract_statements(sql)
    except duckdb.Error as error:
        raise QueryError(_("The SQL cannot be parsed: %(error)s", error=str(error).splitlines()[0])) from None
    if len(statements) != 1:
        raise QueryError(_("Write exactly one SELECT statement."))
    if statements[0].type != duckdb.StatementType.SELECT:
        raise QueryError(_("Read only: only SELECT statements may be run."))
    con = connect()  # parsing only: no table is read
    try:
        tree = json.loads(con.execute("SELECT json_serialize_sql(?)", [sql]).fetchone()[0])
    finally:
        con.close()
    if tree.get("error"):
        raise QueryError(_("The SQL cannot be parsed: %(error)s", error=tree.get("error_message", "")))
    tables, ctes = set(), set()
    _walk(tree, tables, ctes)
    qualified = [name for schema, name in tables if schema]
    if qualified:
        raise QueryError(_("Name tables by resource id alone, without a schema (%(name)s).", name=qualified[0]))
    return {name for _schema, name in tables} - ctes


def _walk(node, tables: set, ctes: set) -> None:
    if isinstance(node, dict):
        if node.get("type") == "BASE_TABLE":
            tables.add((node.get("schema_name") or node.get("catalog_name") or "",
                        node.get("table_name")))
        for entry in (node.get("cte_map") or {}).get("map", []):
            ctes.add(entry.get("key"))
        for value in node.values():
            _walk(value, tables, ctes)
    elif isinstance(node, list):
        for value in node:
            _walk(value, tables, ctes)


# Sandboxes of datastore_search_sql, one per set of tables, kept for the next query on the
# same tables: opening a database and binding its views costs more than many queries.
SANDBOXES = 16
_sandboxes: OrderedDict[tuple, duckdb.DuckDBPyConnection] = OrderedDict()
os.register_at_fork(after_in_child=_sandboxes.clear)


def sandbox(tables: dict[str, TableFile], memory_limit: str = "256MB") -> duckdb.DuckDBPyConnection:
    """A connection (closed by the caller) to a database that sees ``tables`` (name ->
    file) as views and nothing else: it may read those Parquet files and no other file or
    network address, loads no extension, and its settings are locked. The database is
    cached per set of tables; each caller gets its own connection to it."""
    key = (memory_limit, tuple(sorted((name, t.path, t.physical_id, tuple(t.names))
                                      for name, t in tables.items())))
    with _databases_lock:
        database = _sandboxes.get(key)
        if database is not None:
            _sandboxes.move_to_end(key)
            return database.cursor()
    database = _new_database(memory_limit, threads=2)
    database.execute("SET parquet_metadata_cache = true")
    database.execute("SET allowed_paths = ?", [sorted({t.path for t in tables.values()})])
    database.execute("SET enable_external_access = false")
    for name, table in tables.items():
        database.execute(f"CREATE VIEW {quote(name)} AS SELECT * FROM {table.relation()}")
    database.execute("SET lock_configuration = true")
    with _databases_lock:
        _sandboxes[key] = database
        while len(_sandboxes) > SANDBOXES:  # connections still open keep theirs alive
            _sandboxes.popitem(last=False)
        return database.cursor()


def run_sql(sql: str, tables: dict[str, TableFile], *, timeout: float, max_rows: int,
            memory_limit: str = "256MB") -> SqlResult:
    """Run one SELECT over ``tables`` (name -> file) in a :func:`sandbox`, interrupted
    after ``timeout`` seconds."""
    con = sandbox(tables, memory_limit)
    try:
        timer = threading.Timer(timeout, con.interrupt)
        timer.start()
        try:
            cursor = con.execute(f"SELECT * FROM ({sql.strip().rstrip(';')}) LIMIT {max_rows + 1}")
            rows = cursor.fetchall()
            description = cursor.description or []
        except duckdb.InterruptException:
            raise QueryError(_("The query was stopped after the time limit of %(seconds)s seconds.", seconds=f"{timeout:g}")) from None
        except duckdb.Error as error:
            raise QueryError(_query_message(error)) from None
        finally:
            timer.cancel()
    finally:
        con.close()
    truncated = len(rows) > max_rows
    return SqlResult([d[0] for d in description], [str(d[1]) for d in description],
                     [[jsonable(v) for v in row] for row in rows[:max_rows]], truncated)
