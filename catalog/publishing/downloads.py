"""What a visitor or a program can download of a resource, in which formats.

The resource's own file (or link) first; then, for each table ingest made of it, the
DataStore dump in CSV, JSON, Parquet and XLSX (XLSX only while the table fits in a
sheet), and GeoJSON when the table has latitude and longitude columns. The dataset
page's buttons, the DCAT-AP distributions and the schema.org downloads all come from
:func:`downloads_for`, so a new format shows up in all of them at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence
from urllib.parse import urlencode

from ingest.dump import XLSX_MAX_ROWS, coordinate_columns
from ingest.models import DataTable

# (dump format, the catalog's canonical format name), in the order the buttons show.
CONVERSIONS = (("csv", "CSV"), ("json", "JSON"), ("parquet", "Parquet"), ("xlsx", "XLSX"),
               ("geojson", "GeoJSON"))


@dataclass(frozen=True)
class Download:
    format: str  # the catalog's canonical format name (CSV, JSON, Parquet, XLSX, ...)
    url: str
    original: bool  # True: the file as published; False: a conversion of an ingested table
    table: str = ""  # the table's name, when the resource has several (workbook sheets)
    key: str = ""  # tells conversions apart in identifiers: "csv", or "2/csv" for table 2


def conversions(table: DataTable) -> list[tuple[str, str]]:
    """The (dump format, format name) pairs that apply to an ingested table."""
    found = []
    for dump_format, name in CONVERSIONS:
        if dump_format == "xlsx" and table.row_count > XLSX_MAX_ROWS:
            continue
        if dump_format == "geojson" and coordinate_columns(table.fields) is None:
            continue
        found.append((dump_format, name))
    return found


def dump_url(site_url: str, resource_id: str, dump_format: str, table: str | None = None,
             **extra) -> str:
    """Absolute URL of a DataStore dump (``table`` names a table other than the first)."""
    query = {"format": dump_format, **({"table": table} if table else {}), **extra}
    return f"{site_url.rstrip('/')}/datastore/dump/{resource_id}?{urlencode(query)}"


def downloads_for(resource: dict, tables: Sequence[DataTable] = (),
                  site_url: str = "") -> list[Download]:
    """The downloads of a resource dict (``resource_show`` shape), the original first,
    then the conversions of its ``tables`` (ingest's tables of the resource, main first).
    ``site_url`` prefixes the conversions' URLs (empty: site-relative)."""
    found = []
    if resource.get("url"):
        found.append(Download(resource.get("format") or "", resource["url"], True))
    several = len(tables) > 1
    for index, table in enumerate(tables):
        for dump_format, name in conversions(table):
            found.append(Download(
                name, dump_url(site_url, resource["id"], dump_format,
                               table.name if index else None),
                False, table.name if several else "",
                f"{index + 1}/{dump_format}" if index else dump_format))
    return found
