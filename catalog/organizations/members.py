"""CKAN's member table, read from and written to what stands for it here.

CKAN keeps one ``member`` table for every group and organization. Here:

* an organization's users are its :class:`~catalog.organizations.models.Membership`
  rows (capacity admin, editor or member);
* an organization's datasets are those it owns (``owner_org``), capacity
  ``organization`` as CKAN records them; a dataset always has exactly one, so it is
  moved with package_patch, not added or removed here;
* an organization's divisions (child organizations) are members of type ``group`` with
  capacity ``parent``, as ckanext-hierarchy records them;
* a group's (category's) datasets are those filed under it, capacity ``public``;
  groups have no users: sysadmins manage them.

Callers check permission on the organization or group; the checks on the object (the
dataset or user added) are made here, through the policy.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import gettext as _

from access_control.policy import Action, can, visibility
from access_control.roles import OrgRole
from catalog.api.context import Context
from catalog.api.errors import NotAuthorized, NotFound, ValidationError
from catalog.datasets.lookup import dataset_for
from catalog.datasets.models import Dataset, dataset_groups
from catalog.groups import services as group_services
from catalog.groups.models import Group
from catalog.organizations import services
from catalog.organizations.models import Organization

OBJECT_TYPES = ("package", "user")
OWNED_DATASET = "organization"  # CKAN's capacity for a dataset in its own organization
FILED_DATASET = "public"  # CKAN's capacity for a dataset in a group
CHILD_ORGANIZATION = "parent"  # ckanext-hierarchy's capacity for a child organization


def find_collection(context: Context, reference, prefer: str) -> Organization | Group:
    """The organization or group ``reference`` names, as the caller may see it.

    Names are unique within organizations and within groups, not across them; when
    both have the name, ``prefer`` ("organization" or "group") decides.
    """
    organization = services.visible_organization(context, reference)
    group = group_services.find_group(context.db, reference)
    if organization is not None and (group is None or prefer == "organization"):
        return organization
    if group is not None:
        return group
    raise NotFound(_("Group not found"))


def member_rows(context: Context, collection: Organization | Group,
                object_type: str | None, capacity: str | None) -> list[tuple[str, str, str]]:
    """CKAN's ``(id, type, capacity)`` rows: the datasets the caller may read, the users
    when the caller may list users, and an organization's divisions."""
    rows: list[tuple[str, str, str]] = []
    if object_type in (None, "package"):
        rows += [(dataset_id, "package", _dataset_capacity(collection))
                 for dataset_id in _readable_dataset_ids(context, collection)]
    if isinstance(collection, Organization):
        if object_type in (None, "user") and can(context.principal, Action.LIST_USERS):
            rows += [(m.user.id, "user", m.capacity)
                     for m in sorted(collection.memberships, key=lambda m: m.user.name)]
        if object_type in (None, "group"):
            rows += [(child.id, "group", CHILD_ORGANIZATION)
                     for child in _children(context, collection)]
    if capacity:
        rows = [row for row in rows if row[2] == capacity]
    return rows


def _dataset_capacity(collection: Organization | Group) -> str:
    return OWNED_DATASET if isinstance(collection, Organization) else FILED_DATASET


def _readable_dataset_ids(context: Context, collection: Organization | Group) -> list[str]:
    query = sa.select(Dataset.id).where(
        Dataset.state == "active", visibility(context.principal).dataset_clause()
    )
    if isinstance(collection, Organization):
        query = query.where(Dataset.owner_org_id == collection.id)
    else:
        query = query.join(dataset_groups, dataset_groups.c.dataset_id == Dataset.id).where(
            dataset_groups.c.group_id == collection.id)
    return list(context.db.scalars(query.order_by(Dataset.name)))


def _children(context: Context, organization: Organization) -> list[Organization]:
    return list(context.db.scalars(
        sa.select(Organization)
        .where(Organization.parent_id == organization.id, Organization.state == "active")
        .order_by(Organization.name)
    ))


