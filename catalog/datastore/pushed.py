"""Tables pushed through the API (datastore_create/upsert/delete).

A pushed table is a Parquet file like an ingested one, with a stored ``_id``; every
change writes a new file (under a new key) and swaps it in when the transaction commits,
so readers always see a whole version and a failed change leaves the old one.
"""

from __future__ import annotations

import os
import tempfile

import pyarrow as pa
import sqlalchemy as sa
from flask_babel import gettext as _

from access_control.policy import Action
from catalog.api.context import Context
from catalog.api.errors import ValidationError
from catalog.api.validation import require
from catalog.datasets.lookup import dataset_for, resource_for
from catalog.datastore.lookup import table_file
from catalog.datastore.params import _json_or
from catalog.db import utcnow
from catalog.search import mark_stale
from catalog.storage import file_store, track_new_file
from ingest.models import DataTable
from ingest.services import local_parquet, parquet_key, replace_tables, tables_of
from ingest.tabular import (CKAN_TYPES, QueryError, SearchQuery, ckan_fields, connect,
                            where_clause)
from ingest.types import FieldType, SQL_TYPES, literal, quote

CKAN_TO_TYPE = {
    "int": FieldType.INTEGER, "int4": FieldType.INTEGER, "int8": FieldType.INTEGER,
    "integer": FieldType.INTEGER, "bigint": FieldType.INTEGER, "numeric": FieldType.NUMBER,
    "float": FieldType.NUMBER, "float8": FieldType.NUMBER, "double": FieldType.NUMBER,
    "number": FieldType.NUMBER, "text": FieldType.STRING, "string": FieldType.STRING,
    "varchar": FieldType.STRING, "bool": FieldType.BOOLEAN, "boolean": FieldType.BOOLEAN,
    "date": FieldType.DATE, "timestamp": FieldType.DATETIME, "datetime": FieldType.DATETIME,
    "time": FieldType.TIME, "json": FieldType.STRING,
}
MAX_RECORDS = 100_000


def resource_to_push(context: Context, data: dict):
    """The resource named by ``resource_id``, or one created from ``resource``."""
    if isinstance(data.get("resource"), dict) and not data.get("resource_id"):
        from catalog.datasets.services import create_resource

        spec = dict(data["resource"])
        dataset = dataset_for(context.principal, context.db, require(spec, "package_id"),
                              Action.UPDATE)
        linked = bool(spec.get("url"))
        spec.setdefault("url", "")
        spec.setdefault("format", "CSV")
        resource = create_resource(context, dataset, spec)
        context.db.flush()
        if not linked:
            _point_at_dump(context, resource)
        return resource
    return resource_for(context.principal, context.db, require(data, "resource_id", "id"),
                        Action.UPDATE)


def _point_at_dump(context: Context, resource) -> None:
    """Make a resource made for its pushed table a DataStore resource, as CKAN does:
    ``url_type`` "datastore", the URL its dump. Written by an UPDATE rather than the unit
    of work, whose flush would take the new URL for a link to ingest: that ingest would
    replace the pushed table with a copy of its own dump."""
    from catalog.datasets.models import Resource

    url = f"{context.settings.site_url}/datastore/dump/{resource.id}"
    context.db.execute(sa.update(Resource).where(Resource.id == resource.id)
                       .values(url=url, url_type="datastore"))


def create(context: Context, resource, data: dict) -> dict:
    """datastore_create: a new pushed table, more of an existing one (:func:`_extend`),
    or the data dictionary of an ingested one."""
    existing = tables_of(context.db, resource.id)
    records = _records(data)
    if existing and existing[0].source == "ingest":
        if records:
            raise ValidationError({"records": [_(
                "This resource's table comes from its file. Upload a new file to change the "
                "data; datastore_create may only edit its data dictionary (fields).")]})
        from catalog.datastore.actions import datastore_dictionary_update

        return datastore_dictionary_update(context, {"resource_id": resource.id,
                                                     "fields": data.get("fields") or []})
    if existing:
        return _extend(context, resource, existing[0], data, records)
    fields, _added = _fields(data.get("fields"), records)
    primary_key = _primary_key(data.get("primary_key"), fields)
    table = DataTable(resource_id=resource.id, name="data", position=0, source="api",
                      storage_key="", primary_key=primary_key,
                      table_schema={"fields": fields, "missingValues": [""],
                                    **({"primaryKey": primary_key} if primary_key else {})})
    con = connect(context.settings.duckdb_memory_limit)
    try:
        con.execute(f"CREATE TEMP TABLE t ({_columns_sql(fields)})")
        _insert(con, fields, records, start_id=1)
        _check_unique(con, primary_key)
        _write(context, con, resource, table)
    finally:
        con.close()
    replace_tables(context.db, resource, [table])
    mark_stale(context.db, resource.dataset_id)
    context.db.flush()
    return {"resource_id": resource.id, "fields": ckan_fields(fields), "primary_key": primary_key,
            "records": records if data.get("return_records") is not False else []}


