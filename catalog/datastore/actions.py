"""CKAN's DataStore actions over ingested and pushed tables.

Every action finds its table through :func:`catalog.datastore.lookup.table_for`, so the
access policy decides: a closed table is Not Found to those who may not know of it and an
Authorization Error to staff who may.
"""

from __future__ import annotations

from flask_babel import gettext as _

from access_control.policy import Action
from catalog.api.context import Context
from catalog.api.errors import NotFound, ValidationError
from catalog.api.registry import action
from catalog.api.validation import as_bool, require
from catalog.datastore import pushed
from catalog.datastore.lookup import split_reference, table_file, table_for
from catalog.datastore.params import page_links, search_query
from ingest.dump import csv_text
from ingest.schema import update_dictionary
from ingest.tabular import QueryError, ckan_fields, connect, run_sql, search, table_names


def _records(columns: list[str], rows: list[list], records_format: str):
    if records_format == "lists":
        return rows
    if records_format in ("csv", "tsv"):
        return csv_text(rows, "," if records_format == "csv" else "\t")
    if records_format != "objects":
        raise ValidationError({"records_format": [_("Must be objects, lists, csv or tsv")]})
    return [dict(zip(columns, row)) for row in rows]


@action("datastore_search", read_only=True)
def datastore_search(context: Context, data: dict) -> dict:
    """Rows of a resource's table.

    :param resource_id: the resource (``id`` is accepted too)
    :param table: the sheet or table name, for workbooks with several (default: the first)
    :param filters: ``{"column": value}``, a list of values, or ranges
        ``{"column": {"gte": 10, "lt": 20}}`` (gt, gte, lt, lte, ne, eq)
    :param q: full text (any language, substring match) or ``{"column": "text"}``
    :param fields: columns to return (list or comma-separated)
    :param sort: ``"column desc, other"``
    :param limit: rows per page (default 100, at most 32000); ``offset`` skips rows
    :param next_page: the keyset cursor from a previous page (faster than offset, which
        then counts from the cursor)
    :param distinct: only distinct rows of the returned fields (sorted by ``sort`` alone)
    :param records_format: objects (default), lists, csv or tsv
    :param include_total: count all matching rows (default true; free without filters)

    A column is named as stored, or as written in the source file: a name no column has
    exactly finds the one column equal to it after NFKC (健全（I） finds 健全(I)).
    ``_links`` are CKAN's: the request with its offset moved, every other argument kept.
    """
    resource, table = table_for(context, require(data, "resource_id", "id"), data.get("table"))
    query = search_query(data)
    records_format = str(data.get("records_format") or "objects")
    con = connect(context.settings.duckdb_memory_limit)
    try:
        found = search(con, table_file(table), query)
    except QueryError as error:
        raise ValidationError({"query": [error.message]}) from None
    finally:
        con.close()
    fields = [f for f in ckan_fields(table.fields) if f["id"] in found["columns"]]
    fields.sort(key=lambda f: found["columns"].index(f["id"]))
    links = page_links("/api/3/action/datastore_search", data, query.limit, query.offset)
    result = {
        "resource_id": resource.id, "table": table.name, "fields": fields,
        "records": _records(found["columns"], found["rows"], records_format),
        "records_format": records_format, "limit": query.limit, "offset": query.offset,
        "next_page": found["cursor"], "_links": links, "total_was_estimated": False,
        "include_total": query.include_total,
    }
    if found["total"] is not None:
        result["total"] = found["total"]
    record_data_access(context, resource, "datastore_search")
    return result


@action("datastore_search_sql", read_only=True)
def datastore_search_sql(context: Context, data: dict) -> dict:
    """Run one read-only SELECT in DuckDB over the DataStore tables the caller may read.

    :param sql: the SELECT. Tables are named by resource id, ``"<resource id>"`` (its
        first table) or ``"<resource id>/<sheet>"``; joins across resources are allowed.

    The query sees only the tables it names, cannot read files or the network, loads no
    extensions, stops after ``CATALOG_DATASTORE_SQL_TIMEOUT`` seconds and returns at most
    ``CATALOG_DATASTORE_SQL_MAX_ROWS`` rows (``records_truncated`` says when cut).
    """
    sql = str(require(data, "sql"))
    try:
        names = table_names(sql)
    except QueryError as error:
        raise ValidationError({"sql": [error.message]}) from None
    tables, resources = {}, []
    for name in names:
        resource_id, table_name = split_reference(name)
        resource, table = table_for(context, resource_id, table_name)
        tables[name] = table_file(table)
        resources.append(resource)
    if not tables:
        raise ValidationError({"sql": [_("The query must read at least one DataStore table.")]})
    try:
        result = run_sql(sql, tables, timeout=context.settings.datastore_sql_timeout,
                         max_rows=context.settings.datastore_sql_max_rows,
                         memory_limit=context.settings.duckdb_memory_limit)
    except QueryError as error:
        raise ValidationError({"sql": [error.message]}) from None
    for resource in resources:
        record_data_access(context, resource, "datastore_search_sql")
    records = [dict(zip(result.columns, row)) for row in result.rows]
    return {"sql": sql, "records": records, "records_truncated": result.truncated,
            "fields": [{"id": c, "type": t.lower()} for c, t in zip(result.columns, result.types)]}


