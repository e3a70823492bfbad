"""Creating and deciding access requests (callers check permission and commit).

Every step notifies (in the catalog and by e-mail) and is audited.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask_babel import gettext as _

from access_control.audit import AuditEvent, record_event
from access_control.grants import GrantPermission, GrantPrincipal, last_day, save_grant
from access_control.models import User
from access_control.notifications.services import NotificationKind, notify
from access_control.policy import Action, can
from access_control.principals import Principal, principal_for
from access_control.requests.models import AccessRequest, RequestStatus
from access_control.roles import OrgRole
from catalog.api.context import Context
from catalog.api.errors import ValidationError
from catalog.db import utcnow

MAX_TEXT = 2000


def _text(value, key: str, message: str) -> str:
    text = str(value or "").strip()
    if not text:
        raise ValidationError({key: [message]})
    if len(text) > MAX_TEXT:
        raise ValidationError({key: [_("Must be at most %(n)s characters", n=MAX_TEXT)]})
    return text


# Pages the e-mails link to (plain paths: requests may be decided outside a web request).
INBOX_PATH = "/access-requests"
MY_REQUESTS_PATH = "/user/requests"


def _site_link(context: Context, path: str) -> str:
    return context.settings.site_url + path


def deciders(context: Context, dataset) -> list[User]:
    """Who decides requests on ``dataset``: its organization's admins, or the sysadmins
    when the organization has none."""
    from catalog.organizations.models import Membership

    admins = list(context.db.scalars(
        sa.select(User).join(Membership, Membership.user_id == User.id).where(
            Membership.organization_id == dataset.owner_org_id,
            Membership.capacity == OrgRole.ADMIN.value, User.state == "active")))
    return admins or list(context.db.scalars(
        sa.select(User).where(User.sysadmin.is_(True), User.state == "active")))


def create_request(context: Context, dataset, purpose: str) -> AccessRequest:
    """A pending request by the caller; one pending request per person and dataset."""
    purpose = _text(purpose, "purpose", _("Say what you need the data for"))
    user = context.principal.user
    pending = context.db.scalar(sa.select(AccessRequest.id).where(
        AccessRequest.dataset_id == dataset.id, AccessRequest.requester_id == user.id,
        AccessRequest.status == RequestStatus.PENDING))
    if pending:
        raise ValidationError({"id": [_("You already have a pending request for this dataset")]})
    request = AccessRequest(dataset_id=dataset.id, requester_id=user.id, purpose=purpose)
    context.db.add(request)
    context.db.flush()
    # To the deciders, who read the dataset: its name is theirs to see.
    params = {"dataset": dataset.name, "requester": user.fullname or user.name,
              "purpose": purpose[:300]}
    for admin in deciders(context, dataset):
        notify(context.db, admin, NotificationKind.ACCESS_REQUESTED, params,
               link=_site_link(context, INBOX_PATH), locale=context.settings.default_locale)
    record_event(context, AuditEvent.ACCESS_REQUESTED, dataset=dataset, subject=request.id,
                 details={"purpose": purpose})
    return request


def _require_pending(request: AccessRequest) -> None:
    if request.status != RequestStatus.PENDING:
        raise ValidationError({"id": [_("This request has already been decided")]})


def approve_request(context: Context, request: AccessRequest, expires_at: datetime | None
                    ) -> AccessRequest:
    """Approve: the requester gets a read grant until ``expires_at`` (required)."""
    _require_pending(request)
    if expires_at is None:
        raise ValidationError({"expires_at": [_("Choose until when access is granted")]})
    grant = save_grant(context.db, request.dataset_id,
                       (GrantPrincipal.USER.value, request.requester_id),
                       GrantPermission.READ.value, expires_at, context.principal.user_id)
    _decide(context, request, RequestStatus.APPROVED, "")
    request.grant_id, request.expires_at = grant.id, expires_at
    # Asked after the grant is saved: the requester normally reads the dataset now.
    reference = dataset_reference(request, principal_for(context.db, request.requester))
    notify(context.db, request.requester, NotificationKind.ACCESS_APPROVED,
           {"dataset": reference, "expires": last_day(expires_at)},
           link=_site_link(context, f"/dataset/{reference}"),
           locale=context.settings.default_locale)
    details = {"expires_at": expires_at.isoformat(), "requester": request.requester.name}
    record_event(context, AuditEvent.GRANT_CREATED, dataset=request.dataset, subject=grant.id,
                 details={**details, "principal_type": "user", "permission": "read",
                          "access_request": request.id})
    record_event(context, AuditEvent.ACCESS_REQUEST_APPROVED, dataset=request.dataset,
                 subject=request.id, details=details)
    return request


def deny_request(context: Context, request: AccessRequest, reason: str) -> AccessRequest:
    """Deny, with a reason the requester reads."""
    _require_pending(request)
    reason = _text(reason, "reason", _("Give the requester a reason"))
    _decide(context, request, RequestStatus.DENIED, reason)
    notify(context.db, request.requester, NotificationKind.ACCESS_DENIED,
           {"dataset": dataset_reference(request, principal_for(context.db, request.requester)),
            "reason": reason[:500]},
           link=_site_link(context, MY_REQUESTS_PATH),
           locale=context.settings.default_locale)
    record_event(context, AuditEvent.ACCESS_REQUEST_DENIED, dataset=request.dataset,
                 subject=request.id, details={"reason": reason,
                                              "requester": request.requester.name})
    return request


def _decide(context: Context, request: AccessRequest, status: RequestStatus, reason: str):
    request.status = status.value
    request.decided_at = utcnow()
    request.decided_by = context.principal.user_id
    request.decision_reason = reason
    context.db.flush()


def dataset_reference(request: AccessRequest, reader: Principal) -> str:
    """How to name the request's dataset to ``reader``: its name if they may read it, else
    its id. The name is derived from the title, which someone who may not read the
    dataset must not learn, not even after a rename."""
    if can(reader, Action.READ, request.dataset):
        return request.dataset.name
    return request.dataset_id


def request_dict(request: AccessRequest, *, show_dataset: bool) -> dict:
    """The request as JSON. Dataset name, title and organization only when
    ``show_dataset`` (the caller may read it): a requester who may not must learn nothing
    from here, so ``dataset_name`` is then the id, still a reference every action takes."""
    result = {
        "id": request.id,
        "dataset_id": request.dataset_id,
        "dataset_name": request.dataset.name if show_dataset else request.dataset_id,
        "requester": request.requester.name,
        "requester_fullname": request.requester.fullname,
        "purpose": request.purpose,
        "status": request.status,
        "created": request.created.isoformat(),
        "decided_at": request.decided_at.isoformat() if request.decided_at else None,
        "decision_reason": request.decision_reason,
        "expires_at": request.expires_at.isoformat() if request.expires_at else None,
        "last_day": last_day(request.expires_at),
    }
    if show_dataset:
        result.update(dataset_title=request.dataset.title,
                      dataset_access_level=request.dataset.access_level,
                      organization=request.dataset.organization.name)
    return result