def _extend(context: Context, resource, table: DataTable, data: dict, records: list[dict]) -> dict:
    """datastore_create on a pushed table, as CKAN: append ``records``, add the new
    fields (empty in the rows already there), keep the columns not named, and keep the
    primary key unless one is given, which must then hold over every row. A failure
    leaves the table as it was (a new file is only swapped in on commit)."""
    _lock(context, table)
    fields, added = _fields(data.get("fields"), records, table.fields)
    key = list(table.primary_key or [])
    if data.get("primary_key") is not None:
        key = _primary_key(data["primary_key"], fields)
    con = connect(context.settings.duckdb_memory_limit)
    try:
        old = f"read_parquet({literal(local_parquet(table.storage_key))})"
        next_id = con.execute(f"SELECT coalesce(max(_id), 0) + 1 FROM {old}").fetchone()[0]
        con.execute(f"CREATE TEMP TABLE incoming ({_columns_sql(fields)})")
        _insert(con, fields, records, start_id=next_id, target="incoming")
        # A view, not a copy: the rows already there stream from their file to the new one.
        empty = "".join(f", CAST(NULL AS {SQL_TYPES[FieldType(f['type'])]}) AS {quote(f['name'])}"
                        for f in added)
        con.execute(f"CREATE TEMP VIEW t AS SELECT *{empty} FROM {old} "
                    f"UNION ALL BY NAME SELECT * FROM incoming")
        _check_unique(con, key)
        if records or added:
            _write(context, con, resource, table)
    finally:
        con.close()
    schema = {k: v for k, v in table.table_schema.items() if k != "primaryKey"}
    table.table_schema = {**schema, "fields": fields, **({"primaryKey": key} if key else {})}
    table.primary_key = key
    mark_stale(context.db, resource.dataset_id)
    context.db.flush()
    return {"resource_id": resource.id, "fields": ckan_fields(fields), "primary_key": key,
            "records": records if data.get("return_records") is not False else []}


def upsert(context: Context, resource, table: DataTable, data: dict) -> dict:
    if table.source != "api":
        raise ValidationError({"resource_id": [_(
            "This resource's table comes from its file; upload a new file to change it.")]})
    method = str(data.get("method") or "upsert")
    if method not in ("upsert", "insert", "update"):
        raise ValidationError({"method": [_("Must be upsert, insert or update")]})
    records = _records(data)
    fields, key = table.fields, list(table.primary_key or [])
    if method != "insert" and not key:
        raise ValidationError({"method": [_("%(method)s needs a primary key", method=method)]})
    known = {f["name"] for f in fields}
    for record in records:
        unknown = set(record) - known - {"_id"}
        if unknown:
            raise ValidationError({"records": [_("Unknown columns: %(names)s",
                                                 names=", ".join(sorted(unknown)))]})
    _lock(context, table)
    con = connect(context.settings.duckdb_memory_limit)
    try:
        con.execute(f"CREATE TEMP TABLE t AS SELECT * FROM read_parquet("
                    f"{literal(local_parquet(table.storage_key))})")
        next_id = con.execute("SELECT coalesce(max(_id), 0) + 1 FROM t").fetchone()[0]
        con.execute(f"CREATE TEMP TABLE incoming ({_columns_sql(fields)})")
        _insert(con, fields, records, start_id=next_id, target="incoming")
        if method == "insert":
            _append_new(con, "TRUE")
        else:
            _merge(con, fields, key, method)
        _check_unique(con, key)
        _write(context, con, resource, table)
    finally:
        con.close()
    context.db.flush()
    return {"resource_id": resource.id, "method": method, "records": records}


