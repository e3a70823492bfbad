"""Activity streams: the change history (revisions) of datasets, newest first, as CKAN's
package_activity_list, organization_activity_list and group_activity_list give it.

Only datasets are recorded here (organizations and groups keep no history of their
own), so an organization's or group's stream is that of the datasets it owns, or holds,
now: as CKAN selects them. Every stream hides what the caller could not have read when
it was recorded: a title given while a dataset was closed, a closed resource.
"""

from __future__ import annotations

from datetime import datetime, timezone

import sqlalchemy as sa
from flask_babel import gettext as _

from access_control.policy import Action, can, can_read_resource_level, visibility
from catalog.api.context import Context
from catalog.api.errors import ValidationError
from catalog.api.validation import as_int, as_list
from catalog.datasets.models import Dataset, DatasetRevision

DEFAULT_LIMIT = 31  # CKAN's ckan.activity_list_limit
MAX_LIMIT = 100  # CKAN's ckan.activity_list_limit_max
# Revisions read per query while skipping those the caller may not see.
BATCH = 200


def activity_list(context: Context, in_scope: sa.ColumnElement[bool], data: dict) -> list[dict]:
    """The revisions of the datasets selected by ``in_scope`` that the caller may see.

    :param in_scope: SQL condition over ``datasets`` (one dataset, an organization's, a
        group's)
    :param data: ``limit`` (more than the maximum gives the maximum, as in CKAN),
        ``offset``, ``activity_types`` or ``exclude_activity_types``, ``before`` or
        ``after`` (Unix timestamps: only activities older, or newer, than that; with
        ``after`` alone, the oldest of those come first, as CKAN pages forward)
    """
    limit = min(as_int(data, "limit", DEFAULT_LIMIT, minimum=1), MAX_LIMIT)
    offset = as_int(data, "offset", 0)
    seen_by = visibility(context.principal)
    query = (
        sa.select(DatasetRevision, Dataset)
        .join(Dataset, Dataset.id == DatasetRevision.dataset_id)
        # The policy's SQL form first, so closed datasets never leave the database;
        # the per-row check below adds what SQL cannot say (states, past levels).
        .where(in_scope, seen_by.dataset_clause())
    )
    query, forward = _filter_time(query, data)
    order = (DatasetRevision.created, DatasetRevision.revision, DatasetRevision.id)
    query = query.order_by(*(column.asc() if forward else column.desc() for column in order))
    query = _filter_types(query, data)
    shown: list[dict] = []
    skipped = 0
    position = 0
    while len(shown) < limit:
        rows = context.db.execute(query.limit(BATCH).offset(position)).all()
        for revision, dataset in rows:
            if not _may_see(context, seen_by, dataset, revision):
                continue
            if skipped < offset:
                skipped += 1
                continue
            shown.append(_activity_dict(context, dataset, revision))
            if len(shown) == limit:
                break
        if len(rows) < BATCH:
            break
        position += BATCH
    return shown[::-1] if forward else shown  # newest first, as every page is


def _filter_time(query: sa.Select, data: dict) -> tuple[sa.Select, bool]:
    """``before``/``after`` applied; whether to read forward (``after`` alone)."""
    bounds = {}
    for key in ("before", "after"):
        if data.get(key) not in (None, ""):
            try:
                bounds[key] = datetime.fromtimestamp(float(data[key]), timezone.utc)
            except (TypeError, ValueError, OverflowError, OSError):
                raise ValidationError({key: [_("Must be a Unix timestamp")]}) from None
    if "before" in bounds:
        query = query.where(DatasetRevision.created < _stored(bounds["before"]))
    if "after" in bounds:
        query = query.where(DatasetRevision.created > _stored(bounds["after"]))
    return query, "after" in bounds and "before" not in bounds


def _stored(moment: datetime) -> datetime:
    """``moment`` as revision times are stored (naive UTC)."""
    return moment.replace(tzinfo=None)


def _filter_types(query: sa.Select, data: dict) -> sa.Select:
    wanted = as_list(data.get("activity_types"), "activity_types")
    unwanted = as_list(data.get("exclude_activity_types"), "exclude_activity_types")
    if wanted and unwanted:
        raise ValidationError({"activity_types": [
            _("Cannot be used together with exclude_activity_types")]})
    if wanted:
        query = query.where(DatasetRevision.activity_type.in_([str(t) for t in wanted]))
    if unwanted:
        query = query.where(DatasetRevision.activity_type.not_in([str(t) for t in unwanted]))
    return query


def _may_see(context: Context, seen_by, dataset: Dataset, revision: DatasetRevision) -> bool:
    """Whether the caller may read the dataset now (deleted and draft ones only for its
    editors) and could have read it as this revision recorded it: a title given while
    the dataset was closed, a draft, or in another organization stays hidden once it is
    opened, published or moved."""
    if not can(context.principal, Action.READ, dataset):
        return False
    then = revision.data
    if then.get("state", "active") != "active" and not can(context.principal, Action.UPDATE, dataset):
        return False
    return seen_by.allows(then.get("access_level") or dataset.access_level,
                          then.get("owner_org") or dataset.owner_org_id, dataset.id)


def _activity_dict(context: Context, dataset: Dataset, revision: DatasetRevision) -> dict:
    """One activity, CKAN's shape, resources the caller may not read left out of its
    snapshot."""
    return {
        "id": revision.id,
        "revision": revision.revision,
        "timestamp": revision.created.isoformat(),
        "activity_type": revision.activity_type,
        "user_id": revision.user_id,
        "object_id": dataset.id,
        "data": {"package": _without_hidden_resources(context, dataset, revision.data)},
    }


def _without_hidden_resources(context: Context, dataset: Dataset, snapshot: dict) -> dict:
    """A revision's snapshot without the resources the caller may not read, judged by the
    level each resource had then (resources since deleted included)."""
    resources = [
        resource
        for resource in snapshot.get("resources", [])
        if can_read_resource_level(context.principal, dataset, resource.get("access_level"))
    ]
    return {**snapshot, "resources": resources, "num_resources": len(resources)}
