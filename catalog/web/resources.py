"""Resource pages (preview, data dictionary, machine-readability report, ingest job) and
DataStore downloads: dumps in five formats and the cleaned CSV."""

from __future__ import annotations

import json

from flask import (Blueprint, Response, abort, flash, redirect, render_template, request,
                   stream_with_context, url_for)
from flask_babel import gettext as _

from access_control.policy import Action, can
from catalog import db as database
from catalog.api.errors import NotAuthorized, NotFound, ValidationError
from catalog.api.validation import as_int
from catalog.datastore.lookup import table_file, table_for
from catalog.datastore.params import search_query
from catalog.publishing.popularity import Hit, count_request
from catalog.web.actions import call_action, context

blueprint = Blueprint("resources", __name__)
PREVIEW_ROWS = 10


@blueprint.route("/dataset/<dataset_ref>/resource/<resource_id>")
def show(dataset_ref: str, resource_id: str):
    dataset = call_action("package_show", {"id": dataset_ref})
    resource = next((r for r in dataset["resources"] if r["id"] == resource_id), None)
    if resource is None:
        abort(404)
    return render_template("resources/show.html", dataset=dataset, resource=resource,
                           datastore=datastore_view(resource_id, dataset))


def datastore_view(resource_id: str, dataset: dict) -> dict:
    """What the resource page shows of ingest: tables with a preview, the report, jobs."""
    from catalog.datasets.models import Resource
    from catalog.jobs.actions import job_list
    from ingest.models import IngestReport
    from ingest.services import tables_of
    from ingest.tabular import SearchQuery, connect, search

    ctx = context()
    resource = ctx.db.get(Resource, resource_id)
    tables, con = [], connect(ctx.settings.duckdb_memory_limit)
    try:
        for table in tables_of(ctx.db, resource_id):
            preview = search(con, table_file(table), SearchQuery(limit=PREVIEW_ROWS,
                                                                include_total=False))
            tables.append({"table": table, "preview": preview})
    finally:
        con.close()
    if tables:
        from catalog.datastore.actions import record_data_access

        record_data_access(ctx, resource, "preview")
        ctx.db.commit()
    return {
        "tables": tables,
        "report": ctx.db.get(IngestReport, resource_id),
        "jobs": job_list(ctx, {"resource_id": resource_id, "limit": 3}),
        "can_edit": can(ctx.principal, Action.UPDATE, resource.dataset),
    }


@blueprint.post("/dataset/<dataset_ref>/resource/<resource_id>/dictionary")
def edit_dictionary(dataset_ref: str, resource_id: str):
    """Save the data dictionary form (staff who may edit the dataset)."""
    table_name = request.form.get("table", "")
    names = request.form.getlist("column")
    fields = [{"id": name, "title": request.form.get(f"title-{i}", ""),
               "description": request.form.get(f"description-{i}", ""),
               "unit": request.form.get(f"unit-{i}", "")} for i, name in enumerate(names)]
    try:
        call_action("datastore_dictionary_update",
                    {"resource_id": resource_id, "table": table_name, "fields": fields})
    except ValidationError as error:
        database.session().rollback()
        flash(str(error.message), "error")
        return redirect(url_for(".show", dataset_ref=dataset_ref, resource_id=resource_id))
    database.session().commit()
    flash(_("The data dictionary was saved."), "success")
    return redirect(url_for(".show", dataset_ref=dataset_ref, resource_id=resource_id)
                    + "#dictionary")


@blueprint.post("/dataset/<dataset_ref>/resource/<resource_id>/ingest")
def reingest(dataset_ref: str, resource_id: str):
    """Queue a fresh ingest of the resource's file, even if it did not change."""
    from catalog.datasets.lookup import resource_for
    from ingest.services import queue_ingest

    ctx = context()
    try:
        resource_for(ctx.principal, ctx.db, resource_id, Action.UPDATE)
    except NotFound:
        abort(404)
    except NotAuthorized:
        abort(403)
    queue_ingest(ctx.db, resource_id, force=True)
    ctx.db.commit()
    return redirect(url_for(".show", dataset_ref=dataset_ref, resource_id=resource_id) + "#ingest")


def _refused_dump(message: str, resource) -> Response:
    """A dump that cannot be made, said in plain text to a program and as a page, with
    the formats that work, to someone who clicked the download button."""
    wanted = request.accept_mimetypes.best_match(["text/plain", "text/html"])
    if wanted != "text/html":
        return Response(message, 400, mimetype="text/plain")
    page = render_template(
        "errors/error.html", status=400, message=message,
        back=url_for(".show", dataset_ref=resource.dataset_id, resource_id=resource.id),
        alternatives={fmt: url_for(".dump", resource_id=resource.id, format=fmt)
                      for fmt in ("csv", "parquet")})
    return Response(page, 400)


