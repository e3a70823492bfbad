"""Access pages: grant management, asking for access, and the admins' request inbox."""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from access_control.authentication import current_principal
from access_control.grants import JAPAN
from access_control.legal_basis import label as legal_basis_label
from access_control.policy import Action, can
from access_control.requests.models import AccessRequest, RequestStatus
from access_control.roles import SiteRole
from catalog import db as database
from catalog.api.errors import ValidationError
from catalog.datasets.lookup import find_dataset
from catalog.web.account import signin_required
from catalog.web.actions import call_action

blueprint = Blueprint("access", __name__)
DEFAULT_GRANT_DAYS = 90


def default_expiry() -> str:
    """The expiry an approval form suggests: 90 days from today (Japan time)."""
    today = datetime.now(JAPAN).date()
    return (today + timedelta(days=DEFAULT_GRANT_DAYS)).isoformat()


def dataset_permissions(dataset_id: str) -> dict[str, bool]:
    """What the current user may do with a dataset (for buttons on its page)."""
    dataset = find_dataset(database.session(), dataset_id)
    principal = current_principal()
    if dataset is None:
        return {}
    return {
        "edit": can(principal, Action.UPDATE, dataset),
        "manage_grants": can(principal, Action.MANAGE_GRANTS, dataset),
        "change_access": can(principal, Action.CHANGE_ACCESS, dataset),
        "move": can(principal, Action.MOVE, dataset),
    }


def forbidden_dataset(reference: str):
    """The 403 page of a dataset the caller may know of but not read: no title or other
    metadata, and a request form for staff who may ask for access."""
    principal = current_principal()
    dataset = find_dataset(database.session(), reference)
    may_request = dataset is not None and can(principal, Action.REQUEST_ACCESS, dataset)
    pending = may_request and database.session().query(AccessRequest.id).filter_by(
        dataset_id=dataset.id, requester_id=principal.user_id,
        status=RequestStatus.PENDING).first() is not None
    return render_template("access/forbidden_dataset.html", reference=reference,
                           may_request=may_request, pending=pending), 403


@blueprint.route("/dataset/<reference>/request-access", methods=["POST"])
@signin_required
def request_access(reference: str):
    try:
        call_action("access_request_create",
                    {"id": reference, "purpose": request.form.get("purpose", "")})
    except ValidationError as error:
        flash(" ".join(message for messages in error.errors.values() for message in messages),
              "error")
        return redirect(url_for("datasets.show", reference=reference))
    flash(_("Your request has been sent to the organization's administrators."))
    return redirect(url_for("account.my_requests"))


@blueprint.route("/dataset/<reference>/access")
@signin_required
def grants(reference: str, errors: dict | None = None, form: dict | None = None):
    dataset = call_action("package_show", {"id": reference})
    grant_list = call_action("dataset_grant_list", {"id": dataset["id"]})
    return render_template(
        "access/grants.html", dataset=dataset, grants=grant_list, errors=errors or {},
        form=form or {}, roles=list(SiteRole), default_expiry=default_expiry(),
        legal_basis_label=legal_basis_label,
    ), 409 if errors else 200


@blueprint.route("/dataset/<reference>/access/grants", methods=["POST"])
@signin_required
def grant_create(reference: str):
    fields = ("principal_type", "principal", "permission", "expires_at")
    form = {key: request.form.get(key, "").strip() for key in fields}
    try:
        call_action("dataset_grant_create", {"id": reference, **form})
    except ValidationError as error:
        return grants(reference, errors=error.errors, form=form)
    flash(_("Access granted."))
    return redirect(url_for("access.grants", reference=reference))


@blueprint.route("/dataset/<reference>/access/grants/<grant_id>/delete", methods=["POST"])
@signin_required
def grant_delete(reference: str, grant_id: str):
    call_action("dataset_grant_delete", {"id": grant_id})
    flash(_("The grant was removed."))
    return redirect(url_for("access.grants", reference=reference))


@blueprint.route("/access-requests")
@signin_required
def inbox():
    pending = call_action("access_request_list", {"scope": "inbox", "status": "pending"})
    decided = [item for item in call_action("access_request_list",
                                            {"scope": "inbox", "limit": 50})
               if item["status"] != RequestStatus.PENDING]
    return render_template("access/inbox.html", pending=pending, decided=decided,
                           default_expiry=default_expiry())


@blueprint.route("/access-requests/<request_id>/<decision>", methods=["POST"])
@signin_required
def decide(request_id: str, decision: str):
    if decision not in ("approve", "deny"):
        return redirect(url_for("access.inbox"))
    data = {"id": request_id}
    if decision == "approve":
        data["expires_at"] = request.form.get("expires_at", "")
    else:
        data["reason"] = request.form.get("reason", "")
    try:
        call_action(f"access_request_{decision}", data)
    except ValidationError as error:
        flash(" ".join(message for messages in error.errors.values() for message in messages),
              "error")
        return redirect(url_for("access.inbox"))
    flash(_("The request was approved.") if decision == "approve"
          else _("The request was denied."))
    return redirect(url_for("access.inbox"))