def add_member(context: Context, collection: Organization | Group, reference,
               object_type: str, capacity: str | None) -> dict:
    """Make a dataset or user a member (or change a user's capacity); CKAN's
    member_create once the caller may change ``collection``."""
    if object_type == "user":
        organization = _organization_for_users(collection)
        user = _user(context, reference)
        if capacity is None:
            raise ValidationError({"capacity": [_("Missing value")]})
        if capacity not in OrgRole.__members__.values():
            raise ValidationError({"capacity": [_("Role must be admin, editor or member")]})
        refuse_own_demotion(context, organization, user, capacity)
        membership = services.set_member(context.db, organization, user, capacity)
        return member_dict(organization, "user", user.id, membership.capacity)
    dataset = _dataset(context, collection, reference, object_type)
    if isinstance(collection, Organization):
        if dataset.owner_org_id != collection.id:
            raise ValidationError({"object": [_(
                "A dataset belongs to exactly one organization: move it with "
                "package_patch (owner_org)")]})
        return member_dict(collection, "package", dataset.id, OWNED_DATASET)
    group_services.file_dataset(context, dataset, collection, filed=True)
    return member_dict(collection, "package", dataset.id, FILED_DATASET)


def remove_member(context: Context, collection: Organization | Group, reference,
                  object_type: str) -> None:
    """Take a dataset or user out; CKAN's member_delete once the caller may change
    ``collection``. Removing what is not a member does nothing, as in CKAN."""
    if object_type == "user":
        services.remove_member(context.db, _organization_for_users(collection),
                               _user(context, reference))
        return
    dataset = _dataset(context, collection, reference, object_type)
    if isinstance(collection, Organization):
        if dataset.owner_org_id == collection.id:
            raise ValidationError({"object": [_(
                "A dataset belongs to exactly one organization: move it with "
                "package_patch (owner_org), or delete it")]})
        return
    group_services.file_dataset(context, dataset, collection, filed=False)


def may_change_members(context: Context, collection: Organization | Group,
                       object_type: str) -> bool:
    """CKAN's member_create/member_delete authorization: an organization's admins for
    everything in it; for a group's datasets, whoever may edit the dataset (checked on
    the dataset itself, as package_patch would), for the rest the group managers."""
    if isinstance(collection, Organization):
        return can(context.principal, Action.MANAGE_ORGANIZATION, collection)
    if object_type == "package":
        return True  # decided per dataset in _dataset (Action.UPDATE)
    return can(context.principal, Action.MANAGE_GROUPS)


def check_object_type(object_type) -> str:
    """``object_type`` if it is one member_create and member_delete handle."""
    if object_type not in OBJECT_TYPES:
        raise ValidationError({"object_type": [_("Must be package or user")]})
    return object_type


def refuse_own_demotion(context: Context, organization: Organization, user, capacity: str) -> None:
    """CKAN refuses to let an admin lower their own capacity (the organization could be
    left with no admin at all)."""
    if user.id != context.principal.user_id or capacity == OrgRole.ADMIN:
        return
    if any(m.user_id == user.id and m.capacity == OrgRole.ADMIN
           for m in organization.memberships):
        raise NotAuthorized(_("Administrators cannot revoke their own admin status"))


def member_dict(collection: Organization | Group, object_type: str, object_id: str,
                capacity: str) -> dict:
    """CKAN's member dict (``member_dictize``)."""
    return {"group_id": collection.id, "table_name": object_type, "table_id": object_id,
            "capacity": capacity, "state": "active"}


def _organization_for_users(collection: Organization | Group) -> Organization:
    if isinstance(collection, Group):
        raise ValidationError({"object_type": [_(
            "Categories have no user members: sysadmins manage them")]})
    return collection


def _user(context: Context, reference):
    user = services.find_user(context.db, str(reference or ""))
    if user is None:
        raise NotFound(_("User not found: %(name)s", name=str(reference)[:100]))
    return user


def _dataset(context: Context, collection: Organization | Group, reference,
             object_type: str) -> Dataset:
    """The dataset, 404 to a caller who may not know of it. Filing it under a group is
    a change to the dataset (its ``groups``), so it needs the right to edit it; for an
    organization (whose admins were checked already) reading it is enough."""
    check_object_type(object_type)
    needed = Action.READ if isinstance(collection, Organization) else Action.UPDATE
    return dataset_for(context.principal, context.db, str(reference or ""), needed)