@action("datastore_info", read_only=True)
def datastore_info(context: Context, data: dict) -> dict:
    """The tables of a resource: row counts, fields with their data dictionary, and the
    Frictionless Table Schema.

    :param id: the resource id (``resource_id`` is accepted too)
    """
    from ingest.services import tables_of

    resource, first = table_for(context, require(data, "id", "resource_id"), data.get("table"))
    tables = tables_of(context.db, resource.id)
    return {
        "meta": {"id": resource.id, "count": first.row_count, "table_type": "BASE TABLE",
                 "name": first.name, "source": first.source},
        "fields": ckan_fields(first.fields),
        "schema": first.table_schema,
        "primary_key": first.primary_key,
        "tables": [{"name": t.name, "count": t.row_count, "source": t.source,
                    "fields": ckan_fields(t.fields)[1:]} for t in tables],
    }


@action("datastore_dictionary_update")
def datastore_dictionary_update(context: Context, data: dict) -> dict:
    """Edit the data dictionary (title, description, unit of columns) of a table.

    :param resource_id: the resource
    :param table: the sheet or table name (default: the first)
    :param fields: ``[{"id": column, "info": {"label": ..., "notes": ..., "unit": ...}}]``
        (``title``/``description``/``unit`` keys are accepted too)
    """
    resource, table = table_for(context, require(data, "resource_id", "id"), data.get("table"),
                                Action.UPDATE)
    changes = data.get("fields")
    if not isinstance(changes, list) or not all(isinstance(c, dict) for c in changes):
        raise ValidationError({"fields": [_("Must be a list of objects")]})
    schema, unknown = update_dictionary(table.table_schema, changes)
    if unknown:
        raise ValidationError({"fields": [_("Unknown columns: %(names)s", names=", ".join(unknown))]})
    table.table_schema = schema
    from catalog.search import mark_stale

    mark_stale(context.db, resource.dataset_id)
    context.db.flush()
    return {"resource_id": resource.id, "table": table.name, "fields": ckan_fields(table.fields)}


@action("datastore_create")
def datastore_create(context: Context, data: dict) -> dict:
    """Create a pushed table for a resource, or add to it (CKAN's datastore_create).

    :param resource_id: an existing resource, or ``resource`` (a dict) to create one
    :param fields: ``[{"id": name, "type": "int|numeric|text|date|timestamp|time|bool|json",
        "info": {"label", "notes", "unit"}}]``
    :param records: rows as objects
    :param primary_key: column name or list, for datastore_upsert

    Called again on a pushed table, it appends ``records``, adds new ``fields`` (empty in
    the rows already there), updates the data dictionary of the others and keeps the
    columns not named; the primary key changes only when one is given. A column's type
    cannot change. For a resource ingested from its file, give only ``fields`` to edit
    the data dictionary.
    """
    resource = pushed.resource_to_push(context, data)
    return pushed.create(context, resource, data)


@action("datastore_upsert")
def datastore_upsert(context: Context, data: dict) -> dict:
    """Insert, update or upsert rows of a pushed table.

    :param resource_id: the resource
    :param records: rows as objects
    :param method: upsert (default, needs a primary key), insert or update
    """
    resource, table = table_for(context, require(data, "resource_id", "id"), None, Action.UPDATE)
    return pushed.upsert(context, resource, table, data)


@action("datastore_delete")
def datastore_delete(context: Context, data: dict) -> dict:
    """Delete rows of a pushed table (``filters``), or the whole table (no ``filters``).

    :param resource_id: the resource
    :param filters: ``{"column": value}`` as in datastore_search; ``{}`` deletes every
        row and keeps the table, its fields and primary key
    """
    resource, table = table_for(context, require(data, "resource_id", "id"), None, Action.UPDATE)
    if data.get("filters") is None:
        return pushed.drop(context, resource)
    return pushed.delete_rows(context, resource, table, data["filters"])


@action("datastore_records_delete")
def datastore_records_delete(context: Context, data: dict) -> dict:
    """Delete rows of a pushed table; never the table itself (CKAN 2.10).

    :param resource_id: the resource
    :param filters: ``{"column": value}`` as in datastore_search (required; ``{}``
        deletes every row)
    """
    resource, table = table_for(context, require(data, "resource_id", "id"), None, Action.UPDATE)
    if data.get("filters") is None:
        raise ValidationError({"filters": [_("Missing value")]})
    return pushed.delete_rows(context, resource, table, data["filters"])


def record_data_access(context: Context, resource, what: str) -> None:
    """Record a read of closed data (a search, SQL query, preview or dump) in the audit
    trail: ``data_export`` for dumps, ``data_query`` for the rest. Open data is not
    recorded. The caller commits."""
    if resource.effective_access_level == "open":
        return
    from access_control.audit.events import AuditEvent
    from access_control.audit.services import record_event

    event = AuditEvent.DATA_EXPORT if what == "datastore_dump" else AuditEvent.DATA_QUERY
    record_event(context, event, resource=resource, details={"via": what})
