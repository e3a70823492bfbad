"""Static pages: about the catalog, and the API guide."""

from __future__ import annotations

from flask import Blueprint, current_app, render_template

from catalog.web.actions import call_action

blueprint = Blueprint("pages", __name__)


@blueprint.route("/about")
def about():
    return render_template("pages/about.html")


@blueprint.route("/api-guide")
def api_guide():
    """How to use the API, with examples that work against this site as it is."""
    example = call_action("package_search", {"rows": 1, "sort": "metadata_modified desc",
                                             "include_private": False})
    dataset = example["results"][0] if example["results"] else None
    return render_template("pages/api_guide.html", site_url=current_app.config["SETTINGS"].site_url,
                           dataset=dataset)