@blueprint.route("/datastore/dump/<resource_id>")
def dump(resource_id: str):
    """The whole table (or the rows matching the datastore_search parameters ``q``,
    ``filters``, ``fields``, ``sort``, ``limit``, ``offset``) as csv, tsv, json, xlsx,
    parquet or geojson (tables with latitude and longitude columns; ``fields`` then picks
    the properties); ``bom=true`` starts CSV/TSV with a BOM for Excel."""
    from catalog.datastore.actions import record_data_access
    from ingest import dump as dumps
    from ingest.tabular import QueryError, ckan_fields, connect, resolve_columns, where_clause
    from ingest.types import quote

    ctx = context()
    fmt = request.args.get("format", "csv").lower()
    if fmt not in dumps.FORMATS:
        abort(400)
    try:
        resource, table = table_for(ctx, resource_id, request.args.get("table"))
        query = search_query({**request.args.to_dict(), "limit": 0})
        query.limit = as_int(request.args, "limit", 0)  # a dump may hold any number of rows
    except NotFound:
        abort(404)
    except NotAuthorized:
        abort(403)
    except ValidationError:
        abort(400)
    source = table_file(table)
    kinds = {f["name"]: f["type"] for f in table.fields} | {"_id": "integer"}
    try:  # columns named as stored or as written in the source file (NFKC)
        query = resolve_columns(source, query)
        where, params = where_clause(source, query)
    except QueryError as error:
        return Response(error.message, 400, mimetype="text/plain")
    columns = query.fields or ["_id"] + source.names
    # Rows in file order unless asked otherwise: sorting would hold the whole table.
    order = (" ORDER BY " + ", ".join(f"{quote(c)} {d}" for c, d in query.sort + [("_id", "asc")])
             if query.sort else "")
    limit = f" LIMIT {query.limit}" if query.limit else ""
    base = f"SELECT * FROM {source.relation()} WHERE {where}{order}{limit} OFFSET {query.offset}"
    selected = dumps.export_select([(c, kinds[c]) for c in columns],
                                   neutralise_text=fmt in ("csv", "tsv", "xlsx"))
    sql = f"SELECT {selected} FROM ({base})"
    if fmt == "geojson":
        coordinates = dumps.coordinate_columns(source.fields)
        if coordinates is None:
            return Response(_("This table has no latitude and longitude columns (緯度・経度), "
                              "so it cannot be GeoJSON."), 400, mimetype="text/plain")
        properties = [f for f in source.fields if f["name"] in columns]
        sql = f"SELECT {dumps.geojson_select(properties, *coordinates)} FROM ({base})"
    con = connect(ctx.settings.duckdb_memory_limit)
    bom = request.args.get("bom", "").lower() in ("true", "1", "yes")
    if fmt in ("csv", "tsv"):
        body = dumps.stream_delimited(con, sql, params, delimiter="," if fmt == "csv" else "\t",
                                      bom=bom)
    elif fmt == "geojson":
        body = dumps.stream_geojson(con, sql, params)
    elif fmt == "json":
        fields = [f for f in ckan_fields(source.fields) if f["id"] in columns]
        body = dumps.stream_json(con, sql, params, fields)
    elif fmt == "xlsx":
        refusal = dumps.xlsx_refusal(con, sql, params, source.row_count)
        if refusal:  # too many rows or columns, or a text too long: Excel would cut it
            con.close()
            return _refused_dump(refusal, resource)
        body = dumps.stream_xlsx(con, sql, params, columns, source.row_count)
    elif where == "TRUE" and not query.fields and not query.sort and not limit \
            and not query.offset and table.source == "ingest":
        body = dumps.stream_file(source.path)  # the stored file is the answer
    else:
        body = dumps.stream_parquet(con, sql, params)
    record_data_access(ctx, resource, "datastore_dump")
    database.session().commit()
    count_request(resource.dataset_id, Hit.DOWNLOAD)
    filename = f"{resource.id}.{fmt}"
    response = Response(stream_with_context(_closing(body, con)), mimetype=dumps.FORMATS[fmt],
                        headers={"Content-Disposition": f'attachment; filename="{filename}"'})
    if resource.effective_access_level != "open":
        response.headers["Cache-Control"] = "private, no-store"
    return response


@blueprint.route("/dataset/<dataset_ref>/resource/<resource_id>/cleaned.csv")
def cleaned_csv(dataset_ref: str, resource_id: str):
    """The table as a clean CSV (UTF-8 with BOM, one header row, typed values, units in
    the header), for staff who fix and republish the file."""
    from ingest.clean import cleaned_rows
    from ingest.tabular import connect

    ctx = context()
    try:
        resource, table = table_for(ctx, resource_id, request.args.get("table"), Action.UPDATE)
    except NotFound:
        abort(404)
    except NotAuthorized:
        abort(403)
    con = connect(ctx.settings.duckdb_memory_limit)
    body = cleaned_rows(con, table_file(table))
    name = f"{resource.name or resource.id}-{table.name}-cleaned.csv"
    from urllib.parse import quote as url_quote

    return Response(stream_with_context(_closing(body, con)), mimetype="text/csv",
                    headers={"Content-Disposition": "attachment; filename=\"cleaned.csv\"; "
                                                    f"filename*=UTF-8''{url_quote(name)}"})


def _closing(body, con):
    try:
        yield from body
    finally:
        con.close()


def summary(resource_id: str) -> dict | None:
    """Score, stars and table count of a resource, for the dataset page."""
    from ingest.models import IngestReport
    from ingest.services import tables_of

    db = database.session()
    report = db.get(IngestReport, resource_id)
    if report is None:
        return None
    return {"score": report.score, "stars": report.stars, "refused": report.refused,
            "tables": len(tables_of(db, resource_id))}


def svg_histogram(histogram: list[dict], width: int = 160, height: int = 40) -> dict:
    """Bar geometry of a histogram for the inline SVG chart (no JavaScript)."""
    peak = max((b["count"] for b in histogram), default=0) or 1
    bar = width / max(1, len(histogram))
    bars = [{"x": round(i * bar, 1), "width": round(bar - 1, 1),
             "height": round(height * b["count"] / peak, 1),
             "y": round(height - height * b["count"] / peak, 1), "count": b["count"],
             "from": b["from"], "to": b["to"]} for i, b in enumerate(histogram)]
    return {"width": width, "height": height, "bars": bars}


def init_app(app) -> None:
    app.jinja_env.globals.update(datastore_summary=summary, svg_histogram=svg_histogram,
                                 json_dumps=lambda v: json.dumps(v, ensure_ascii=False))
