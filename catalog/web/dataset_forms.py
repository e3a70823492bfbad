"""Registering and editing datasets on the web: the dataset form and file uploads.

The forms call package_create / package_patch / resource_create, so the rules (and the
Japanese error messages) are the API's.
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.datastructures import MultiDict

from access_control.authentication import current_principal
from access_control.legal_basis import LABELS as LEGAL_BASIS_LABELS
from access_control.levels import AccessLevel
from access_control.policy import Action, can
from catalog import db as database
from catalog.api.errors import ValidationError
from catalog.datasets.vocabularies import FREQUENCIES
from catalog.web.access import dataset_permissions
from catalog.web.account import signin_required
from catalog.web.actions import call_action

blueprint = Blueprint("dataset_forms", __name__)

TEXT_FIELDS = ("title", "name", "notes", "owner_org", "license_id", "frequency", "maintainer",
               "maintainer_email", "contact_phone", "access_level", "legal_basis",
               "legal_basis_text", "access_note")
ACCESS_FIELDS = ("access_level", "legal_basis", "legal_basis_text", "access_note")


def _form_data(form: MultiDict) -> dict:
    """The action's data_dict from the submitted form."""
    data = {key: form.get(key, "").strip() for key in TEXT_FIELDS}
    data["tag_string"] = form.get("tag_string", "")
    data["groups"] = [{"name": name} for name in form.getlist("groups") if name]
    return data


def _choices() -> dict:
    return {
        "organizations": call_action("organization_list_for_user",
                                     {"permission": "create_dataset"}, commit=False),
        "licenses": call_action("license_list", commit=False),
        "groups": call_action("group_list", {"all_fields": True}, commit=False),
        "frequencies": FREQUENCIES,
        "levels": list(AccessLevel),
        "legal_bases": LEGAL_BASIS_LABELS,
    }


def _render(template_data: dict, errors: dict | None = None, status: int = 200):
    template_data = {"may_move": True, "may_change_access": True, **template_data}
    return render_template("dataset_forms/form.html", errors=errors or {}, **_choices(),
                           **template_data), status


@blueprint.route("/dataset/new", methods=["GET", "POST"])
@signin_required
def create():
    if not can(current_principal(), Action.CREATE_DATASET):
        abort(403)
    if request.method != "POST":  # GET, or HEAD (which must never write)
        defaults = {"access_level": AccessLevel.INTERNAL.value,
                    "owner_org": request.args.get("organization", "")}
        return _render({"form": defaults, "dataset": None})
    data = _form_data(request.form)
    try:
        created = call_action("package_create", data, commit=False)
        for upload in request.files.getlist("upload"):
            if upload and upload.filename:
                call_action("resource_create", {"package_id": created["id"], "upload": upload,
                                                "name": upload.filename}, commit=False)
    except ValidationError as error:
        database.session().rollback()
        return _render({"form": {**data, "groups": _names(data)}, "dataset": None},
                       error.errors, 409)
    database.session().commit()
    flash(_("The dataset was registered."))
    return redirect(url_for("datasets.show", reference=created["name"]))


@blueprint.route("/dataset/<reference>/edit", methods=["GET", "POST"])
@signin_required
def edit(reference: str):
    dataset = _editable(reference)
    # An edit grant covers the content: who may see the dataset and where it belongs are
    # shown, not offered (the actions would refuse them anyway).
    permissions = dataset_permissions(dataset["id"])
    limits = {"may_move": permissions["move"], "may_change_access": permissions["change_access"]}
    current = {key: dataset.get(key) or "" for key in TEXT_FIELDS}
    current["owner_org"] = dataset["organization"]["name"]
    if request.method != "POST":  # GET, or HEAD (which must never write)
        form = {**current, "tag_string": ", ".join(tag["name"] for tag in dataset["tags"]),
                "groups": [group["name"] for group in dataset["groups"]]}
        return _render({"form": form, "dataset": dataset, **limits})
    data = _form_data(request.form)
    kept = (() if limits["may_move"] else ("owner_org",)) + (
        () if limits["may_change_access"] else ACCESS_FIELDS)
    for key in kept:  # left out of the patch: package_patch keeps what is not given
        data.pop(key)
    try:
        updated = call_action("package_patch", {"id": dataset["id"], **data})
    except ValidationError as error:
        database.session().rollback()
        form = {**data, **{key: current[key] for key in kept}, "groups": _names(data)}
        return _render({"form": form, "dataset": dataset, **limits}, error.errors, 409)
    flash(_("The dataset was saved."))
    return redirect(url_for("datasets.show", reference=updated["name"]))


@blueprint.route("/dataset/<reference>/resource/new", methods=["GET", "POST"])
@signin_required
def add_resource(reference: str):
    dataset = _editable(reference)
    form = {key: request.form.get(key, "").strip()
            for key in ("name", "description", "url", "format", "access_level")}
    if request.method != "POST":  # GET, or HEAD (which must never write)
        return render_template("dataset_forms/resource.html", dataset=dataset, form=form,
                               errors={}, levels=list(AccessLevel))
    data = {"package_id": dataset["id"], **form}
    upload = request.files.get("upload")
    if upload and upload.filename:
        data["upload"] = upload
        data["name"] = data["name"] or upload.filename
    try:
        if "upload" not in data and not data["url"]:
            raise ValidationError({"upload": [_("Choose a file to upload or give a link")]})
        call_action("resource_create", data)
    except ValidationError as error:
        database.session().rollback()
        return render_template("dataset_forms/resource.html", dataset=dataset, form=form,
                               errors=error.errors, levels=list(AccessLevel)), 409
    flash(_("The file was added."))
    return redirect(url_for("datasets.show", reference=dataset["name"]))


def _editable(reference: str) -> dict:
    """The dataset as package_show gives it, or 403 when the user may not edit it."""
    dataset = call_action("package_show", {"id": reference})
    if not dataset_permissions(dataset["id"]).get("edit"):
        abort(403)
    return dataset


def _names(data: dict) -> list[str]:
    return [group["name"] for group in data["groups"]]
