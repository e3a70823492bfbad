"""Changing datasets and resources. Callers check permissions first (with
:func:`access_control.policy.can`) and commit afterwards; these functions only flush.

One check is made here, as only the parsed input tells: a change to who may see the
data (a level, the legal basis) needs ``Action.CHANGE_ACCESS``, which an edit grant does
not give. Sending back the level and legal basis one was shown changes nothing."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import sqlalchemy as sa
from flask_babel import gettext as _
from werkzeug.datastructures import FileStorage

from access_control.audit import AuditEvent, record_event
from access_control.legal_basis import FIELDS as CLOSURE_FIELDS
from access_control.legal_basis import normalise as normalise_legal_basis
from access_control.levels import AccessLevel
from access_control.policy import Action, can
from catalog.api.context import Context
from catalog.api.errors import NotAuthorized, ValidationError
from catalog.api.validation import LARGEST_INT, as_bool
from catalog.datasets.dictization import resource_url
from catalog.datasets.models import Dataset, Resource, Tag
from catalog.datasets.revisions import RevisionKind, record_revision
from catalog.datasets.schema import (
    Errors,
    canonical_format,
    parse_access_level_for_resource,
    parse_dataset,
)
from catalog.db import new_id, utcnow
from catalog.search import mark_stale
from catalog.slugs import slugify, unique_name
from catalog.storage import (
    FileTooLarge,
    SizeLimitedStream,
    delete_after_commit,
    file_store,
    human_size,
    track_new_file,
)

RESOURCE_TEXT_FIELDS = {"name": 500, "description": 100_000, "mimetype": 200}
RESOURCE_KEYS = {
    "id", "package_id", "url", "url_type", "name", "description", "format", "mimetype",
    "size", "hash", "position", "access_level", "datastore_active", "state", "created",
    "last_modified", "metadata_modified", "upload", "clear_upload", "cache_url",
    "cache_last_updated", "resource_type", "mimetype_inner", "tracking_summary",
}


def create_dataset(context: Context, data: dict) -> Dataset:
    """Create a dataset (package_create), with its resources."""
    parsed = parse_dataset(context.db, data, None, partial=False,
                           by_person=not context.principal.is_system)
    dataset = Dataset(
        id=_new_or_given_id(context, data.get("id")),
        owner_org_id=parsed.organization.id,
        creator_user_id=context.principal.user_id,
    )
    columns = dict(parsed.columns)
    if not columns.get("name"):
        base = slugify(columns.get("title", ""))
        columns["name"] = unique_name(context.db, Dataset.__table__.c.name, base)
    for key, value in columns.items():
        setattr(dataset, key, value)
    context.db.add(dataset)
    _apply_collections(context, dataset, parsed)
    record_revision(context.db, dataset, RevisionKind.NEW, context.principal.user_id,
                    context.settings.site_url)
    if dataset.access_level != AccessLevel.OPEN:
        _audit_level_change(context, dataset, None, None)
    mark_stale(context.db, dataset.id)
    return dataset


def update_dataset(context: Context, dataset: Dataset, data: dict, *, partial: bool) -> Dataset:
    """package_update (full replace of the given fields, CKAN semantics) or package_patch."""
    parsed = parse_dataset(context.db, data, dataset, partial=partial,
                           by_person=not context.principal.is_system)
    if _changes_access(dataset, parsed.columns):
        _require_change_access(context, dataset)
    if parsed.columns.get("state", dataset.state) != dataset.state:
        # Publishing a draft, making one, or restoring a deleted dataset decides who
        # sees it at all: the right to delete it, which an edit grant does not give.
        if not can(context.principal, Action.DELETE, dataset):
            raise NotAuthorized(_("Only editors and administrators of the dataset's "
                                  "organization may publish, hide or restore it"))
    previous_level = dataset.access_level
    for key, value in parsed.columns.items():
        setattr(dataset, key, value)
    if parsed.organization is not None:
        dataset.owner_org_id = parsed.organization.id
    _apply_collections(context, dataset, parsed)
    if record_revision(context.db, dataset, RevisionKind.CHANGED, context.principal.user_id,
                       context.settings.site_url):
        mark_stale(context.db, dataset.id)
    if dataset.access_level != previous_level:
        _audit_level_change(context, dataset, None, previous_level)
    return dataset


def _changes_access(dataset: Dataset, columns: dict[str, Any]) -> bool:
    """Whether the parsed ``columns`` change the dataset's level or its legal basis, note
    included (the basis compared in its stored form, so a code or another spelling of the
    same law is no change)."""
    for key in ("access_level", *CLOSURE_FIELDS):
        if key not in columns:
            continue
        current, given = getattr(dataset, key) or "", columns[key] or ""
        if key == "legal_basis":
            current, given = normalise_legal_basis(current), normalise_legal_basis(given)
        if given != current:
            return True
    return False


def _require_change_access(context: Context, dataset: Dataset) -> None:
    if not can(context.principal, Action.CHANGE_ACCESS, dataset):
        raise NotAuthorized(_("Only editors and administrators of the dataset's organization "
                              "may change who may see it (access levels and legal basis)"))


def _opens(previous: str | None, level: str | None) -> bool:
    """Whether a resource's own level going from ``previous`` to ``level`` (``None``:
    it follows its dataset) could let anyone see it who could not: dropping the level
    (the resource would open with its dataset) or making it less strict. Making it
    stricter is left to whoever edits the resource (a grant holder adding a sensitive
    file must be able to keep it closed; they could delete the file anyway)."""
    if previous is None or level == previous:
        return False
    return level is None or not AccessLevel(level).at_least_as_strict_as(AccessLevel(previous))


def _audit_level_change(context: Context, dataset: Dataset, resource: Resource | None,
                        previous: str | None) -> None:
    """Audit a dataset's (or one resource's own) access level being set or changed."""
    level = resource.access_level if resource is not None else dataset.access_level
    record_event(context, AuditEvent.ACCESS_LEVEL_CHANGED, dataset=dataset, resource=resource,
                 details={"from": previous, "to": level, "legal_basis": dataset.legal_basis})


def delete_dataset(context: Context, dataset: Dataset) -> None:
    """Soft delete (package_delete): the dataset leaves every listing but can be restored."""
    dataset.state = "deleted"
    record_revision(context.db, dataset, RevisionKind.DELETED, context.principal.user_id,
                    context.settings.site_url)
    mark_stale(context.db, dataset.id)


def purge_dataset(context: Context, dataset: Dataset) -> None:
    """Remove the dataset, its history and its files for good (dataset_purge)."""
    store = file_store()
    for resource in dataset.resources:
        if resource.storage_key:
            delete_after_commit(context.db, store, resource.storage_key)
    dataset_id = dataset.id
    context.db.delete(dataset)
    context.db.flush()
    mark_stale(context.db, dataset_id)


def _new_or_given_id(context: Context, given: Any) -> str:
    """Keep a given id (ckanapi load, harvests) unless it is taken."""
    if given and isinstance(given, str) and len(given) <= 36:
        if context.db.get(Dataset, given) is None:
            return given
    return new_id()


def _apply_collections(context: Context, dataset: Dataset, parsed) -> None:
    if parsed.tags is not None:
        dataset.tags = [_tag(context, name) for name in parsed.tags]
    if parsed.groups is not None:
        dataset.groups = parsed.groups
    if parsed.extras is not None:
        dataset.extras = parsed.extras
    if parsed.resources is not None:
        _replace_resources(context, dataset, parsed.resources)


def _tag(context: Context, name: str) -> Tag:
    tag = context.db.scalar(sa.select(Tag).where(Tag.name == name))
    if tag is None:
        tag = Tag(name=name)
        context.db.add(tag)
    return tag


def _replace_resources(context: Context, dataset: Dataset, items: list[dict]) -> None:
    """Make the dataset's resources those of ``items`` (matched by id), in that order.

    Resources the caller may not read are not in what they were shown, so they are kept
    as they are rather than deleted.
    """
    existing = {resource.id: resource for resource in dataset.resources}
    hidden = [r for r in dataset.resources if not can(context.principal, Action.READ, r)]
    errors = Errors()
    kept: list[Resource] = []
    for position, item in enumerate(items):
        resource = existing.get(item.get("id") or "")
        if resource is None or resource in hidden:
            resource = Resource(id=new_id(), dataset=dataset)
            context.db.add(resource)
        _apply_resource(context, resource, dataset, item, partial=False, errors=errors,
                        key=f"resources.{position}")
        kept.append(resource)
    errors.raise_if_any()
    for resource in existing.values():
        if resource not in kept and resource not in hidden:
            _remove_resource(context, resource)
    for position, resource in enumerate(kept + hidden):
        resource.position = position


def create_resource(context: Context, dataset: Dataset, data: dict) -> Resource:
    """Add a resource (resource_create), uploading ``data["upload"]`` if given."""
    errors = Errors()
    resource = Resource(id=new_id(), dataset=dataset, position=len(dataset.resources))
    context.db.add(resource)
    _apply_resource(context, resource, dataset, data, partial=False, errors=errors)
    errors.raise_if_any()
    record_revision(context.db, dataset, RevisionKind.CHANGED, context.principal.user_id,
                    context.settings.site_url)
    mark_stale(context.db, dataset.id)
    return resource


def update_resource(context: Context, resource: Resource, data: dict, *, partial: bool) -> Resource:
    """resource_update (replace) or resource_patch (only the given fields)."""
    errors = Errors()
    _apply_resource(context, resource, resource.dataset, data, partial=partial, errors=errors)
    errors.raise_if_any()
    if record_revision(context.db, resource.dataset, RevisionKind.CHANGED,
                       context.principal.user_id, context.settings.site_url):
        mark_stale(context.db, resource.dataset_id)
    return resource


def delete_resource(context: Context, resource: Resource) -> None:
    dataset = resource.dataset
    _remove_resource(context, resource)
    for position, remaining in enumerate(r for r in dataset.resources if r is not resource):
        remaining.position = position
    record_revision(context.db, dataset, RevisionKind.CHANGED, context.principal.user_id,
                    context.settings.site_url)
    mark_stale(context.db, dataset.id)


def _remove_resource(context: Context, resource: Resource) -> None:
    if resource.storage_key:
        delete_after_commit(context.db, file_store(), resource.storage_key)
    resource.dataset.resources.remove(resource)
    context.db.delete(resource)


def _apply_resource(
    context: Context,
    resource: Resource,
    dataset: Dataset,
    data: dict,
    *,
    partial: bool,
    errors: Errors,
    key: str = "",
) -> None:
    """Set a resource's fields from ``data``; store an uploaded file."""
    prefix = f"{key}." if key else ""
    given = (lambda name: name in data) if partial else (lambda name: True)
    previous_level = resource.access_level
    for name, text in errors.texts(data, RESOURCE_TEXT_FIELDS, given, prefix).items():
        setattr(resource, name, text)
    if given("access_level"):
        level_errors = Errors()
        level = parse_access_level_for_resource(data.get("access_level"), dataset.access_level,
                                                level_errors)
        for field_name, messages in level_errors.by_field.items():
            for message in messages:
                errors.add(field_name, message)
        if not level_errors.by_field and _opens(previous_level, level):
            _require_change_access(context, dataset)
        resource.access_level = level
    if resource.access_level and not AccessLevel(resource.access_level).at_least_as_strict_as(
        AccessLevel(dataset.access_level)
    ):
        resource.access_level = None  # the dataset became stricter: the resource follows it
    upload = data.get("upload")
    if isinstance(upload, FileStorage) and upload.filename:
        _store_upload(context, resource, dataset, upload)
    elif resource.url_type == "upload" and (as_bool(data.get("clear_upload"))
                                            or _names_another_file(context, resource, data)):
        delete_after_commit(context.db, file_store(), resource.storage_key)
        resource.storage_key, resource.url_type = "", ""
        resource.extras = {k: v for k, v in resource.extras.items() if k != "filename"}
    if resource.url_type != "upload" and given("url"):
        url = str(data.get("url") or "").strip()
        if len(url) > 2000:
            errors.add(prefix + "url", _("Must be at most %(n)s characters", n=2000))
        # A DataStore resource (its table pushed through the API) stays one when what
        # resource_show gave is sent back; any other URL is a link.
        kind = data.get("url_type", resource.url_type if partial else "")
        resource.url, resource.url_type = url, "datastore" if kind == "datastore" else ""
    if given("format") or not resource.format:
        filename = resource.extras.get("filename") or resource.url
        resource.format = canonical_format(data.get("format"), filename)
    if resource.url_type != "upload":
        if given("size"):
            resource.size = _as_size(data.get("size"), prefix, errors)
        if given("hash"):
            resource.hash = str(data.get("hash") or "")[:100]
    if given("extras") or not partial:
        extras = {k: v for k, v in data.items() if k not in RESOURCE_KEYS and _is_scalar(v)}
        keep = {k: v for k, v in resource.extras.items() if k == "filename"}
        resource.extras = {**(resource.extras if partial else {}), **extras, **keep}
    if resource in context.db.new or context.db.is_modified(resource):
        resource.metadata_modified = utcnow()
    if resource.access_level != previous_level:
        _audit_level_change(context, dataset, resource, previous_level)


