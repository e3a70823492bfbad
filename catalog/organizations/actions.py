"""Organization actions (CKAN's organization_*)."""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import gettext as _

from access_control.policy import Action, can, visibility
from access_control.roles import OrgRole
from catalog.api.context import Context
from catalog.api.errors import NotAuthorized, NotFound, ValidationError
from catalog.api.listing import sort_and_page
from catalog.api.registry import action
from catalog.api.validation import as_bool, as_list, require
from catalog.datasets.models import Dataset
from catalog.organizations import members, services
from catalog.datasets.activity import activity_list
from catalog.organizations.dictization import organization_dict
from catalog.organizations.models import Membership, Organization

ROLE_LABELS = {OrgRole.ADMIN: "管理者", OrgRole.EDITOR: "編集者", OrgRole.MEMBER: "メンバー"}
# CKAN's permission names for organization_list_for_user, and the least role holding
# each (ckan.authz.ROLE_PERMISSIONS: members too "manage_group", admins alone "admin").
PERMISSION_ROLES = {
    "admin": OrgRole.ADMIN,
    "membership": OrgRole.ADMIN,
    "manage_group": OrgRole.MEMBER,
    "create_dataset": OrgRole.EDITOR,
    "update_dataset": OrgRole.EDITOR,
    "delete_dataset": OrgRole.EDITOR,
    "read": OrgRole.MEMBER,
}


def dataset_counts(context: Context) -> dict[str, int]:
    """Readable active datasets per organization id, for the caller."""
    rows = context.db.execute(
        sa.select(Dataset.owner_org_id, sa.func.count())
        .where(Dataset.state == "active", visibility(context.principal).dataset_clause())
        .group_by(Dataset.owner_org_id)
    )
    return dict(rows.all())


def _get(context: Context, reference) -> Organization:
    organization = services.visible_organization(context, reference)
    if organization is None:
        raise NotFound(_("Organization not found"))
    return organization


def _members(context: Context, organization: Organization) -> list[dict]:
    return [
        {"id": m.user.id, "name": m.user.name, "fullname": m.user.fullname,
         "display_name": m.user.fullname or m.user.name, "capacity": m.capacity}
        for m in sorted(organization.memberships, key=lambda m: m.user.name)
    ]


def _dict(context: Context, organization: Organization, count: int, data: dict,
          *, users_by_default: bool = True) -> dict:
    """organization_show's dict. CKAN includes the users unless told not to (lists leave
    them out unless asked); here only callers who may list users get them."""
    result = organization_dict(organization, count)
    wants_users = as_bool(data.get("include_users"), users_by_default)
    if wants_users and can(context.principal, Action.LIST_USERS):
        result["users"] = _members(context, organization)
    return result


@action("organization_list", read_only=True)
def organization_list(context: Context, data: dict) -> list:
    """Active organizations: names, or dicts with ``all_fields``.

    :param all_fields: return dicts with package_count (datasets the caller may read)
    :param q: only those with this text in their name, title or description
    :param sort: "title asc" (default), "name", "title" or "package_count", asc or desc
    :param limit: at most this many (default 1000)
    :param offset: skip this many
    :param organizations: only these names
    """
    query = sa.select(Organization).where(Organization.state == "active")
    names = as_list(data.get("organizations"), "organizations")
    if names:
        query = query.where(Organization.name.in_(names))
    counts = dataset_counts(context)
    organizations = sort_and_page(list(context.db.scalars(query)), data, counts)
    if not as_bool(data.get("all_fields")):
        return [organization.name for organization in organizations]
    return [_dict(context, o, counts.get(o.id, 0), data, users_by_default=False)
            for o in organizations]


@action("organization_show", read_only=True)
def organization_show(context: Context, data: dict) -> dict:
    """One organization, with ``package_count`` of the datasets the caller may read.

    :param id: id or name
    :param include_datasets: add up to 1000 readable datasets (default false, as CKAN)
    :param include_users: add members (default true, as CKAN; staff only)
    """
    organization = _get(context, require(data, "id"))
    result = _dict(context, organization, dataset_counts(context).get(organization.id, 0), data)
    if as_bool(data.get("include_datasets"), False):
        from catalog.datasets.actions import show_dataset

        datasets = context.db.scalars(
            sa.select(Dataset)
            .where(
                Dataset.owner_org_id == organization.id,
                Dataset.state == "active",
                visibility(context.principal).dataset_clause(),
            )
            .order_by(Dataset.name)
            .limit(1000)
        )
        result["packages"] = [show_dataset(context, dataset) for dataset in datasets]
    return result


