"""Dataset pages: search, show, and file downloads."""

from __future__ import annotations

from flask import Blueprint, Response, abort, redirect, render_template, request, url_for
from werkzeug.exceptions import Forbidden

from access_control.audit import AuditEvent, record_event
from access_control.authentication import current_principal
from access_control.levels import AccessLevel
from access_control.policy import Action
from catalog import db as database
from catalog.api.errors import NotAuthorized, NotFound, SearchQueryError, ValidationError
from catalog.datasets.licenses import get_license
from catalog.datasets.lookup import resource_for
from catalog.datasets.vocabularies import get_frequency
from catalog.publishing.popularity import Hit, count_request
from catalog.storage import file_store
from catalog.web.access import forbidden_dataset
from catalog.web.actions import call_action, context
from catalog.web.search_params import PAGE_SIZE, SORT_OPTIONS, SearchParams

blueprint = Blueprint("datasets", __name__)


EMPTY_RESULT = {"count": 0, "results": [], "search_facets": {}, "facets": {}}


def run_search(params: SearchParams, extra_fq: str = "") -> tuple[dict, str, int]:
    """(result, error message, HTTP status) of a search page: a query the search cannot
    take shows its (Japanese) reason instead of failing."""
    try:
        return call_action("package_search", params.package_search_args(extra_fq)), "", 200
    except (SearchQueryError, ValidationError) as error:
        return EMPTY_RESULT, error.message, 400


@blueprint.route("/dataset")
def search():
    params = SearchParams.from_args(request.args)
    result, error, status = run_search(params)
    pages = max(1, -(-result["count"] // PAGE_SIZE))
    return render_template(
        "datasets/search.html",
        params=params,
        result=result,
        pages=pages,
        sort_options=SORT_OPTIONS,
        search_error=error,
    ), status


@blueprint.route("/dataset/<reference>")
def show(reference: str):
    try:
        dataset = call_action("package_show", {"id": reference})
    except Forbidden:
        return forbidden_dataset(reference)
    if reference != dataset["name"]:
        return redirect(url_for("datasets.show", reference=dataset["name"]), 301)
    count_request(dataset["id"], Hit.VIEW)
    return render_template(
        "datasets/show.html",
        dataset=dataset,
        license=get_license(dataset["license_id"]),
        frequency=get_frequency(dataset["frequency"]),
    )


@blueprint.route("/dataset/<dataset_id>/resource/<resource_id>/download")
@blueprint.route("/dataset/<dataset_id>/resource/<resource_id>/download/<filename>")
def download(dataset_id: str, resource_id: str, filename: str | None = None):
    """The original file of an uploaded resource (or a redirect for a link)."""
    try:
        resource = resource_for(current_principal(), database.session(), resource_id, Action.READ)
    except NotFound:
        abort(404)
    except NotAuthorized:
        abort(403)
    if resource.dataset_id != dataset_id and resource.dataset.name != dataset_id:
        abort(404)
    if resource.effective_access_level != AccessLevel.OPEN:
        record_event(context(), AuditEvent.RESOURCE_DOWNLOAD, resource=resource,
                     details={"filename": resource.extras.get("filename") or resource.url})
        database.session().commit()
    if resource.url_type != "upload":
        return redirect(resource.url) if resource.url.startswith(("http://", "https://")) else abort(404)
    store = file_store()
    if not resource.storage_key or not store.exists(resource.storage_key):
        abort(404)
    count_request(resource.dataset_id, Hit.DOWNLOAD)
    name = resource.extras.get("filename") or "data"
    response = Response(
        store.iter_bytes(resource.storage_key),
        mimetype=resource.mimetype or "application/octet-stream",
        headers={
            "Content-Length": str(store.size(resource.storage_key)),
            "Content-Disposition": _attachment(name),
            "X-Content-Type-Options": "nosniff",
        },
    )
    if resource.effective_access_level != "open":
        response.headers["Cache-Control"] = "private, no-store"
    return response


def _attachment(filename: str) -> str:
    from urllib.parse import quote

    return f"attachment; filename=\"{quote(filename)}\"; filename*=UTF-8''{quote(filename)}"
