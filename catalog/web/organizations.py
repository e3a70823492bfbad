"""Organization and group (category) pages."""

from __future__ import annotations

from flask import Blueprint, render_template, request

from catalog.web.actions import call_action
from catalog.web.search_params import PAGE_SIZE, SORT_OPTIONS, SearchParams

blueprint = Blueprint("organizations", __name__)


@blueprint.route("/organization")
def index():
    organizations = call_action("organization_list", {"all_fields": True})
    return render_template("organizations/index.html", organizations=organizations)


@blueprint.route("/organization/<reference>")
def show(reference: str):
    organization = call_action("organization_show", {"id": reference})
    return _listing("organizations/show.html", organization,
                    f'owner_org:"{organization["id"]}"')


@blueprint.route("/group")
def groups():
    return render_template("groups/index.html",
                           groups=call_action("group_list", {"all_fields": True}))


@blueprint.route("/group/<reference>")
def group(reference: str):
    group = call_action("group_show", {"id": reference})
    return _listing("groups/show.html", group, f'groups:"{group["name"]}"')


def _listing(template: str, owner: dict, fq: str):
    from catalog.web.datasets import run_search

    params = SearchParams.from_args(request.args)
    result, error, status = run_search(params, extra_fq=fq)
    return render_template(
        template,
        owner=owner,
        params=params,
        result=result,
        pages=max(1, -(-result["count"] // PAGE_SIZE)),
        sort_options=SORT_OPTIONS,
        search_error=error,
    ), status
