"""Group (category) actions: group_list, group_show, group_create, group_update,
group_patch, group_delete, group_purge, group_activity_list."""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import gettext as _

from access_control.policy import Action, can, visibility
from catalog.api.context import Context
from catalog.api.errors import NotAuthorized, NotFound
from catalog.api.listing import sort_and_page
from catalog.api.registry import action
from catalog.api.validation import as_bool, require
from catalog.datasets.models import Dataset, dataset_groups
from catalog.groups import services
from catalog.groups.dictization import group_dict
from catalog.groups.models import Group
from catalog.datasets.activity import activity_list


def group_counts(context: Context) -> dict[str, int]:
    """Readable active datasets per group id, for the caller."""
    rows = context.db.execute(
        sa.select(dataset_groups.c.group_id, sa.func.count())
        .join(Dataset, Dataset.id == dataset_groups.c.dataset_id)
        .where(Dataset.state == "active", visibility(context.principal).dataset_clause())
        .group_by(dataset_groups.c.group_id)
    )
    return dict(rows.all())


def _get(context: Context, reference) -> Group:
    """The group; a deleted one only for group managers (sysadmins), who may show it and
    restore it with group_patch ``state=active``, as in CKAN."""
    group = services.find_group(context.db, reference,
                                include_deleted=can(context.principal, Action.MANAGE_GROUPS))
    if group is None:
        raise NotFound(_("Group not found"))
    return group


def _get_to_manage(context: Context, reference) -> Group:
    """The group (deleted ones too) for a group manager; 403 for anyone else."""
    if not can(context.principal, Action.MANAGE_GROUPS):
        raise NotAuthorized(_("Only sysadmins may manage categories"))
    group = services.find_group(context.db, reference, include_deleted=True)
    if group is None:
        raise NotFound(_("Group not found"))
    return group


@action("group_list", read_only=True)
def group_list(context: Context, data: dict) -> list:
    """Active groups (categories): names, or dicts with ``all_fields``.

    :param all_fields: dicts with package_count (datasets the caller may read)
    :param q: only those with this text in their name, title or description
    :param sort: "title asc" (default), "name", "title" or "package_count", asc or desc
    :param limit, offset: paging
    """
    groups = list(context.db.scalars(sa.select(Group).where(Group.state == "active")))
    counts = group_counts(context)
    groups = sort_and_page(groups, data, counts)
    if not as_bool(data.get("all_fields")):
        return [group.name for group in groups]
    return [group_dict(group, counts.get(group.id, 0)) for group in groups]


@action("group_show", read_only=True)
def group_show(context: Context, data: dict) -> dict:
    """One group, with ``package_count`` of the datasets the caller may read.

    :param id: id or name
    :param include_datasets: add up to 1000 readable datasets (default false, as CKAN)
    :param include_users: add ``users`` (default true, as CKAN): always empty, as
        groups have no members here
    """
    group = _get(context, require(data, "id"))
    result = group_dict(group, group_counts(context).get(group.id, 0))
    if as_bool(data.get("include_users"), True):
        result["users"] = []
    if as_bool(data.get("include_datasets")):
        from catalog.datasets.actions import show_dataset

        datasets = context.db.scalars(
            sa.select(Dataset)
            .join(dataset_groups, dataset_groups.c.dataset_id == Dataset.id)
            .where(
                dataset_groups.c.group_id == group.id,
                Dataset.state == "active",
                visibility(context.principal).dataset_clause(),
            )
            .order_by(Dataset.name)
            .limit(1000)
        )
        result["packages"] = [show_dataset(context, dataset) for dataset in datasets]
    return result


@action("group_create")
def group_create(context: Context, data: dict) -> dict:
    """Create a group (category); sysadmins only.

    :param name: URL name (derived from ``title`` when missing)
    :param title, description, image_url: as group_show
    """
    if not can(context.principal, Action.MANAGE_GROUPS):
        raise NotAuthorized(_("Only sysadmins may manage categories"))
    group = Group()
    services.apply_group(context.db, group, data, partial=False)
    context.db.add(group)
    context.db.flush()
    return group_dict(group, 0)


def _update(context: Context, data: dict, *, partial: bool) -> dict:
    if not can(context.principal, Action.MANAGE_GROUPS):
        raise NotAuthorized(_("Only sysadmins may manage categories"))
    group = _get(context, require(data, "id", "name"))
    services.apply_group(context.db, group, data, partial=partial)
    context.db.flush()
    return group_dict(group, group_counts(context).get(group.id, 0))


@action("group_update")
def group_update(context: Context, data: dict) -> dict:
    """Replace a group's fields; sysadmins only. Its datasets stay.

    :param id: id or name
    """
    return _update(context, data, partial=False)


@action("group_patch")
def group_patch(context: Context, data: dict) -> dict:
    """Change only the given fields of a group; sysadmins only.

    :param id: id or name
    """
    return _update(context, data, partial=True)


@action("group_delete")
def group_delete(context: Context, data: dict) -> None:
    """Delete a group; sysadmins only. Its datasets stay, no longer filed under it
    (CKAN removes a deleted group's memberships too).

    :param id: id or name
    """
    group = _get_to_manage(context, require(data, "id"))
    services.delete_group(context.db, group)


@action("group_purge")
def group_purge(context: Context, data: dict) -> None:
    """Remove a group for good, deleted or not; sysadmins only. Its datasets stay.

    :param id: id or name
    """
    group = _get_to_manage(context, require(data, "id"))
    if not can(context.principal, Action.PURGE, group):
        raise NotAuthorized(_("Only sysadmins may purge categories"))
    services.purge_group(context.db, group)


@action("group_activity_list", read_only=True)
def group_activity_list(context: Context, data: dict) -> list[dict]:
    """Changes to the group's datasets the caller may read, newest first.

    :param id: id or name
    :param limit: at most this many (default 31, at most 100)
    :param offset: skip this many
    :param activity_types: only these (e.g. ["new package"])
    :param exclude_activity_types: all but these
    """
    group = _get(context, require(data, "id"))
    in_group = Dataset.id.in_(
        sa.select(dataset_groups.c.dataset_id).where(dataset_groups.c.group_id == group.id))
    return activity_list(context, in_group, data)
