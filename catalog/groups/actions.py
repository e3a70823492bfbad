"""Group (category) actions: group_list, group_show, group_create, group_update."""

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
from catalog.datasets.schema import Errors
from catalog.groups.dictization import group_dict
from catalog.groups.models import Group
from catalog.slugs import is_valid_name, slugify, unique_name


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
    group = context.db.scalar(
        sa.select(Group).where(
            sa.or_(Group.id == str(reference), Group.name == str(reference)),
            Group.state == "active",
        )
    )
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
    :param include_datasets: add up to 1000 readable datasets (default false)
    """
    group = _get(context, require(data, "id"))
    result = group_dict(group, group_counts(context).get(group.id, 0))
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


def _apply(context: Context, group: Group, data: dict, partial: bool) -> None:
    errors = Errors()
    if not partial or "name" in data:
        name = str(data.get("name") or "").strip() or group.name or unique_name(
            context.db, Group.__table__.c.name, slugify(str(data.get("title") or ""), "group")
        )
        if not is_valid_name(name):
            errors.add("name", _("Must be 2-100 lowercase letters, digits, - or _ "
                                 "(and not only symbols)"))
        taken = context.db.scalar(sa.select(Group).where(Group.name == name))
        if taken is not None and taken is not group:
            errors.add("name", _("Group name already exists in database"))
        group.name = name
    for key in ("title", "description", "image_url"):
        if not partial or key in data:
            setattr(group, key, str(data.get(key) or "").strip())
    errors.raise_if_any()


@action("group_create")
def group_create(context: Context, data: dict) -> dict:
    """Create a group (category); sysadmins only.

    :param name: URL name (derived from ``title`` when missing)
    :param title, description, image_url: as group_show
    """
    if not can(context.principal, Action.MANAGE_GROUPS):
        raise NotAuthorized(_("Only sysadmins may manage categories"))
    group = Group()
    _apply(context, group, data, partial=False)
    context.db.add(group)
    context.db.flush()
    return group_dict(group, 0)


@action("group_update")
def group_update(context: Context, data: dict) -> dict:
    """Replace a group's fields; sysadmins only.

    :param id: id or name
    """
    if not can(context.principal, Action.MANAGE_GROUPS):
        raise NotAuthorized(_("Only sysadmins may manage categories"))
    group = _get(context, require(data, "id", "name"))
    _apply(context, group, data, partial=False)
    context.db.flush()
    return group_dict(group, group_counts(context).get(group.id, 0))
