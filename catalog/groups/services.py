"""Creating, changing, deleting and purging groups (categories), and filing datasets
under them. Callers check permission and commit; these functions only flush."""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import Session

from catalog.api.context import Context
from catalog.api.validation import as_list
from catalog.datasets.models import Dataset, dataset_groups
from catalog.datasets.schema import Errors
from catalog.groups.models import Group
from catalog.search import mark_stale
from catalog.slugs import is_valid_name, slugify, unique_name

TEXT_FIELDS = {"title": 300, "description": 100_000, "image_url": 1000}


def find_group(db: Session, reference, *, include_deleted: bool = False) -> Group | None:
    """The group with this id or name (active ones only unless ``include_deleted``)."""
    if not reference:
        return None
    query = sa.select(Group).where(sa.or_(Group.id == str(reference), Group.name == str(reference)))
    if not include_deleted:
        query = query.where(Group.state == "active")
    return db.scalar(query)


def apply_group(db: Session, group: Group, data: dict, *, partial: bool) -> None:
    """Set name, title, description, image_url, extras and ``state=active`` (a restore)
    from ``data`` (only the keys given when ``partial``, as group_patch)."""
    errors = Errors()
    given = (lambda key: key in data) if partial else (lambda key: True)
    if given("name") or not group.name:
        name = str(data.get("name") or "").strip() or group.name or unique_name(
            db, Group.__table__.c.name, slugify(str(data.get("title") or ""), "group")
        )
        if not is_valid_name(name):
            errors.add("name", _("Must be 2-100 lowercase letters, digits, - or _ "
                                 "(and not only symbols)"))
        taken = db.scalar(sa.select(Group).where(Group.name == name))
        if taken is not None and taken is not group:
            errors.add("name", _("Group name already exists in database"))
        group.name = name
    for key, text in errors.texts(data, TEXT_FIELDS, given).items():
        setattr(group, key, text)
    # A full update without extras keeps them: clients that never knew of group extras
    # (the form, older scripts) must not wipe them.
    if "extras" in data:
        group.extras = {
            str(item["key"]): str(item.get("value") or "")
            for item in as_list(data.get("extras"), "extras")
            if isinstance(item, dict) and item.get("key")
        }
    # ``state=active`` restores a deleted group (its datasets are not filed again, as in
    # CKAN); deleting goes through group_delete, which takes its datasets out.
    if data.get("state") == "active":
        group.state = "active"
    elif data.get("state") not in (None, "", group.state):
        errors.add("state", _("Use group_delete to delete a category"))
    errors.raise_if_any()


def dataset_ids_in(db: Session, group: Group) -> list[str]:
    """Ids of every dataset filed under ``group``, whatever its state or level (for
    upkeep only: never show this list to a caller)."""
    return list(db.scalars(
        sa.select(dataset_groups.c.dataset_id).where(dataset_groups.c.group_id == group.id)
    ))


def _unfile_all(db: Session, group: Group) -> None:
    """Take every dataset out of ``group`` and queue them for re-indexing (their
    ``groups`` facet changes)."""
    db.flush()  # pending changes would be lost to expire_all below
    dataset_ids = dataset_ids_in(db, group)
    db.execute(sa.delete(dataset_groups).where(dataset_groups.c.group_id == group.id))
    for dataset_id in dataset_ids:
        mark_stale(db, dataset_id)
    db.expire_all()  # loaded datasets still list the group in their collections


def delete_group(db: Session, group: Group) -> None:
    """Mark ``group`` deleted and take its datasets out of it, as CKAN's group_delete
    removes the group's memberships (restoring the group does not bring them back)."""
    _unfile_all(db, group)
    group.state = "deleted"
    db.flush()


def purge_group(db: Session, group: Group) -> None:
    """Remove ``group`` for good; its datasets stay, no longer filed under it."""
    _unfile_all(db, group)
    db.delete(group)
    db.flush()


def file_dataset(context: Context, dataset: Dataset, group: Group, *, filed: bool) -> None:
    """Put ``dataset`` under ``group`` (``filed``) or take it out, as a package_patch of
    its ``groups`` would: a revision is recorded and the search index updated."""
    from catalog.datasets.services import update_dataset

    current = [member.id for member in dataset.groups]
    wanted = [group_id for group_id in current if group_id != group.id]
    if filed:
        wanted.append(group.id)
    if sorted(wanted) == sorted(current):
        return  # CKAN answers the same for a membership that already is (or is not)
    update_dataset(context, dataset, {"groups": [{"id": group_id} for group_id in wanted]},
                   partial=True)
