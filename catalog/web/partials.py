"""Template helpers behind the partials that publishing and use cases add to shared pages
(dataset page, home page). Each is a Jinja global, so a shared template needs only one
``{% include %}`` line per feature."""

from __future__ import annotations

from flask import Flask, current_app

from access_control.policy import Action, can
from access_control.principals import ANONYMOUS
from catalog import db as database
from catalog.datasets.dictization import dataset_dict
from catalog.publishing.downloads import Download, downloads_for
from catalog.publishing.schema_org import dataset_jsonld
from catalog.publishing.services import public_dataset
from catalog.showcase.forms import TYPE_LABELS
from catalog.web.actions import call_action


def schema_org_for(dataset: dict) -> dict | None:
    """schema.org JSON-LD of the dataset as the public sees it; ``None`` when closed."""
    found = public_dataset(database.session(), dataset["id"])
    if found is None:
        return None
    site_url = current_app.config["SETTINGS"].site_url
    public = dataset_dict(found, site_url,
                          shows_resource=lambda resource: can(ANONYMOUS, Action.READ, resource))
    return dataset_jsonld(public, site_url)


def showcases_using(dataset: dict) -> list[dict]:
    """Published use cases of the dataset (none for a closed dataset)."""
    return call_action("ckanext_package_showcase_list", {"package_id": dataset["id"]})


def resource_downloads(resource: dict) -> list[Download]:
    """Download buttons of a resource (see :mod:`catalog.publishing.downloads`)."""
    return downloads_for(resource)


def init_app(app: Flask) -> None:
    app.jinja_env.globals.update(
        schema_org_for=schema_org_for,
        showcases_using=showcases_using,
        resource_downloads=resource_downloads,
        site_url=lambda: current_app.config["SETTINGS"].site_url,
        showcase_type_labels=TYPE_LABELS,
    )
