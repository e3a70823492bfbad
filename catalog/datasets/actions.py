"""Dataset and resource actions (CKAN's package_* and resource_*)."""

from __future__ import annotations

import copy

import sqlalchemy as sa
from flask_babel import gettext as _

from access_control.audit import AuditEvent, record_event
from access_control.levels import AccessLevel
from access_control.policy import Action, can, visibility
from catalog.api.context import Context
from catalog.api.errors import NotAuthorized, NotFound, ValidationError
from catalog.api.registry import action
from catalog.api.validation import as_bool, as_int, as_list, require
from catalog.datasets import resource_query, revise, services
from catalog.datasets.activity import activity_list
from catalog.datasets.dictization import dataset_dict, resource_dict
from catalog.datasets.lookup import dataset_for, resource_for
from catalog.datasets.models import Dataset, Resource
from catalog.organizations.models import Organization

MAX_RESOURCE_RESULTS = 1000


def show_dataset(context: Context, dataset: Dataset) -> dict:
    """The package dict as ``context``'s principal may see it."""
    return dataset_dict(
        dataset,
        context.settings.site_url,
        shows_resource=lambda resource: can(context.principal, Action.READ, resource),
    )


@action("package_list", read_only=True)
def package_list(context: Context, data: dict) -> list[str]:
    """Names of the active open datasets, sorted, as CKAN lists its public ones.

    :param limit: at most this many names
    :param offset: skip this many
    :param include_private: add the closed datasets the caller may read (default false:
        a sync script holding a staff token copies open data unless it asks for more)
    """
    seen_by = visibility(context.principal)
    if not as_bool(data.get("include_private"), False):
        seen_by = seen_by.open_only()
    query = (
        sa.select(Dataset.name)
        .where(Dataset.state == "active", seen_by.dataset_clause())
        .order_by(Dataset.name)
    )
    if data.get("limit") not in (None, ""):
        query = query.limit(as_int(data, "limit", 0))
    query = query.offset(as_int(data, "offset", 0))
    return list(context.db.scalars(query))


@action("current_package_list_with_resources", read_only=True)
def current_package_list_with_resources(context: Context, data: dict) -> list[dict]:
    """Readable active datasets, most recently modified first, with their resources.

    :param limit: page size (default 100, at most 1000)
    :param offset: skip this many
    :param page: 1-based page number (used when given instead of offset)
    """
    limit = as_int(data, "limit", 100, minimum=1, maximum=1000)
    offset = as_int(data, "offset", 0)
    if data.get("page") not in (None, ""):
        offset = (as_int(data, "page", 1, minimum=1) - 1) * limit
    datasets = context.db.scalars(
        sa.select(Dataset)
        .where(Dataset.state == "active", visibility(context.principal).dataset_clause())
        .order_by(Dataset.modified.desc(), Dataset.name)
        .limit(limit)
        .offset(offset)
    )
    return [show_dataset(context, dataset) for dataset in datasets]


@action("package_show", read_only=True)
def package_show(context: Context, data: dict) -> dict:
    """One dataset by id or name. Reading a closed dataset is audited.

    :param id: the id or name of the dataset
    """
    reference = require(data, "id", "name_or_id")
    dataset = dataset_for(context.principal, context.db, reference, Action.READ)
    if dataset.access_level != AccessLevel.OPEN:
        record_event(context, AuditEvent.DATASET_READ, dataset=dataset)
    return show_dataset(context, dataset)


@action("package_create")
def package_create(context: Context, data: dict) -> dict:
    """Create a dataset in ``owner_org`` (editors and admins of that organization).

    Takes the fields of package_show. ``access_level`` is open, internal or restricted;
    CKAN's ``private`` alone maps true to restricted and false to open. Without either,
    the dataset is internal.
    """
    _require_create_in(context, data.get("owner_org"))
    dataset = services.create_dataset(context, data)
    return show_dataset(context, dataset)


@action("package_update")
def package_update(context: Context, data: dict) -> dict:
    """Replace a dataset, as CKAN 2.11 does: omitted fields, tags and extras are
    cleared; omitted ``groups`` or ``resources`` are kept (send ``[]`` to remove them).

    :param id: the id or name of the dataset
    """
    reference = require(data, "id", "name")
    dataset = dataset_for(context.principal, context.db, reference, Action.UPDATE)
    _check_move(context, dataset, data)
    services.update_dataset(context, dataset, data, partial=False)
    return show_dataset(context, dataset)


@action("package_patch")
def package_patch(context: Context, data: dict) -> dict:
    """Change only the given fields of a dataset.

    :param id: the id or name of the dataset
    """
    reference = require(data, "id", "name")
    dataset = dataset_for(context.principal, context.db, reference, Action.UPDATE)
    _check_move(context, dataset, data)
    services.update_dataset(context, dataset, data, partial=True)
    return show_dataset(context, dataset)


