"""Access request actions: access_request_create, _list, _approve and _deny."""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import gettext as _

from access_control.grants import parse_expiry
from access_control.policy import Action, can, grant_manager_clause
from access_control.requests import services
from access_control.requests.models import AccessRequest, RequestStatus
from catalog.api.context import Context
from catalog.api.errors import NotAuthorized, NotFound, ValidationError
from catalog.api.registry import action
from catalog.api.validation import as_int, require
from catalog.datasets.lookup import dataset_for
from catalog.datasets.models import Dataset


@action("access_request_create")
def access_request_create(context: Context, data: dict) -> dict:
    """Ask the owning organization for read access to a restricted dataset (staff).

    :param id: dataset id or name
    :param purpose: what the data is needed for
    """
    dataset = dataset_for(context.principal, context.db, require(data, "id"), Action.KNOW_EXISTS)
    if not can(context.principal, Action.REQUEST_ACCESS, dataset):
        if can(context.principal, Action.READ, dataset):
            raise ValidationError({"id": [_("You can already read this dataset")]})
        raise NotAuthorized(_("Only staff may request access to restricted datasets"))
    request = services.create_request(context, dataset, data.get("purpose"))
    return services.request_dict(request, show_dataset=False)


@action("access_request_list", read_only=True)
def access_request_list(context: Context, data: dict) -> list[dict]:
    """Access requests, newest first.

    :param scope: ``mine`` (default): the requests you made; ``inbox``: the requests you
        decide (admins of the dataset's organization, sysadmins)
    :param status: pending, approved or denied (default: all)
    :param limit: at most this many (default 100, at most 1000)
    :param offset: skip this many
    """
    if context.principal.user_id is None:
        raise NotAuthorized(_("Sign in to see access requests"))
    scope = str(data.get("scope") or "mine")
    query = sa.select(AccessRequest).join(Dataset, Dataset.id == AccessRequest.dataset_id)
    if scope == "mine":
        query = query.where(AccessRequest.requester_id == context.principal.user_id)
    elif scope == "inbox":
        query = query.where(grant_manager_clause(context.principal, Dataset.owner_org_id))
    else:
        raise ValidationError({"scope": [_("Must be mine or inbox")]})
    status = str(data.get("status") or "")
    if status:
        if status not in RequestStatus.__members__.values():
            raise ValidationError({"status": [_("Must be pending, approved or denied")]})
        query = query.where(AccessRequest.status == status)
    query = (query.order_by(AccessRequest.created.desc(), AccessRequest.id)
             .limit(as_int(data, "limit", 100, minimum=1, maximum=1000))
             .offset(as_int(data, "offset", 0)))
    return [
        services.request_dict(request,
                              show_dataset=can(context.principal, Action.READ, request.dataset))
        for request in context.db.scalars(query)
    ]


def _decidable(context: Context, data: dict) -> AccessRequest:
    request = context.db.get(AccessRequest, str(require(data, "id")))
    if request is None or not can(context.principal, Action.MANAGE_GRANTS, request.dataset):
        raise NotFound(_("Access request not found"))
    return request


@action("access_request_approve")
def access_request_approve(context: Context, data: dict) -> dict:
    """Approve a pending request: the requester may read the dataset until the expiry.

    :param id: the request id
    :param expires_at: last day of access (YYYY-MM-DD, Japan time); required
    """
    request = _decidable(context, data)
    services.approve_request(context, request, parse_expiry(data.get("expires_at")))
    return services.request_dict(request, show_dataset=True)


@action("access_request_deny")
def access_request_deny(context: Context, data: dict) -> dict:
    """Deny a pending request.

    :param id: the request id
    :param reason: why (the requester reads it)
    """
    request = _decidable(context, data)
    services.deny_request(context, request, data.get("reason"))
    return services.request_dict(request, show_dataset=True)