def drop(context: Context, resource) -> dict:
    """Remove the resource's tables (datastore_delete without ``filters``)."""
    replace_tables(context.db, resource, [])
    mark_stale(context.db, resource.dataset_id)
    context.db.flush()
    return {"resource_id": resource.id}


def delete_rows(context: Context, resource, table: DataTable, filters) -> dict:
    """Delete the rows matching ``filters`` (every row for ``{}``); the table keeps its
    fields and primary key."""
    filters = _json_or(filters, "filters")
    if not isinstance(filters, dict):
        raise ValidationError({"filters": [_("Must be a JSON object")]})
    if table.source != "api":
        raise ValidationError({"resource_id": [_(
            "Rows of a table that comes from a file cannot be deleted; upload a new file.")]})
    _lock(context, table)
    con = connect(context.settings.duckdb_memory_limit)
    try:
        source = table_file(table)
        where, params = where_clause(source, SearchQuery(filters=filters))
        con.execute(f"CREATE TEMP TABLE t AS SELECT * FROM {source.relation()} "
                    f"WHERE NOT ({where})", params)
        _write(context, con, resource, table)
    except QueryError as error:
        raise ValidationError({"filters": [error.message]}) from None
    finally:
        con.close()
    context.db.flush()
    return {"resource_id": resource.id, "filters": filters}


def _lock(context: Context, table: DataTable) -> None:
    """Hold the table's row until commit (FOR UPDATE, on PostgreSQL), reading its latest
    version: two writers would otherwise each change the same version, and the second
    would lose the first one's rows."""
    context.db.refresh(table, with_for_update=True)


def _records(data: dict) -> list[dict]:
    records = _json_or(data.get("records"), "records") or []
    if not isinstance(records, list) or not all(isinstance(r, dict) for r in records):
        raise ValidationError({"records": [_("Must be a list of objects")]})
    if len(records) > MAX_RECORDS:
        raise ValidationError({"records": [_("At most %(n)s records per call", n=MAX_RECORDS)]})
    return records


def _fields(given, records: list[dict], existing: list[dict] = ()) -> tuple[list[dict], list[dict]]:
    """The table's fields, and which of them are new: the ``existing`` ones first (their
    data dictionary updated from ``given``), then new ones from ``given``, then columns
    only the records name (typed from their values)."""
    fields = [dict(f) for f in existing]
    by_name = {f["name"]: f for f in fields}
    added, named = [], set()
    for item in _json_or(given, "fields") or []:
        if not isinstance(item, dict) or not item.get("id"):
            raise ValidationError({"fields": [_("Each field needs an id")]})
        name = str(item["id"])
        if name.startswith("_") or name in named:
            raise ValidationError({"fields": [_("Invalid or repeated column name: %(name)s", name=name)]})
        named.add(name)
        kind = str(item.get("type") or "").lower()
        if kind and kind not in CKAN_TO_TYPE:
            raise ValidationError({"fields": [_("Unknown type %(type)s", type=kind)]})
        info = item.get("info") if isinstance(item.get("info"), dict) else {}
        field = by_name.get(name)
        if field is None:
            added.append(_field(name, CKAN_TO_TYPE[kind or "text"], info))
            by_name[name] = added[-1]
        elif kind and CKAN_TO_TYPE[kind].value != field["type"]:
            # CKAN converts a column only when every value allows; refusing is plainer.
            raise ValidationError({"fields": [_(
                "The type of column %(name)s cannot be changed (it is %(type)s).",
                name=name, type=CKAN_TYPES.get(field["type"], field["type"]))]})
        else:
            for key, label in (("title", "label"), ("description", "notes"), ("unit", "unit")):
                if label in info:
                    field[key] = str(info[label] or (name if key == "title" else ""))
    for record in records:  # columns only the records name: typed from their values
        for name, value in record.items():
            if name not in by_name and name != "_id":
                added.append(_field(name, _type_of(value), {}))
                by_name[name] = added[-1]
    if not fields + added:
        raise ValidationError({"fields": [_("Give fields or records")]})
    return fields + added, added


def _field(name: str, kind: FieldType, info: dict) -> dict:
    return {"name": name, "title": str(info.get("label") or name),
            "description": str(info.get("notes") or ""), "type": kind.value,
            "unit": str(info.get("unit") or "")}


def _type_of(value) -> FieldType:
    if isinstance(value, bool):
        return FieldType.BOOLEAN
    if isinstance(value, int):
        return FieldType.INTEGER
    if isinstance(value, float):
        return FieldType.NUMBER
    return FieldType.STRING


