"""Validation of incoming dataset and resource dicts (CKAN semantics, Japanese messages).

``parse_*`` functions check a data_dict and return the values to apply; they collect
every problem into one :class:`ValidationError` so the user can fix all at once.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import Session

from access_control.legal_basis import FIELDS as CLOSURE_FIELDS
from access_control.legal_basis import check_closure
from access_control.levels import AccessLevel
from catalog.api.errors import ValidationError
from catalog.api.validation import as_bool, as_list
from catalog.datasets.licenses import get_license
from catalog.datasets.models import Dataset
from catalog.datasets.vocabularies import get_frequency
from catalog.groups.models import Group
from catalog.organizations.models import Organization
from catalog.slugs import is_valid_name

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
TAG_FORBIDDEN = re.compile(r"[,\n\r\t]")

# Plain text columns of ``datasets`` and their maximum lengths.
TEXT_FIELDS = {
    "title": 500, "notes": 100_000, "url": 1000, "version": 100, "author": 200,
    "author_email": 254, "maintainer": 200, "maintainer_email": 254, "contact_phone": 50,
    "spatial": 300, "legal_basis": 300, "legal_basis_text": 500, "access_note": 10_000,
    "license_id": 50,
    "frequency": 30,
}
DATE_FIELDS = ("temporal_start", "temporal_end")
# Keys of package_show output that are derived, so ignored on input (round trips work).
DERIVED_KEYS = {
    "organization", "license_title", "license_url", "isopen", "metadata_created",
    "metadata_modified", "creator_user_id", "num_tags", "num_resources", "private",
    "relationships_as_object", "relationships_as_subject", "tracking_summary",
}
CANONICAL_FORMATS = {
    "csv": "CSV", "tsv": "TSV", "xlsx": "XLSX", "xls": "XLS", "json": "JSON",
    "geojson": "GeoJSON", "parquet": "Parquet", "pdf": "PDF", "zip": "ZIP", "xml": "XML",
    "rdf": "RDF", "ttl": "TTL", "html": "HTML", "txt": "TXT", "shp": "SHP", "kml": "KML",
    "docx": "DOCX", "doc": "DOC", "ods": "ODS", "api": "API",
}


class Errors:
    """Collects per-field messages; :meth:`raise_if_any` raises them together."""

    def __init__(self) -> None:
        self.by_field: dict[str, list[str]] = {}

    def add(self, key: str, message: str) -> None:
        self.by_field.setdefault(key, []).append(message)

    def raise_if_any(self) -> None:
        if self.by_field:
            raise ValidationError(self.by_field)

    def texts(self, data: dict, limits: dict[str, int], given=lambda key: True,
              prefix: str = "") -> dict[str, str]:
        """The text fields of ``data`` named in ``limits`` (name -> most characters) that
        ``given`` says were sent, stripped, a missing value as ""; a text over its limit
        is added here as an error (under ``prefix`` + name)."""
        texts = {}
        for key, max_length in limits.items():
            if given(key):
                value = data.get(key)
                text = "" if value is None else str(value).strip()
                if len(text) > max_length:
                    self.add(prefix + key, _("Must be at most %(n)s characters", n=max_length))
                texts[key] = text
        return texts


@dataclass
class DatasetInput:
    """Checked values from a dataset dict. ``None`` for tags/groups/extras/resources means
    "keep what the dataset has" (see :func:`parse_dataset` for when that is)."""

    columns: dict[str, Any] = field(default_factory=dict)
    organization: Organization | None = None
    tags: list[str] | None = None
    groups: list[Group] | None = None
    extras: dict[str, str] | None = None
    resources: list[dict] | None = None


def parse_dataset(
    db: Session, data: dict, existing: Dataset | None, *, partial: bool,
    by_person: bool = True,
) -> DatasetInput:
    """Check ``data`` for package_create (``existing`` None), package_update (full replace)
    or package_patch (``partial``: only the given keys change). ``by_person`` is false
    when the catalog acts on its own (harvests): then a missing legal basis does not stop
    a dataset from being restricted.

    A full replace without ``tags`` (or ``tag_string``) or ``extras`` clears them, as
    CKAN 2.10 and 2.11 do; without ``groups`` or ``resources`` it keeps them, as CKAN
    2.11 does (2.10 dropped those too: losing every file to a client that left the key
    out is not a behaviour worth copying)."""
    errors = Errors()
    parsed = DatasetInput()
    present = (lambda key: key in data) if partial else (lambda key: True)

    parsed.columns.update(errors.texts(data, TEXT_FIELDS, present))
    for key in ("author_email", "maintainer_email"):
        if parsed.columns.get(key) and not EMAIL.match(parsed.columns[key]):
            errors.add(key, _("Not a valid e-mail address"))
    if parsed.columns.get("license_id") and not get_license(parsed.columns["license_id"]):
        errors.add("license_id", _("Unknown licence: %(id)s", id=parsed.columns["license_id"]))
    if parsed.columns.get("frequency") and not get_frequency(parsed.columns["frequency"]):
        errors.add("frequency", _("Unknown update frequency: %(code)s",
                                  code=parsed.columns["frequency"]))
    for key in DATE_FIELDS:
        if present(key):
            parsed.columns[key] = _parse_date(data.get(key), key, errors)

    _parse_name(db, data, existing, partial, parsed, errors)
    _parse_state(data, partial, parsed, errors)
    _parse_access_level(data, existing, partial, parsed, errors)
    _parse_closure(existing, parsed, errors, by_person)
    _parse_organization(db, data, existing, partial, parsed, errors)

    replaces = not partial and existing is not None
    if "tags" in data or "tag_string" in data:
        parsed.tags = _parse_tags(data, errors)
    elif replaces:
        parsed.tags = []
    if "groups" in data:
        parsed.groups = _parse_groups(db, data["groups"], errors)
    if "extras" in data:
        parsed.extras = _parse_extras(data["extras"], errors)
    elif replaces:
        parsed.extras = {}
    if "resources" in data:
        resources = as_list(data["resources"], "resources")
        if not all(isinstance(item, dict) for item in resources):
            errors.add("resources", _("Each resource must be an object"))
        else:
            parsed.resources = resources
    start, end = parsed.columns.get("temporal_start"), parsed.columns.get("temporal_end")
    if start and end and start > end:
        errors.add("temporal_end", _("The end of the period is before its start"))
    errors.raise_if_any()
    return parsed


def _parse_name(db, data, existing, partial, parsed: DatasetInput, errors: Errors) -> None:
    if partial and "name" not in data:
        return
    name = str(data.get("name") or "").strip()
    if not name:
        if existing is not None:
            name = existing.name
        elif not parsed.columns.get("title"):
            errors.add("name", _("Missing value"))
            return
        else:
            parsed.columns["name"] = None  # the service derives one from the title
            return
    if not is_valid_name(name):
        errors.add(
            "name",
            _("Must be 2-100 lowercase letters, digits, - or _ (and not only symbols)"),
        )
        return
    taken_by = db.scalar(sa.select(Dataset.id).where(Dataset.name == name))
    if taken_by and (existing is None or taken_by != existing.id):
        errors.add("name", _("That URL is already in use."))
    parsed.columns["name"] = name


def _parse_state(data, partial, parsed: DatasetInput, errors: Errors) -> None:
    if partial and "state" not in data:
        return
    state = data.get("state") or "active"
    if state not in ("active", "draft"):
        errors.add("state", _("State must be active or draft"))
    parsed.columns["state"] = state


def _parse_access_level(data, existing, partial, parsed: DatasetInput, errors: Errors) -> None:
    """``access_level`` wins; CKAN's ``private`` alone maps true -> restricted (CKAN's
    meaning: organization members only), false -> open. With neither, a new dataset is
    internal: nothing is published by accident."""
    level = data.get("access_level")
    has_private = data.get("private") not in (None, "")
    private = as_bool(data.get("private")) if has_private else None
    current = AccessLevel(existing.access_level) if existing else None
    if level:
        if level not in AccessLevel.__members__.values():
            errors.add("access_level", _("Must be one of open, internal, restricted"))
            return
        level = AccessLevel(level)
        if private is not None and private != (level != AccessLevel.OPEN):
            errors.add("private", _("private contradicts access_level"))
    elif private is not None:
        if not private:
            level = AccessLevel.OPEN
        else:
            level = current if current and current != AccessLevel.OPEN else AccessLevel.RESTRICTED
    elif partial or existing is not None:
        return  # not given: unchanged
    else:
        level = AccessLevel.INTERNAL
    parsed.columns["access_level"] = level.value


def _parse_closure(existing, parsed: DatasetInput, errors: Errors, by_person: bool) -> None:
    """Legal basis and note, checked against the level the dataset will have (only when
    the level or one of these fields is being set, so older data can still be patched)."""
    if not any(key in parsed.columns for key in ("access_level", *CLOSURE_FIELDS)):
        return

    def final(key: str) -> str:
        if key in parsed.columns:
            return parsed.columns[key]
        return getattr(existing, key) if existing is not None else ""

    closure = check_closure(final("access_level"), final("legal_basis"),
                            final("legal_basis_text"), final("access_note"))
    for key, messages in closure.errors.items() if by_person else ():
        for message in messages:
            errors.add(key, message)
    parsed.columns.update(closure.values)


def _parse_organization(db, data, existing, partial, parsed: DatasetInput, errors) -> None:
    if partial and "owner_org" not in data:
        return
    reference = data.get("owner_org") or (existing.owner_org_id if existing else None)
    if not reference:
        errors.add("owner_org", _("Missing value"))
        return
    organization = db.scalar(
        sa.select(Organization).where(
            sa.or_(Organization.id == reference, Organization.name == reference),
            Organization.state == "active",
        )
    )
    if organization is None:
        errors.add("owner_org", _("Organization does not exist"))
    parsed.organization = organization


def _parse_date(value, key: str, errors: Errors) -> date | None:
    if value in (None, ""):
        return None
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        errors.add(key, _("Date format incorrect (use YYYY-MM-DD)"))
        return None


def _parse_tags(data: dict, errors: Errors) -> list[str]:
    if data.get("tags") not in (None, ""):
        items = as_list(data["tags"], "tags")
        names = [item.get("name") or "" if isinstance(item, dict) else item for item in items]
        if not all(isinstance(name, (str, int, float)) for name in names):
            errors.add("tags", _("Tags must be text"))
            return []
        names = [str(name) for name in names]
    else:
        names = str(data.get("tag_string") or "").split(",")
    result: list[str] = []
    for name in (name.strip() for name in names):
        if not name:
            continue
        if len(name) > 100 or TAG_FORBIDDEN.search(name):
            errors.add("tags", _("Tag \"%(tag)s\" is longer than 100 characters or has a comma",
                                 tag=name[:30]))
        elif name not in result:
            result.append(name)
    return result


def _parse_groups(db: Session, value, errors: Errors) -> list[Group]:
    groups = []
    for item in as_list(value, "groups"):
        reference = (item.get("id") or item.get("name")) if isinstance(item, dict) else item
        if not isinstance(reference, str):
            errors.add("groups", _("Group does not exist: %(ref)s", ref=str(reference)[:100]))
            continue
        group = db.scalar(
            sa.select(Group).where(sa.or_(Group.id == reference, Group.name == reference))
        )
        if group is None:
            errors.add("groups", _("Group does not exist: %(ref)s", ref=str(reference)[:100]))
        elif group not in groups:
            groups.append(group)
    return groups


def _parse_extras(value, errors: Errors) -> dict[str, str]:
    extras: dict[str, str] = {}
    for item in as_list(value, "extras"):
        if not isinstance(item, dict) or not item.get("key"):
            errors.add("extras", _("Each extra needs a key"))
            continue
        key = str(item["key"])
        if key in TEXT_FIELDS or key in DERIVED_KEYS or key in ("name", "id", "owner_org"):
            errors.add("extras", _("Extra key clashes with a dataset field: %(key)s", key=key))
        extras[key] = "" if item.get("value") is None else str(item["value"])
    return extras


def canonical_format(value: str | None, filename_or_url: str = "") -> str:
    """A format name in its usual spelling; guessed from the extension when not given."""
    text = (value or "").strip().lstrip(".")
    if not text and filename_or_url:
        match = re.search(r"\.([A-Za-z0-9]{1,8})(?:[?#].*)?$", filename_or_url)
        text = match.group(1) if match else ""
    return CANONICAL_FORMATS.get(text.lower(), text.upper() if len(text) <= 5 else text)


def parse_access_level_for_resource(value, dataset_level: str, errors: Errors) -> str | None:
    """A resource's own level: empty (inherit) or at least as strict as its dataset's."""
    if value in (None, ""):
        return None
    if value not in AccessLevel.__members__.values():
        errors.add("access_level", _("Must be one of open, internal, restricted"))
        return None
    if not AccessLevel(value).at_least_as_strict_as(AccessLevel(dataset_level)):
        errors.add("access_level", _("A resource cannot be more open than its dataset"))
        return None
    return value  # kept even when equal: opening the dataset later must not open it