@action("organization_create")
def organization_create(context: Context, data: dict) -> dict:
    """Create an organization (sysadmins only).

    :param name: URL name (derived from ``title`` when missing)
    :param title, description, image_url, extras: as organization_show
    :param parent: name or id of the department it belongs to
    :param users: [{name, capacity}] initial members
    """
    if not can(context.principal, Action.CREATE_ORGANIZATION):
        raise NotAuthorized(_("Only sysadmins may create organizations"))
    organization = Organization()
    given_id = data.get("id")
    if given_id and isinstance(given_id, str) and context.db.get(Organization, given_id) is None:
        organization.id = given_id
    services.apply_organization(context.db, organization, data, partial=False)
    context.db.add(organization)
    context.db.flush()
    if data.get("users"):
        services.replace_members(context.db, organization, as_list(data["users"], "users"))
    return _dict(context, organization, 0, data)


def _update(context: Context, data: dict, *, partial: bool) -> dict:
    organization = _get(context, require(data, "id", "name"))
    if not can(context.principal, Action.MANAGE_ORGANIZATION, organization):
        raise NotAuthorized(_("Only admins of the organization may change it"))
    services.apply_organization(context.db, organization, data, partial=partial)
    if "users" in data:
        services.replace_members(context.db, organization, as_list(data["users"], "users"))
    context.db.flush()
    return _dict(context, organization, dataset_counts(context).get(organization.id, 0), data)


@action("organization_update")
def organization_update(context: Context, data: dict) -> dict:
    """Replace an organization's fields; ``users``, when given, replaces its members.

    :param id: id or name
    """
    return _update(context, data, partial=False)


@action("organization_patch")
def organization_patch(context: Context, data: dict) -> dict:
    """Change only the given fields of an organization.

    :param id: id or name
    """
    return _update(context, data, partial=True)


@action("organization_delete")
def organization_delete(context: Context, data: dict) -> None:
    """Delete an organization that has no datasets left (sysadmins only).

    :param id: id or name
    """
    organization = _get(context, require(data, "id"))
    if not can(context.principal, Action.DELETE_ORGANIZATION, organization):
        raise NotAuthorized(_("Only sysadmins may delete organizations"))
    remaining = context.db.scalar(
        sa.select(sa.func.count()).where(
            Dataset.owner_org_id == organization.id, Dataset.state != "deleted"
        )
    )
    if remaining:
        raise ValidationError({"id": [_("The organization still has %(n)s datasets",
                                        n=remaining)]})
    organization.state = "deleted"


@action("organization_member_create")
def organization_member_create(context: Context, data: dict) -> dict:
    """Add a user to an organization, or change their role (admins of it).

    :param id: organization id or name
    :param username: user name or id
    :param role: admin, editor or member
    """
    organization = _get(context, require(data, "id"))
    if not can(context.principal, Action.MANAGE_ORGANIZATION, organization):
        raise NotAuthorized(_("Only admins of the organization may change its members"))
    user = services.find_user(context.db, require(data, "username"))
    if user is None:
        raise NotFound(_("User not found: %(name)s", name=str(data["username"])[:100]))
    role = require(data, "role")
    members.refuse_own_demotion(context, organization, user, role)
    membership = services.set_member(context.db, organization, user, role)
    return {"group_id": organization.id, "table_name": "user", "table_id": user.id,
            "capacity": membership.capacity, "state": "active"}


@action("organization_member_delete")
def organization_member_delete(context: Context, data: dict) -> None:
    """Remove a user from an organization (admins of it).

    :param id: organization id or name
    :param username: user name or id
    """
    organization = _get(context, require(data, "id"))
    if not can(context.principal, Action.MANAGE_ORGANIZATION, organization):
        raise NotAuthorized(_("Only admins of the organization may change its members"))
    user = services.find_user(context.db, require(data, "username", "user_id"))
    if user is None:
        raise NotFound(_("User not found: %(name)s", name=str(data.get("username"))[:100]))
    services.remove_member(context.db, organization, user)


@action("organization_list_for_user", read_only=True)
def organization_list_for_user(context: Context, data: dict) -> list[dict]:
    """Organizations where a user holds a permission (default: the caller, manage_group).

    :param id: user name or id (only yourself unless sysadmin)
    :param permission: manage_group (any membership), create_dataset, update_dataset,
        delete_dataset, read, admin or membership (admins only)

    Each organization carries the user's ``capacity`` in it (``admin`` for sysadmins).
    """
    user = context.principal.user
    if data.get("id"):
        user = services.find_user(context.db, data["id"])
        if user is None:
            raise NotFound(_("User not found: %(name)s", name=str(data["id"])[:100]))
        if not can(context.principal, Action.SEE_USER, user):
            raise NotAuthorized(_("You may only list your own organizations"))
    if user is None:
        return []
    minimum = PERMISSION_ROLES.get(str(data.get("permission") or "manage_group"))
    if minimum is None:
        raise ValidationError({"permission": [_("Unknown permission")]})
    if user.sysadmin:
        query = sa.select(Organization, sa.literal(OrgRole.ADMIN.value))
    else:
        allowed = [role.value for role in OrgRole if role.includes(minimum)]
        query = sa.select(Organization, Membership.capacity).join(Membership).where(
            Membership.user_id == user.id, Membership.capacity.in_(allowed))
    query = query.where(Organization.state == "active").order_by(Organization.name)
    counts = dataset_counts(context)
    return [{**organization_dict(o, counts.get(o.id, 0)), "capacity": capacity}
            for o, capacity in context.db.execute(query)]


