"""Grant actions: dataset_grant_list, dataset_grant_create, dataset_grant_delete, and
CKAN's package_collaborator_* actions, which show a dataset's grants to single users.

Admins of the dataset's organization (and sysadmins) manage its grants
(:data:`~access_control.policy.Action.MANAGE_GRANTS`); every change is audited.

A CKAN collaborator is a grant to one user: capacity ``member`` is a read grant,
``editor`` and ``admin`` an edit grant (an edit grant covers the content only, never
who may see the dataset or its grants, so an ``admin`` collaborator is an editor here).
Grants to an organization's members or a role's holders have no CKAN form.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import gettext as _

from access_control.audit import AuditEvent, record_event
from access_control.grants import (
    GrantPermission,
    GrantPrincipal,
    grant_dict,
    grants_of,
    parse_expiry,
    resolve_principal,
    save_grant,
)
from access_control.models import Grant, User
from access_control.policy import Action, can, visibility
from access_control.users import find_user
from catalog.api.context import Context
from catalog.api.errors import NotAuthorized, NotFound, ValidationError
from catalog.api.registry import action
from catalog.api.validation import require
from catalog.datasets.lookup import dataset_for
from catalog.datasets.models import Dataset
from catalog.db import utcnow

# CKAN capacity -> our permission, and back (an edit grant shows as "editor").
CAPACITY_PERMISSIONS = {"member": GrantPermission.READ, "editor": GrantPermission.EDIT,
                        "admin": GrantPermission.EDIT}
PERMISSION_CAPACITIES = {GrantPermission.READ: "member", GrantPermission.EDIT: "editor"}


@action("dataset_grant_list", read_only=True)
def dataset_grant_list(context: Context, data: dict) -> list[dict]:
    """The grants on a dataset, expired ones included (``expired`` says which).

    :param id: dataset id or name
    """
    dataset = dataset_for(context.principal, context.db, require(data, "id"),
                          Action.MANAGE_GRANTS)
    return [grant_dict(context.db, grant) for grant in grants_of(context.db, dataset.id)]


@action("dataset_grant_create")
def dataset_grant_create(context: Context, data: dict) -> dict:
    """Give a user, an organization's members or a site role's holders access to a
    dataset. Granting the same principal again replaces its grant.

    :param id: dataset id or name
    :param principal_type: user, organization or role
    :param principal: user name/id, organization name/id, or role name
    :param permission: read (default) or edit
    :param expires_at: last day of access (YYYY-MM-DD, Japan time) or an ISO date-time;
        omit for no expiry
    """
    dataset = dataset_for(context.principal, context.db, require(data, "id"),
                          Action.MANAGE_GRANTS)
    principal = resolve_principal(context.db, str(require(data, "principal_type")),
                                  str(require(data, "principal")))
    grant = save_grant(
        context.db,
        dataset.id,
        principal,
        str(data.get("permission") or GrantPermission.READ),
        parse_expiry(data.get("expires_at")),
        context.principal.user_id,
    )
    result = grant_dict(context.db, grant)
    record_event(context, AuditEvent.GRANT_CREATED, dataset=dataset, subject=grant.id,
                 details=_audit_details(result))
    return result


@action("dataset_grant_delete")
def dataset_grant_delete(context: Context, data: dict) -> None:
    """Remove a grant.

    :param id: the grant id
    """
    grant = context.db.get(Grant, str(require(data, "id")))
    if grant is None:
        raise NotFound(_("Grant not found"))
    dataset = dataset_for(context.principal, context.db, grant.dataset_id, Action.MANAGE_GRANTS)
    details = _audit_details(grant_dict(context.db, grant))
    context.db.delete(grant)
    context.db.flush()
    record_event(context, AuditEvent.GRANT_DELETED, dataset=dataset, subject=grant.id,
                 details=details)


def _audit_details(grant: dict) -> dict:
    keys = ("principal_type", "principal_id", "principal_name", "permission", "expires_at")
    return {key: grant[key] for key in keys}


def _collaborator_dict(grant: Grant) -> dict:
    """CKAN's collaborator dict for a grant to a user (``modified``: when granted)."""
    return {"package_id": grant.dataset_id, "user_id": grant.principal_id,
            "capacity": PERMISSION_CAPACITIES[GrantPermission(grant.permission)],
            "modified": grant.created.isoformat()}


def _user_grants():
    """Unexpired grants to single users: the ones CKAN would call collaborators."""
    return sa.select(Grant).where(
        Grant.principal_type == GrantPrincipal.USER,
        sa.or_(Grant.expires_at.is_(None), Grant.expires_at > utcnow()))


