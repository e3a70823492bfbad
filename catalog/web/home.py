"""The home page."""

from __future__ import annotations

from flask import Blueprint, render_template

from catalog.web.actions import call_action

blueprint = Blueprint("home", __name__)


@blueprint.route("/")
def index():
    recent = call_action("package_search", {"rows": 6, "sort": "metadata_modified desc",
                                            "facet.field": ["groups"], "facet.limit": -1})
    groups = call_action("group_list", {"all_fields": True, "sort": "package_count desc"})
    return render_template("home.html", recent=recent, groups=groups)