@action("member_roles_list", read_only=True)
def member_roles_list(context: Context, data: dict) -> list[dict]:
    """The roles a member can have in an organization."""
    return [{"text": ROLE_LABELS[role], "value": role.value} for role in OrgRole]


@action("organization_purge")
def organization_purge(context: Context, data: dict) -> None:
    """Remove an organization for good (sysadmins only), deleted or not.

    Refused while it still owns datasets (deleted ones too: purge them first) or
    harvest sources; its members' memberships and grants go with it.

    :param id: id or name
    """
    organization = _get(context, require(data, "id"))
    if not can(context.principal, Action.PURGE, organization):
        raise NotAuthorized(_("Only sysadmins may purge organizations"))
    services.purge_organization(context, organization)


@action("organization_activity_list", read_only=True)
def organization_activity_list(context: Context, data: dict) -> list[dict]:
    """Changes to the organization's datasets the caller may read, newest first.

    :param id: id or name
    :param limit: at most this many (default 31, at most 100)
    :param offset: skip this many
    :param activity_types: only these (e.g. ["new package"])
    :param exclude_activity_types: all but these
    """
    organization = _get(context, require(data, "id"))
    return activity_list(context, Dataset.owner_org_id == organization.id, data)


@action("member_list", read_only=True)
def member_list(context: Context, data: dict) -> list[tuple[str, str, str]]:
    """Members of an organization or group as CKAN's ``[id, type, capacity]`` lists:
    the datasets the caller may read (capacity ``organization`` in an organization,
    ``public`` in a group), users (staff only) and an organization's divisions (type
    ``group``, capacity ``parent``). Capacities are codes (admin, editor, member).

    :param id: organization or group id or name
    :param object_type: only ``package``, ``user`` or ``group`` members
    :param capacity: only members with this capacity
    """
    object_type = data.get("object_type") or None
    collection = members.find_collection(context, require(data, "id"),
                                         prefer=_meant(object_type, data.get("capacity")))
    if object_type == "user" and not can(context.principal, Action.LIST_USERS):
        raise NotAuthorized(_("Only staff may list the users of an organization"))
    return members.member_rows(context, collection, object_type, data.get("capacity") or None)


@action("member_create")
def member_create(context: Context, data: dict) -> dict:
    """Add a dataset or user to an organization or group, or change a user's capacity.

    Users: an organization's admins (an admin cannot lower their own capacity). Datasets
    in a group: whoever may edit the dataset. A dataset's organization is its owner_org:
    it cannot be added to another one here (move it with package_patch).

    :param id: organization or group id or name
    :param object: dataset or user id or name
    :param object_type: package or user
    :param capacity: admin, editor or member for users (ignored for datasets)
    """
    object_type = members.check_object_type(require(data, "object_type"))
    collection = _member_collection(context, data, object_type)
    return members.add_member(context, collection, require(data, "object"), object_type,
                              data.get("capacity") or None)


@action("member_delete")
def member_delete(context: Context, data: dict) -> None:
    """Take a dataset or user out of an organization or group (same rights as
    member_create). A dataset cannot leave its own organization here.

    :param id: organization or group id or name
    :param object: dataset or user id or name
    :param object_type: package or user
    """
    object_type = members.check_object_type(require(data, "object_type"))
    collection = _member_collection(context, data, object_type)
    members.remove_member(context, collection, require(data, "object"), object_type)


def _meant(object_type: str | None, capacity) -> str:
    """Which of an organization and a group of the same name a member call means (in
    CKAN they share one namespace): a dataset's capacity says it ("organization" or
    "public"), else datasets go in groups and users in organizations."""
    if capacity == members.OWNED_DATASET:
        return "organization"
    if capacity == members.FILED_DATASET or object_type == "package":
        return "group"
    return "organization"


def _member_collection(context: Context, data: dict, object_type: str):
    collection = members.find_collection(context, require(data, "id"),
                                         prefer=_meant(object_type, data.get("capacity")))
    if not members.may_change_members(context, collection, object_type):
        raise NotAuthorized(_("You are not allowed to change the members of %(name)s",
                              name=collection.name))
    return collection
