"""Use-case pages (活用事例): list, page, image, the public submission form, and the
staff pages to create, edit and moderate."""

from __future__ import annotations

from flask import (
    Blueprint, Response, abort, flash, redirect, render_template, request, url_for,
)
from flask_babel import gettext as _

from access_control.authentication import current_principal
from access_control.policy import Action, can
from catalog import db as database
from catalog.api.errors import NotFound, ValidationError
from catalog.showcase.forms import (
    ModerationForm, StaffShowcaseForm, submission_form,
)
from catalog.showcase.models import ShowcaseType
from catalog.showcase.services import showcase_for
from catalog.showcase.spam import HONEYPOT_FIELD
from catalog.storage import file_store
from catalog.web.account import signin_required
from catalog.web.actions import call_action

blueprint = Blueprint("showcases", __name__)
PAGE_SIZE = 12


def _change(name: str, data: dict, form=None):
    """Run a changing action and commit; on a Validation Error, roll back and show the
    messages on ``form`` (returns ``None``)."""
    try:
        result = call_action(name, data)
        database.session().commit()
        return result
    except ValidationError as error:
        database.session().rollback()
        if form is not None:
            form.show_errors(error.errors)
        return None


def _require_manager() -> None:
    if not can(current_principal(), Action.MANAGE_SHOWCASES):
        abort(403)


@blueprint.route("/showcase")
def index():
    kind = request.args.get("type", "")
    kind = kind if kind in set(ShowcaseType) else ""
    try:
        page = max(1, min(int(request.args.get("page", 1)), 500))
    except ValueError:
        page = 1
    result = call_action("showcase_search", {"showcase_type": kind, "limit": PAGE_SIZE,
                                             "page": page})
    return render_template("showcase/index.html", result=result, kind=kind, page=page,
                           pages=max(1, -(-result["count"] // PAGE_SIZE)))


@blueprint.route("/showcase/<reference>")
def show(reference: str):
    showcase = call_action("ckanext_showcase_show", {"id": reference})
    if reference != showcase["name"]:
        return redirect(url_for("showcases.show", reference=showcase["name"]), 301)
    datasets = call_action("ckanext_showcase_package_list", {"showcase_id": showcase["id"]})
    return render_template("showcase/show.html", showcase=showcase, datasets=datasets,
                           can_manage=can(current_principal(), Action.MANAGE_SHOWCASES))


@blueprint.route("/showcase/<reference>/image")
def image(reference: str):
    try:
        showcase = showcase_for(current_principal(), database.session(), reference)
    except NotFound:
        abort(404)
    store = file_store()
    if not showcase.image_key or not store.exists(showcase.image_key):
        abort(404)
    response = Response(store.iter_bytes(showcase.image_key), mimetype=showcase.image_mimetype)
    response.headers["Cache-Control"] = "public, max-age=3600"
    return response


@blueprint.route("/showcase/submit", methods=["GET", "POST"])
def submit():
    """The public form. A filled honeypot gets the thank-you page and nothing is stored."""
    form = submission_form()
    if request.method == "GET" and request.args.get("dataset"):
        form.datasets.data = request.args["dataset"][:100]
    if form.validate_on_submit():
        if getattr(form, HONEYPOT_FIELD).data:
            return redirect(url_for("showcases.submitted"))
        if _change("showcase_submit", form.action_data(), form) is not None:
            return redirect(url_for("showcases.submitted"))
    elif request.method == "POST":
        form.form_errors = [_("The form has expired. Please send it again.")]
    status = 400 if request.method == "POST" else 200
    return render_template("showcase/submit.html", form=form,
                           honeypot=getattr(form, HONEYPOT_FIELD)), status


@blueprint.route("/showcase/submitted")
def submitted():
    return render_template("showcase/submitted.html")


@blueprint.route("/showcase/new", methods=["GET", "POST"])
@signin_required
def new():
    _require_manager()
    form = StaffShowcaseForm()
    if form.validate_on_submit():
        created = _change("ckanext_showcase_create", form.action_data(), form)
        if created is not None:
            flash(_("The use case was published."))
            return redirect(url_for("showcases.show", reference=created["name"]))
    return render_template("showcase/edit.html", form=form, showcase=None)


@blueprint.route("/showcase/<reference>/edit", methods=["GET", "POST"])
def edit(reference: str):
    _require_manager()
    showcase = call_action("ckanext_showcase_show", {"id": reference})
    linked = call_action("ckanext_showcase_package_list", {"showcase_id": showcase["id"]})
    form = StaffShowcaseForm(data={
        **showcase, "tag_string": ", ".join(tag["name"] for tag in showcase["tags"]),
        "datasets": "\n".join(dataset["name"] for dataset in linked)})
    if form.validate_on_submit():
        updated = _change("ckanext_showcase_update", {"id": showcase["id"],
                                                      **form.action_data()}, form)
        if updated is not None:
            flash(_("The use case was saved."))
            return redirect(url_for("showcases.show", reference=updated["name"]))
    return render_template("showcase/edit.html", form=form, showcase=showcase)


@blueprint.route("/showcase/<reference>/delete", methods=["POST"])
def delete(reference: str):
    _require_manager()
    if not ModerationForm().validate_on_submit():
        abort(400)
    _change("ckanext_showcase_delete", {"id": reference})
    flash(_("The use case was deleted."))
    return redirect(url_for("showcases.index"))


@blueprint.route("/showcase/moderation")
@signin_required  # the link in a notification e-mail: sign in first, then the queue
def moderation():
    _require_manager()
    pending = call_action("showcase_search", {"state": "pending", "limit": 100})
    datasets = {item["id"]: call_action("ckanext_showcase_package_list",
                                        {"showcase_id": item["id"]})
                for item in pending["results"]}
    return render_template("showcase/moderation.html", pending=pending, datasets=datasets,
                           form=ModerationForm())


@blueprint.route("/showcase/<reference>/moderate", methods=["POST"])
def moderate(reference: str):
    _require_manager()
    form = ModerationForm()
    if not form.validate_on_submit():
        flash(_("The form has expired. Please send it again."))
        return redirect(url_for("showcases.moderation"))
    decision = request.form.get("decision")
    if decision == "approve":
        result = _change("showcase_approve", {"id": reference, "featured": form.featured.data})
        message = _("Published: %(title)s", title=result["title"]) if result else None
    elif decision == "reject":
        result = _change("showcase_reject", {"id": reference, "reason": form.reason.data or ""})
        message = _("Rejected: %(title)s", title=result["title"]) if result else None
    else:
        abort(400)
    flash(message or _("The form has expired. Please send it again."))
    return redirect(url_for("showcases.moderation"))
