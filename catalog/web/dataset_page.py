"""What the dataset page adds from ingest: the 5-star rating and machine-readability
score, download buttons per format, and a preview of the first table with a bar chart
drawn on the server (inline SVG: no JavaScript; the preview table is its text form)."""

from __future__ import annotations

import re

import sqlalchemy as sa
from flask import current_app

from catalog import db as database
from catalog.datasets.licenses import get_license
from catalog.publishing.downloads import Download, downloads_for
from catalog.publishing.rating import Rating, dataset_rating
from ingest.dump import coordinate_columns

PREVIEW_ROWS = 10
NUMERIC = ("integer", "number")
# Columns whose numbers are labels, not amounts: years, codes, identifiers.
LABEL_LIKE_NAME = re.compile(r"(年|年度|年月|コード|番号|ID|id|No|NO|no)\.?$")
CHART_WIDTH, LABEL_WIDTH, BAR_HEIGHT, GAP = 480, 120, 22, 6  # small enough to read on a phone


def resource_downloads(resource: dict) -> list[Download]:
    """Download buttons of a resource: its file, then its tables in each format."""
    from ingest.services import tables_of

    return downloads_for(resource, tables_of(database.session(), resource["id"]))


def rating_of(dataset: dict) -> Rating:
    """The dataset's stars and score, from the resources the visitor sees."""
    from ingest.models import IngestReport
    from ingest.services import tables_by_resource

    db = database.session()
    ids = [resource["id"] for resource in dataset["resources"]]
    reports = {report.resource_id: report for report in db.scalars(
        sa.select(IngestReport).where(IngestReport.resource_id.in_(ids)))} if ids else {}
    return dataset_rating(get_license(dataset["license_id"]), dataset["resources"], reports,
                          tables_by_resource(db, ids))


def preview_of(dataset: dict) -> dict | None:
    """The first rows of the first table of the first resource that has one (among those
    the visitor sees), with a bar chart when the table has something to chart."""
    from catalog.datastore.actions import record_data_access
    from catalog.datastore.lookup import table_file
    from catalog.datasets.models import Resource
    from catalog.web.actions import context
    from ingest.services import tables_by_resource
    from ingest.tabular import SearchQuery, connect, search

    db = database.session()
    tables = tables_by_resource(db, [resource["id"] for resource in dataset["resources"]])
    resource = next((r for r in dataset["resources"] if tables[r["id"]]), None)
    if resource is None:
        return None
    table = tables[resource["id"]][0]
    con = connect(current_app.config["SETTINGS"].duckdb_memory_limit)
    try:
        rows = search(con, table_file(table), SearchQuery(limit=PREVIEW_ROWS,
                                                          include_total=False))
    finally:
        con.close()
    if dataset["access_level"] != "open" or resource.get("access_level") not in (None, "open"):
        ctx = context()  # a preview of closed data is a read the audit trail records
        record_data_access(ctx, ctx.db.get(Resource, resource["id"]), "preview")
        ctx.db.commit()
    columns, values = rows["columns"], rows["rows"]
    chart = bar_chart(table.fields, columns, values)
    if columns and columns[0] == "_id":  # the row number says nothing in a preview
        columns, values = columns[1:], [row[1:] for row in values]
    kinds = {field["name"]: field["type"] for field in table.fields}
    return {"resource": resource, "table": table, "columns": columns, "rows": values,
            "numeric": [kinds.get(column) in NUMERIC for column in columns], "chart": chart}


def chart_columns(fields: list[dict]) -> tuple[str, str] | None:
    """(label column, value column) for the chart: the first text-like column, and the
    first numeric column that is an amount (not a code, year, identifier or coordinate)."""
    coordinates = set(coordinate_columns(fields) or ())
    label = value = None
    for field in fields:
        name, kind = field["name"], field["type"]
        label_like = (kind in ("string", "yearmonth", "date", "year")
                      or LABEL_LIKE_NAME.search(name) is not None)
        if field.get("format") == "code" or name in coordinates or name.startswith("_"):
            continue
        if label is None and label_like and not re.fullmatch(r"(?i)id|no\.?", name):
            label = name
        elif value is None and kind in NUMERIC and not label_like:
            value = name
    return (label, value) if label and value else None


def bar_chart(fields: list[dict], columns: list[str], rows: list[list]) -> dict | None:
    """Geometry of a horizontal bar chart of the preview rows: bars from zero, scaled to
    the largest absolute value (negative values draw no bar, their number is shown)."""
    picked = chart_columns(fields)
    if picked is None:
        return None
    label_at, value_at = columns.index(picked[0]), columns.index(picked[1])
    points = [(row[label_at], row[value_at]) for row in rows
              if isinstance(row[value_at], (int, float))]
    if not points:
        return None
    peak = max(abs(value) for _label, value in points) or 1
    room = CHART_WIDTH - LABEL_WIDTH - 95  # space for the number after the bar
    bars = []
    for index, (label, value) in enumerate(points):
        width = round(room * max(value, 0) / peak, 1)
        text = "" if label is None else str(label)
        bars.append({"y": index * (BAR_HEIGHT + GAP), "width": width,
                     "label": text if len(text) <= 7 else text[:6] + "…",
                     "value": _number(value)})
    return {"label": picked[0], "value": picked[1], "bars": bars, "width": CHART_WIDTH,
            "label_width": LABEL_WIDTH, "bar_height": BAR_HEIGHT,
            "height": len(bars) * (BAR_HEIGHT + GAP)}


def _number(value) -> str:
    if isinstance(value, int):
        return f"{value:,}"
    return f"{value:,.2f}".rstrip("0").rstrip(".")
