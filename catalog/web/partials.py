"""Template helpers behind the partials that publishing and use cases add to shared pages
(dataset page, home page). Each is a Jinja global, so a shared template needs only one
``{% include %}`` line per feature."""

from __future__ import annotations

from flask import Flask, current_app

from access_control.policy import Action, can
from access_control.principals import ANONYMOUS
from catalog import db as database
from catalog.datasets.dictization import dataset_dict
from catalog.publishing.schema_org import dataset_jsonld
from catalog.publishing.services import public_dataset
from catalog.showcase.forms import TYPE_LABELS
from catalog.web import dataset_page
from catalog.web.actions import call_action
from ingest.dump import coordinate_columns
from ingest.services import tables_by_resource


def schema_org_for(dataset: dict) -> dict | None:
    """schema.org JSON-LD of the dataset as the public sees it; ``None`` when closed."""
    found = public_dataset(database.session(), dataset["id"])
    if found is None:
        return None
    site_url = current_app.config["SETTINGS"].site_url
    public = dataset_dict(found, site_url,
                          shows_resource=lambda resource: can(ANONYMOUS, Action.READ, resource))
    tables = tables_by_resource(database.session(), [r["id"] for r in public["resources"]])
    return dataset_jsonld(public, site_url, tables)


def has_data_package(dataset: dict) -> bool:
    """Whether the dataset has a public data package (open, with an ingested table)."""
    found = public_dataset(database.session(), dataset["id"])
    if found is None:
        return False
    public = [r.id for r in found.resources if can(ANONYMOUS, Action.READ, r)]
    return any(tables_by_resource(database.session(), public).values())


def showcases_using(dataset: dict) -> list[dict]:
    """Published use cases of the dataset (none for a closed dataset)."""
    return call_action("ckanext_package_showcase_list", {"package_id": dataset["id"]})


def init_app(app: Flask) -> None:
    app.jinja_env.globals.update(
        schema_org_for=schema_org_for,
        showcases_using=showcases_using,
        resource_downloads=dataset_page.resource_downloads,
        dataset_rating=dataset_page.rating_of,
        dataset_preview=dataset_page.preview_of,
        has_data_package=has_data_package,
        table_coordinates=lambda table: coordinate_columns(table.fields),
        site_url=lambda: current_app.config["SETTINGS"].site_url,
        showcase_type_labels=TYPE_LABELS,
    )
