"""Activity streams: the change history (revisions) of datasets, newest first, as CKAN's
package_activity_list, organization_activity_list and group_activity_list give it.

Only datasets are recorded here (organizations and groups keep no history of their
own), so an organization's or group's stream is that of the datasets it owns, or holds,
now: as CKAN selects them. Every stream hides what the caller could not have read when
it was recorded: a title given while a dataset was closed, a closed resource.
"""

from __future__ import annotations

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
    :param data: ``limit``, ``offset``, ``activity_types`` or ``exclude_activity_types``
    """
    limit = as_int(data, "limit", DEFAULT_LIMIT, minimum=1, maximum=MAX_LIMIT)
    offset = as_int(data, "offset", 0)
    query = (
        sa.select(DatasetRevision, Dataset)
        .join(Dataset, Dataset.id == DatasetRevision.dataset_id)
        # The policy's SQL form first, so closed datasets never leave the database;
        # the per-row check below adds what SQL cannot say (states, past levels).
        .where(in_scope, visibility(context.principal).dataset_clause())
        .order_by(DatasetRevision.created.desc(), DatasetRevision.revision.desc(),
                  DatasetRevision.id.desc())
    )
    query = _filter_types(query, data)
    shown: list[dict] = []
    skipped = 0
    position = 0
    while len(shown) < limit:
        rows = context.db.execute(query.limit(BATCH).offset(position)).all()
        for revision, dataset in rows:
            if not _may_see(context, dataset, revision):
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
    return shown


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


def _may_see(context: Context, dataset: Dataset, revision: DatasetRevision) -> bool:
    """Whether the caller may read the dataset now (deleted and draft ones only for its
    editors) and could have read it as this revision recorded it: a title given while
    the dataset was still closed stays hidden from the public once it is opened."""
    if not can(context.principal, Action.READ, dataset):
        return False
    level_then = revision.data.get("access_level") or dataset.access_level
    return visibility(context.principal).allows(level_then, dataset.owner_org_id, dataset.id)


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