@action("package_revise")
def package_revise(context: Context, data: dict) -> dict:
    """Change a dataset selectively, if it still is as the caller expects (CKAN's
    package_revise). Returns ``{"package": the dataset}``.

    :param match: values the dataset must have now, with its ``id`` or ``name``
        (``{"name": "x", "notes": "old"}``); or flattened: ``match__name=x``
    :param filter: globs of fields to remove first: ``-resources__1``, ``+title``,
        ``-*`` (the first glob naming a field wins)
    :param update: values to set (dicts merged, lists item by item); or flattened:
        ``update__notes``, ``update__resources__0__name``, ``update__resources__1f9ab``
        (a resource by the first 5+ characters of its id), ``update__resources__extend``
        (append resources); ``update__resources__-1__upload`` attaches a file
    :param include: globs selecting what is returned (``-*`` for nothing)
    """
    match = revise.json_or_string(data.get("match")) or {}
    if not isinstance(match, dict):
        raise ValidationError({"match": [_("Must be an object")]})
    flat_match = revise.flattened(data, "match")
    reference = (flat_match.get("id") or match.get("id") or flat_match.get("name")
                 or match.get("name"))
    if not reference:
        raise ValidationError({"match__id": [_("Missing value")]})
    dataset = dataset_for(context.principal, context.db, str(reference), Action.UPDATE)
    original = show_dataset(context, dataset)
    try:
        differing = revise.unmatched(original, match) + [
            path for key, value in sorted(flat_match.items())
            for path in revise.unmatched_at(original, key, value)]
    except revise.RevisionError as error:
        raise ValidationError({"match": [str(error)]}) from None
    if differing:
        raise ValidationError({"match": ["__".join(str(part) for part in path)
                                         for path in differing]})
    revised = _revised(original, data)
    revised["id"] = dataset.id  # the dataset matched is the one changed, whatever the update
    _check_move(context, dataset, revised)
    services.update_dataset(context, dataset, revised, partial=False)
    body = {"package": show_dataset(context, dataset)}
    if "include" in data:
        revise.remove_matching(body, revise.as_patterns(data["include"]))
    return body


def _revised(original: dict, data: dict) -> dict:
    """``original`` after package_revise's ``filter`` and ``update`` parameters."""
    revised = copy.deepcopy(original)
    if "filter" in data:
        revise.remove_matching(revised, revise.as_patterns(data["filter"]))
    update = revise.json_or_string(data.get("update"))
    try:
        if update not in (None, ""):
            revise.merge(revised, update)
    except revise.RevisionError as error:
        raise ValidationError({"update": [str(error)]}) from None
    # Appended resources first, so that files may be attached to them in the same call.
    flat = sorted(revise.flattened(data, "update").items(),
                  key=lambda item: (not item[0].endswith("extend"), item[0]))
    for key, value in flat:
        try:
            revise.merge_at(revised, key, value)
        except revise.RevisionError as error:
            raise ValidationError({f"update__{key}": [str(error)]}) from None
    return revised


@action("package_owner_org_update")
def package_owner_org_update(context: Context, data: dict) -> None:
    """Move a dataset to another organization. Needs the right to take it out of its
    own (its organization's editors and admins; not an edit grant) and to create
    datasets in the target.

    :param id: the id or name of the dataset
    :param organization_id: the id or name of the target organization
    """
    dataset = dataset_for(context.principal, context.db, require(data, "id"), Action.UPDATE)
    target = str(require(data, "organization_id"))
    _check_move(context, dataset, {"owner_org": target})
    services.update_dataset(context, dataset, {"owner_org": target}, partial=True)


@action("package_delete")
def package_delete(context: Context, data: dict) -> None:
    """Delete a dataset (it can be restored by a sysadmin).

    :param id: the id or name of the dataset
    """
    dataset = dataset_for(context.principal, context.db, require(data, "id"), Action.DELETE)
    services.delete_dataset(context, dataset)


@action("dataset_purge")
def dataset_purge(context: Context, data: dict) -> None:
    """Remove a dataset, its history and its files for good (sysadmins only).

    :param id: the id or name of the dataset
    """
    dataset = dataset_for(context.principal, context.db, require(data, "id"), Action.PURGE)
    services.purge_dataset(context, dataset)


@action("package_activity_list", read_only=True)
def package_activity_list(context: Context, data: dict) -> list[dict]:
    """The change history of a dataset, newest first, without what the caller could not
    have read when it was recorded (see :mod:`catalog.datasets.activity`).

    :param id: the id or name of the dataset
    :param limit: at most this many (default 31, at most 100)
    :param offset: skip this many
    :param activity_types: only these (e.g. ["changed package"])
    :param exclude_activity_types: all but these
    """
    dataset = dataset_for(context.principal, context.db, require(data, "id"), Action.READ)
    return activity_list(context, Dataset.id == dataset.id, data)


@action("resource_create")
def resource_create(context: Context, data: dict) -> dict:
    """Add a resource to a dataset: a link (``url``) or a file (multipart ``upload``).

    :param package_id: the id or name of the dataset
    """
    dataset = dataset_for(context.principal, context.db, require(data, "package_id"),
                          Action.UPDATE)
    resource = services.create_resource(context, dataset, data)
    return resource_dict(resource, context.settings.site_url)


@action("resource_show", read_only=True)
def resource_show(context: Context, data: dict) -> dict:
    """One resource.

    :param id: the resource id
    """
    resource = resource_for(context.principal, context.db, require(data, "id"), Action.READ)
    return resource_dict(resource, context.settings.site_url)


