"""The home page."""

from __future__ import annotations

from flask import Blueprint, render_template

from catalog.web.actions import call_action

blueprint = Blueprint("home", __name__)


@blueprint.route("/")
def index():
    recent = call_action("package_search", {"rows": 6, "sort": "metadata_modified desc",
                                            "facet.field": ["groups"], "facet.limit": -1,
                                            "include_private": True})
    groups = call_action("group_list", {"all_fields": True, "sort": "package_count desc"})
    newest = call_action("package_search", {"rows": 5, "sort": "metadata_created desc",
                                            "facet": False, "include_private": True})
    popular = call_action("popular_package_list", {"limit": 5})
    showcases = call_action("showcase_search", {"limit": 3, "featured_first": True})
    return render_template("home.html", recent=recent, groups=groups, newest=newest,
                           popular=popular, showcases=showcases)