def _names_another_file(context: Context, resource: Resource, data: dict) -> bool:
    """Whether ``data`` turns an uploaded resource into a link: it gives a ``url`` that is
    not the upload's own (CKAN's resource_update replaces the whole dict, so the new URL
    wins), and does not say ``url_type: upload``. A client sending back what
    resource_show gave it keeps the file."""
    url = str(data.get("url") or "").strip()
    if not url or data.get("url_type") == "upload":
        return False
    own = urlsplit(resource_url(resource, context.settings.site_url)).path
    # The host may differ (the site reached by another name): the path names the file.
    return url != resource.url and urlsplit(url).path != own


def _store_upload(context: Context, resource: Resource, dataset: Dataset, upload: FileStorage):
    """Keep the uploaded original byte for byte, under a key unique to this content."""
    from werkzeug.utils import secure_filename

    store = file_store()
    filename = secure_filename(upload.filename) or "data"
    temporary_key = f"resources/{resource.id}/upload-{new_id()}"
    limit = context.settings.max_upload_bytes
    try:
        stored = store.save(temporary_key, SizeLimitedStream(upload.stream, limit))
    except FileTooLarge:
        store.delete(temporary_key)
        raise ValidationError({"upload": [
            _("The file is larger than the limit of %(limit)s.", limit=human_size(limit))]}) from None
    track_new_file(context.db, store, temporary_key)
    if resource.storage_key and resource.storage_key != temporary_key:
        delete_after_commit(context.db, store, resource.storage_key)
    resource.storage_key = temporary_key
    resource.url_type = "upload"
    resource.url = filename
    resource.size = stored.size
    resource.hash = stored.sha256
    resource.mimetype = upload.mimetype or resource.mimetype
    resource.last_modified = utcnow()
    resource.extras = {**resource.extras, "filename": filename}


def _as_size(value, prefix: str, errors: Errors) -> int | None:
    if value in (None, ""):
        return None
    try:
        size = int(value)
    except (TypeError, ValueError, OverflowError):
        errors.add(prefix + "size", _("Invalid integer"))
        return None
    if size > LARGEST_INT:  # no column holds more
        errors.add(prefix + "size", _("Must be at most %(n)s", n=LARGEST_INT))
        return None
    return size


def _is_scalar(value) -> bool:
    return isinstance(value, (str, int, float, bool)) or value is None