@action("resource_search", read_only=True)
def resource_search(context: Context, data: dict) -> dict:
    """Resources matching every ``field:term`` criterion: ``{"count": n, "results":
    [resource dicts]}``. Terms match anywhere in the field ignoring case (``hash``: from
    its start); a field that is not a resource column is looked up in its extras.

    :param query: a ``field:term`` string or a list of them (``name:人口``, ``format:csv``)
    :param order_by: a resource field to sort by (ascending)
    :param offset: skip this many
    :param limit: at most this many (default and maximum 1000)
    :param include_private: add the resources of closed datasets the caller may read
        (default false: CKAN searches the resources of public datasets only)
    """
    seen_by = visibility(context.principal)
    if not as_bool(data.get("include_private"), False):
        seen_by = seen_by.open_only()
    matching = (
        sa.select(Resource)
        .join(Dataset, Dataset.id == Resource.dataset_id)
        .where(Dataset.state == "active", seen_by.resource_clause(),
               *resource_query.criteria(data.get("query")))
    )
    count = context.db.scalar(sa.select(sa.func.count()).select_from(matching.subquery()))
    limit = min(as_int(data, "limit", MAX_RESOURCE_RESULTS), MAX_RESOURCE_RESULTS)
    resources = context.db.scalars(
        matching.order_by(*resource_query.ordering(data.get("order_by")))
        .offset(as_int(data, "offset", 0)).limit(limit))
    return {"count": count,
            "results": [resource_dict(resource, context.settings.site_url)
                        for resource in resources]}


@action("resource_update")
def resource_update(context: Context, data: dict) -> dict:
    """Replace a resource's fields (a new ``upload`` replaces its file).

    :param id: the resource id
    """
    resource = resource_for(context.principal, context.db, require(data, "id"), Action.UPDATE)
    services.update_resource(context, resource, data, partial=False)
    return resource_dict(resource, context.settings.site_url)


@action("resource_patch")
def resource_patch(context: Context, data: dict) -> dict:
    """Change only the given fields of a resource.

    :param id: the resource id
    """
    resource = resource_for(context.principal, context.db, require(data, "id"), Action.UPDATE)
    services.update_resource(context, resource, data, partial=True)
    return resource_dict(resource, context.settings.site_url)


@action("package_resource_reorder")
def package_resource_reorder(context: Context, data: dict) -> dict:
    """Put a dataset's resources in a new order: those named in ``order`` first, the
    rest after them as they were (CKAN's package_resource_reorder).

    :param id: the id or name of the dataset
    :param order: resource ids (a list), at least those to move to the front
    """
    dataset = dataset_for(context.principal, context.db, require(data, "id"), Action.UPDATE)
    order = as_list(require(data, "order"), "order")
    if len(set(map(str, order))) != len(order):
        raise ValidationError({"order": [_("Must supply unique resource ids")]})
    shown = show_dataset(context, dataset)
    remaining = {resource["id"]: resource for resource in shown["resources"]}
    moved = []
    for resource_id in map(str, order):
        if resource_id not in remaining:
            raise ValidationError({"order": [_("Resource %(id)s is not in this dataset",
                                               id=resource_id[:100])]})
        moved.append(remaining.pop(resource_id))
    resources = moved + list(remaining.values())
    services.update_dataset(context, dataset, {"resources": resources}, partial=True)
    return {"id": dataset.id, "order": [resource["id"] for resource in resources]}


@action("resource_delete")
def resource_delete(context: Context, data: dict) -> None:
    """Delete a resource and its file.

    :param id: the resource id
    """
    resource = resource_for(context.principal, context.db, require(data, "id"), Action.UPDATE)
    services.delete_resource(context, resource)


def _require_create_in(context: Context, reference) -> None:
    if not can(context.principal, Action.CREATE_DATASET):
        raise NotAuthorized(_("You are not allowed to create datasets"))
    if not reference:
        raise ValidationError({"owner_org": [_("Missing value")]})
    organization = context.db.scalar(
        sa.select(Organization).where(
            sa.or_(Organization.id == reference, Organization.name == reference)
        )
    )
    if organization is None:
        raise NotFound(_("Organization not found"))
    if not can(context.principal, Action.CREATE_DATASET, organization):
        raise NotAuthorized(
            _("You are not allowed to create datasets in organization %(name)s",
              name=organization.name)
        )


def _check_move(context: Context, dataset: Dataset, data: dict) -> None:
    """Moving a dataset to another organization needs the right to take it out of its
    own (not an edit grant: the holder could then delete it, or open it, in theirs) and
    the right to create datasets in the target."""
    target = data.get("owner_org")
    if target and not isinstance(target, str):
        raise ValidationError({"owner_org": [_("Organization does not exist")]})
    if target and target not in (dataset.owner_org_id, dataset.organization.name):
        if not can(context.principal, Action.MOVE, dataset):
            raise NotAuthorized(_("Only editors and administrators of the dataset's "
                                  "organization may move it to another organization"))
        _require_create_in(context, target)