def _permission_for(capacity) -> GrantPermission | None:
    """The permission a CKAN capacity maps to; ``None`` for "any" when not given."""
    if capacity in (None, ""):
        return None
    if not isinstance(capacity, str) or capacity not in CAPACITY_PERMISSIONS:
        raise ValidationError({"capacity": [_("Must be member, editor or admin")]})
    return CAPACITY_PERMISSIONS[capacity]


def _active_user(context: Context, reference) -> User:
    user = find_user(context.db, str(reference or ""))
    if user is None or not user.is_active:
        raise NotFound(_("User not found"))
    return user


@action("package_collaborator_list", read_only=True)
def package_collaborator_list(context: Context, data: dict) -> list[dict]:
    """The users holding an unexpired grant on a dataset, as CKAN collaborators (for
    those who manage its grants).

    :param id: dataset id or name
    :param capacity: only ``member`` (read grants) or ``editor`` (edit grants)
    """
    dataset = dataset_for(context.principal, context.db, require(data, "id"),
                          Action.MANAGE_GRANTS)
    query = _user_grants().where(Grant.dataset_id == dataset.id).order_by(Grant.created)
    permission = _permission_for(data.get("capacity"))
    if permission is not None:
        query = query.where(Grant.permission == permission)
    return [_collaborator_dict(grant) for grant in context.db.scalars(query)]


@action("package_collaborator_list_for_user", read_only=True)
def package_collaborator_list_for_user(context: Context, data: dict) -> list[dict]:
    """The datasets a user holds an unexpired grant on, as CKAN collaborations (the
    user themselves and sysadmins); only datasets the caller may read are listed.

    :param id: user id or name
    :param capacity: only ``member`` (read grants) or ``editor`` (edit grants)
    """
    if context.principal.is_anonymous:  # not even whether the user exists
        raise NotAuthorized(_("You may only list your own collaborations"))
    user = _active_user(context, require(data, "id"))
    if not can(context.principal, Action.SEE_USER, user):
        raise NotAuthorized(_("You may only list your own collaborations"))
    query = (_user_grants().join(Dataset, Dataset.id == Grant.dataset_id)
             .where(Grant.principal_id == user.id, Dataset.state == "active",
                    visibility(context.principal).dataset_clause())
             .order_by(Grant.created))
    permission = _permission_for(data.get("capacity"))
    if permission is not None:
        query = query.where(Grant.permission == permission)
    return [_collaborator_dict(grant) for grant in context.db.scalars(query)]


@action("package_collaborator_create")
def package_collaborator_create(context: Context, data: dict) -> dict:
    """Give a user read (``member``) or edit (``editor``, ``admin``) access to a dataset,
    as dataset_grant_create does; a user granted already gets the new capacity.

    :param id: dataset id or name
    :param user_id: user id or name
    :param capacity: member, editor or admin
    """
    dataset = dataset_for(context.principal, context.db, require(data, "id"),
                          Action.MANAGE_GRANTS)
    permission = _permission_for(require(data, "capacity"))
    user = _active_user(context, require(data, "user_id"))
    grant = save_grant(context.db, dataset.id, (GrantPrincipal.USER.value, user.id),
                       permission, None, context.principal.user_id)
    record_event(context, AuditEvent.GRANT_CREATED, dataset=dataset, subject=grant.id,
                 details=_audit_details(grant_dict(context.db, grant)))
    return _collaborator_dict(grant)


@action("package_collaborator_delete")
def package_collaborator_delete(context: Context, data: dict) -> None:
    """Remove a user's grant on a dataset.

    :param id: dataset id or name
    :param user_id: user id or name
    """
    dataset = dataset_for(context.principal, context.db, require(data, "id"),
                          Action.MANAGE_GRANTS)
    user = find_user(context.db, str(require(data, "user_id")))
    grant = user and context.db.scalar(sa.select(Grant).where(
        Grant.dataset_id == dataset.id, Grant.principal_type == GrantPrincipal.USER,
        Grant.principal_id == user.id))
    if not grant:
        raise NotFound(_("User %(user)s is not a collaborator on this dataset",
                         user=str(data["user_id"])[:100]))
    details = _audit_details(grant_dict(context.db, grant))
    context.db.delete(grant)
    context.db.flush()
    record_event(context, AuditEvent.GRANT_DELETED, dataset=dataset, subject=grant.id,
                 details=details)
