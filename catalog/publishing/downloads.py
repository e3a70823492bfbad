"""What a visitor or a program can download of a resource, in which formats.

Today: the resource's own file or link. Seam for the ingest branch: when a resource's
table is ingested (``datastore_active``), add its conversions here, e.g.
``/datastore/dump/<resource_id>?format=csv|json|parquet|xlsx`` (and GeoJSON when it has
緯度/経度 columns). The dataset page's buttons and the DCAT-AP distributions both come
from :func:`downloads_for`, so a new format shows up in both at once.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Download:
    format: str  # the catalog's canonical format name (CSV, JSON, Parquet, XLSX, ...)
    url: str
    original: bool  # True: the file as published; False: a conversion of an ingested table


def downloads_for(resource: dict) -> list[Download]:
    """The downloads of a resource dict (``resource_show`` shape), the original first."""
    if not resource.get("url"):
        return []
    return [Download(resource.get("format") or "", resource["url"], True)]
