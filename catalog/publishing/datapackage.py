"""A Frictionless Data Package (https://datapackage.org/) of an open dataset.

Each table that ingest made of the dataset's public files is one tabular data resource:
its ``path`` is the absolute URL of the table's CSV dump (UTF-8, no BOM, header row,
``_id`` first), and its ``schema`` is the table's Table Schema as the data dictionary
describes it (column titles and descriptions in Japanese, units in the description).
Files that were not ingested (PDF, links, refused files) are left out: a data package
promises tables that validate against their schema, and those files are no such tables.

Callers pass a dataset the anonymous public may read (``public_dataset``); resources
are filtered here with the same policy.
"""

from __future__ import annotations

import re

from access_control.policy import Action, can
from access_control.principals import ANONYMOUS
from catalog.datasets.licenses import get_license
from catalog.datasets.models import Dataset
from catalog.publishing.downloads import dump_url
from catalog.publishing.site import PUBLISHER_NAME
from catalog.web.markdown import plain_summary
from ingest.models import DataTable

PROFILE = "tabular-data-package"  # Data Package v1 registry names: no schema to fetch
RESOURCE_PROFILE = "tabular-data-resource"
# Our Table Schema types are Frictionless types already; anything else reads as text.
FRICTIONLESS_TYPES = {"string", "integer", "number", "boolean", "date", "datetime", "time",
                      "year", "yearmonth", "object", "array"}
NAME_PATTERN = re.compile(r"^[a-z0-9._/-]+$")  # package and resource names (the spec's)
ROW_NUMBER = {"name": "_id", "type": "integer", "title": "行番号",
              "description": "元のファイルでの行の順番（1から）。",
              "constraints": {"required": True, "unique": True}}


def field_descriptor(field: dict) -> dict:
    """One column of our Table Schema as a Frictionless field descriptor. Our own keys
    (``unit``, ``specialValues``, the ``code`` format, ...) are not in the standard:
    the unit goes into the description, the rest is left out."""
    descriptor = {"name": field["name"],
                  "type": field["type"] if field["type"] in FRICTIONLESS_TYPES else "string"}
    if field.get("title"):
        descriptor["title"] = field["title"]
    description = field.get("description") or ""
    if field.get("unit"):
        description = f"{description}（単位：{field['unit']}）" if description \
            else f"単位：{field['unit']}"
    if description:
        descriptor["description"] = description
    return descriptor


def table_schema(table: DataTable) -> dict:
    """The Frictionless Table Schema of the table's CSV dump."""
    return {"fields": [ROW_NUMBER] + [field_descriptor(f) for f in table.fields],
            "primaryKey": ["_id"], "missingValues": [""]}


def data_package(dataset: Dataset, tables: dict[str, list[DataTable]], site_url: str) -> dict:
    """The data package of ``dataset``; ``tables`` maps resource ids to their tables."""
    site = site_url.rstrip("/")
    resources = []
    for resource in dataset.resources:
        if not can(ANONYMOUS, Action.READ, resource):
            continue
        found = tables.get(resource.id, [])
        for index, table in enumerate(found):
            title = resource.name or table.name
            if len(found) > 1:
                title = f"{title}（{table.name}）"
            descriptor = {
                "name": resource.id if index == 0 else f"{resource.id}-{index + 1}",
                "title": title,
                "profile": RESOURCE_PROFILE,
                "path": dump_url(site, resource.id, "csv", table.name if index else None),
                "format": "csv", "mediatype": "text/csv", "encoding": "utf-8",
                "schema": table_schema(table),
            }
            if resource.description:
                descriptor["description"] = plain_summary(resource.description, 100_000)
            resources.append(descriptor)
    package = {
        "profile": PROFILE,
        "name": dataset.name if NAME_PATTERN.match(dataset.name) else dataset.id,
        "id": f"{site}/dataset/{dataset.id}",
        "title": dataset.title or dataset.name,
        "homepage": f"{site}/dataset/{dataset.name}",
        "created": dataset.created.replace(microsecond=0).isoformat() + "Z",
        "keywords": [tag.name for tag in dataset.tags],
        "contributors": [{"title": f"{PUBLISHER_NAME[0]} {dataset.organization.title}",
                          "path": f"{site}/organization/{dataset.organization.name}",
                          "role": "publisher"}],
        "resources": resources,
    }
    description = plain_summary(dataset.notes, 100_000)
    if description:
        package["description"] = description
    license = get_license(dataset.license_id)
    if license:
        package["licenses"] = [{"name": license.id, "path": license.url or license.iri,
                                "title": license.title}]
    return package
