"""Staff pages: harvest sources, their job history, and each job's report."""

from __future__ import annotations

import json

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from access_control.authentication import current_principal
from access_control.levels import AccessLevel
from access_control.policy import Action, can
from catalog import db as database
from catalog.api.errors import ValidationError
from catalog.datasets.licenses import LICENSES
from catalog.web.actions import call_action
from harvesters.models import Frequency, ReportStatus
from harvesters.registry import source_types

blueprint = Blueprint("harvest", __name__, url_prefix="/harvest")
REPORT_PAGE = 200
FORM_FIELDS = ("title", "name", "url", "source_type", "frequency", "owner_org", "notes",
               "default_access_level", "default_license_id", "config")


def _write(action: str, data: dict):
    """Run a changing action as the signed-in user and commit it (the site-wide CSRF
    protection has checked the form's token)."""
    try:
        result = call_action(action, data)
    except Exception:
        database.session().rollback()
        raise
    database.session().commit()
    return result


@blueprint.route("/")
def index():
    sources = call_action("harvest_source_list", {})
    return render_template("harvest/index.html", sources=sources,
                           may_create=_may_create_somewhere())


@blueprint.route("/new", methods=["GET", "POST"])
def new():
    if not _may_create_somewhere():
        abort(403)
    return _form(None)


@blueprint.route("/<reference>")
def source(reference: str):
    found = call_action("harvest_source_show", {"id": reference})
    jobs = call_action("harvest_job_list", {"source_id": found["id"], "limit": 50})
    return render_template("harvest/source.html", source=found, jobs=jobs,
                           may_manage=_may_manage(found))


@blueprint.route("/<reference>/edit", methods=["GET", "POST"])
def edit(reference: str):
    found = call_action("harvest_source_show", {"id": reference})
    if not _may_manage(found):
        abort(403)
    return _form(found)


@blueprint.route("/<reference>/jobs", methods=["POST"])
def create_job(reference: str):
    dry_run = request.form.get("dry_run") == "1"
    try:
        _write("harvest_job_create", {"source_id": reference, "dry_run": dry_run})
        flash(_("The harvest was queued. It starts within a minute."))
    except ValidationError as error:
        flash("; ".join(" ".join(map(str, v)) for v in error.errors.values()), "error")
    return redirect(url_for("harvest.source", reference=reference))


@blueprint.route("/<reference>/job/<job_id>/abort", methods=["POST"])
def abort_job(reference: str, job_id: str):
    try:
        _write("harvest_job_abort", {"id": job_id})
        flash(_("The job was aborted."))
    except ValidationError as error:
        flash("; ".join(" ".join(map(str, v)) for v in error.errors.values()), "error")
    return redirect(url_for("harvest.source", reference=reference))


@blueprint.route("/<reference>/delete", methods=["POST"])
def delete(reference: str):
    _write("harvest_source_delete", {"id": reference})
    flash(_("The harvest source was deleted. Its datasets were kept."))
    return redirect(url_for("harvest.index"))


@blueprint.route("/<reference>/job/<job_id>")
def job(reference: str, job_id: str):
    found = call_action("harvest_source_show", {"id": reference})
    status = request.args.get("status", "")
    if status and status not in ReportStatus.__members__.values():
        status = ""
    page = max(1, request.args.get("page", 1, type=int))
    report = call_action("harvest_job_report", {
        "id": job_id, "status": status, "limit": REPORT_PAGE, "offset": (page - 1) * REPORT_PAGE})
    if report["job"]["source_id"] != found["id"]:
        abort(404)
    details = call_action("harvest_job_show", {"id": job_id})
    return render_template("harvest/job.html", source=found, job=details, report=report,
                           status=status, page=page, page_size=REPORT_PAGE,
                           statuses=list(ReportStatus.__members__.values()))


def _form(existing: dict | None):
    values = dict(existing or {"frequency": Frequency.MANUAL.value,
                               "default_access_level": AccessLevel.INTERNAL.value,
                               "source_type": "ckan"})
    if existing and existing.get("organization"):
        values["owner_org"] = existing["organization"]["name"]
    errors: dict = {}
    if request.method == "POST":
        values.update({key: request.form.get(key, "").strip() for key in FORM_FIELDS})
        values["active"] = request.form.get("active") == "1"
        try:
            json.loads(values["config"] or "{}")
        except ValueError:
            errors["config"] = [_("config is not valid JSON")]
        if not errors:
            action = "harvest_source_update" if existing else "harvest_source_create"
            data = {key: values[key] for key in (*FORM_FIELDS, "active")}
            if existing:
                data["id"] = existing["id"]
            try:
                saved = _write(action, data)
                flash(_("The harvest source was saved."))
                return redirect(url_for("harvest.source", reference=saved["name"]))
            except ValidationError as error:
                errors = error.errors
    organizations = call_action("organization_list", {"all_fields": True})
    return render_template(
        "harvest/form.html", values=values, errors=errors, existing=existing,
        organizations=organizations, source_types=source_types(),
        frequencies=list(Frequency.__members__.values()),
        levels=list(AccessLevel.__members__.values()), licenses=LICENSES,
    ), 400 if errors else 200


def _may_manage(source: dict) -> bool:
    from catalog.organizations.models import Organization

    organization = database.session().get(Organization, source["owner_org"])
    return can(current_principal(), Action.MANAGE_HARVEST, organization)


def _may_create_somewhere() -> bool:
    """Whether the user may create a source in at least one organization."""
    return can(current_principal(), Action.MANAGE_HARVEST)
