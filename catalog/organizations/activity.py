"""Activity streams of organizations and groups: the change history (revisions) of the
datasets in them, newest first, as CKAN's organization_activity_list and
group_activity_list give it.

Only datasets are recorded here (organizations and groups keep no history of their
own), so the stream is that of the datasets the organization owns, or the group holds,
now: as CKAN selects them.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import gettext as _

from access_control.policy import Action, can, visibility
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

    :param in_scope: SQL condition over ``datasets`` (the organization's or group's)
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
        .order_by(DatasetRevision.created.desc(), DatasetRevision.id.desc())
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
    """One activity, shaped as package_activity_list's, resources the caller may not
    read left out of its snapshot."""
    # The resource rule lives with package_activity_list; reuse it rather than restate it.
    from catalog.datasets.actions import _without_hidden_resources

    return {
        "id": revision.id,
        "revision": revision.revision,
        "timestamp": revision.created.isoformat(),
        "activity_type": revision.activity_type,
        "user_id": revision.user_id,
        "object_id": dataset.id,
        "data": {"package": _without_hidden_resources(context, dataset, revision.data)},
    }