def _primary_key(value, fields: list[dict]) -> list[str]:
    value = _json_or(value, "primary_key")
    if value in (None, "", []):
        return []
    names = value if isinstance(value, list) else [n.strip() for n in str(value).split(",")]
    known = {f["name"] for f in fields}
    if any(name not in known for name in names):
        raise ValidationError({"primary_key": [_("Unknown column in primary key")]})
    return names


def _columns_sql(fields: list[dict]) -> str:
    return ", ".join(["_id BIGINT"] + [f"{quote(f['name'])} {SQL_TYPES[FieldType(f['type'])]}"
                                       for f in fields])


def _insert(con, fields, records, *, start_id: int, target: str = "t") -> None:
    if not records:
        return
    names = [f["name"] for f in fields]
    columns = {"_id": pa.array(range(start_id, start_id + len(records)), pa.int64())}
    for name in names:
        columns[name] = pa.array([_text(r.get(name)) for r in records], pa.string())
    con.register("incoming_rows", pa.table(columns))
    casts = ", ".join(["_id"] + [f"CAST({quote(f['name'])} AS {SQL_TYPES[FieldType(f['type'])]})"
                                 for f in fields])
    try:
        con.execute(f"INSERT INTO {target} SELECT {casts} FROM incoming_rows")
    except Exception as error:  # noqa: BLE001 - a value that does not fit its column's type
        raise ValidationError({"records": [_("A value does not fit its column's type: %(error)s",
                                             error=str(error).splitlines()[0][:300])]}) from None
    finally:
        con.unregister("incoming_rows")


def _text(value):
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (dict, list)):
        import json

        return json.dumps(value, ensure_ascii=False)
    return str(value)


def _merge(con, fields, key, method) -> None:
    join = " AND ".join(f"t.{quote(k)} IS NOT DISTINCT FROM incoming.{quote(k)}" for k in key)
    if method == "update":
        missing = con.execute(f"SELECT count(*) FROM incoming WHERE NOT EXISTS "
                              f"(SELECT 1 FROM t WHERE {join})").fetchone()[0]
        if missing:
            raise ValidationError({"records": [_("%(n)s record(s) to update do not exist", n=missing)]})
    updates = ", ".join(f"{quote(f['name'])} = incoming.{quote(f['name'])}" for f in fields
                        if f["name"] not in key)
    if updates:
        con.execute(f"UPDATE t SET {updates} FROM incoming WHERE {join}")
    if method == "upsert":
        _append_new(con, f"NOT EXISTS (SELECT 1 FROM t WHERE {join})")


def _append_new(con, condition: str) -> None:
    """Add the incoming rows matching ``condition``, numbered after the last ``_id``."""
    con.execute(f"INSERT INTO t SELECT (SELECT coalesce(max(_id), 0) FROM t) + row_number() "
                f"OVER (ORDER BY incoming._id) AS _id, * EXCLUDE (_id) FROM incoming WHERE {condition}")


def _check_unique(con, key: list[str]) -> None:
    if not key:
        return
    columns = ", ".join(quote(k) for k in key)
    duplicates = con.execute(f"SELECT count(*) FROM (SELECT {columns} FROM t GROUP BY ALL "
                             f"HAVING count(*) > 1)").fetchone()[0]
    if duplicates:
        raise ValidationError({"records": [_("Duplicate values of the primary key")]})


def _write(context: Context, con, resource, table: DataTable) -> None:
    """Write ``t`` as the table's new Parquet file and point the table at it."""
    from catalog.storage import delete_after_commit

    store = file_store()
    key = parquet_key(resource.id)
    handle, path = tempfile.mkstemp(suffix=".parquet")
    os.close(handle)
    try:
        con.execute(f"COPY (SELECT * FROM t ORDER BY _id) TO {literal(path)} "
                    f"(FORMAT parquet, COMPRESSION zstd)")
        rows = con.execute("SELECT count(*) FROM t").fetchone()[0]
        with open(path, "rb") as source:
            store.save(key, source)
    finally:
        os.unlink(path)
    track_new_file(context.db, store, key)
    if table.storage_key:
        delete_after_commit(context.db, store, table.storage_key)
    table.storage_key, table.row_count, table.modified = key, rows, utcnow()
