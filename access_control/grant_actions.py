"""Grant actions: dataset_grant_list, dataset_grant_create, dataset_grant_delete.

Admins of the dataset's organization (and sysadmins) manage its grants
(:data:`~access_control.policy.Action.MANAGE_GRANTS`); every change is audited.
"""

from __future__ import annotations

from flask_babel import gettext as _

from access_control.audit import AuditEvent, record_event
from access_control.grants import (
    GrantPermission,
    grant_dict,
    grants_of,
    parse_expiry,
    resolve_principal,
    save_grant,
)
from access_control.models import Grant
from access_control.policy import Action
from catalog.api.context import Context
from catalog.api.errors import NotFound
from catalog.api.registry import action
from catalog.api.validation import require
from catalog.datasets.lookup import dataset_for


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
