"""Validation of incoming use-case dicts, with every problem reported at once."""

from __future__ import annotations

import re
from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import Session

from access_control.policy import visibility
from access_control.principals import ANONYMOUS
from catalog.api.validation import as_bool, as_list
from catalog.datasets.models import Dataset
from catalog.datasets.schema import Errors
from catalog.showcase.models import ShowcaseType
from catalog.slugs import is_valid_name

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
TEXT_FIELDS = {"title": 200, "notes": 10_000, "url": 1000, "author": 200, "author_email": 254}
MAX_TAGS = 20
MAX_TAG_LENGTH = 50
MAX_DATASETS = 50


@dataclass
class ShowcaseInput:
    """Checked values. ``None`` for tags or datasets means "not given": keep them (as the
    catalog's package_update keeps omitted tags)."""

    columns: dict
    tags: list[str] | None
    datasets: list[Dataset] | None


def parse_showcase(db: Session, data: dict, *, partial: bool, staff: bool) -> ShowcaseInput:
    """Check ``data``. ``partial``: only the given keys change. ``staff``: moderator-only
    fields (``featured``, ``name``) are taken into account."""
    errors = Errors()
    present = (lambda key: key in data) if partial else (lambda key: True)
    columns: dict = errors.texts(data, TEXT_FIELDS, present)
    if present("title") and not columns.get("title"):
        errors.add("title", _("Missing value"))
    if columns.get("url") and not re.match(r"^https?://[^\s/$.?#][^\s]*$", columns["url"]):
        errors.add("url", _("Must be a web address starting with http:// or https://"))
    if columns.get("author_email") and not EMAIL.match(columns["author_email"]):
        errors.add("author_email", _("Not a valid e-mail address"))
    if present("showcase_type"):
        kind = str(data.get("showcase_type") or ShowcaseType.OTHER)
        if kind not in set(ShowcaseType):
            errors.add("showcase_type", _("Unknown type of use case: %(type)s", type=kind[:30]))
        columns["showcase_type"] = kind
    if staff and "featured" in data:
        columns["featured"] = as_bool(data.get("featured"))
    if staff and data.get("name"):
        if not is_valid_name(str(data["name"])):
            errors.add("name", _("Must be 2-100 lowercase letters, digits, - or _ "
                                 "(and not only symbols)"))
        columns["name"] = str(data["name"])
    tags = _parse_tags(data, errors) if ("tags" in data or "tag_string" in data) else None
    datasets = _parse_datasets(db, data, errors) if "datasets" in data else None
    errors.raise_if_any()
    return ShowcaseInput(columns, tags, datasets)


def _parse_tags(data: dict, errors: Errors) -> list[str]:
    if "tag_string" in data:
        raw = [part for part in re.split(r"[,、]", str(data.get("tag_string") or ""))]
    else:
        raw = [t.get("name", "") if isinstance(t, dict) else t
               for t in as_list(data.get("tags"), "tags")]
    names = []
    for name in (str(item).strip() for item in raw):
        if not name or name in names:
            continue
        if len(name) > MAX_TAG_LENGTH:
            errors.add("tags", _("Each tag must be at most %(n)s characters", n=MAX_TAG_LENGTH))
            continue
        names.append(name)
    if len(names) > MAX_TAGS:
        errors.add("tags", _("At most %(n)s tags", n=MAX_TAGS))
    return names[:MAX_TAGS]


def _parse_datasets(db: Session, data: dict, errors: Errors) -> list[Dataset]:
    """Datasets by name or id. Only those the public may read can be linked; any other
    reference gets the same message as a missing one, so nothing closed is confirmed."""
    references = [str(item.get("id") or item.get("name") or "") if isinstance(item, dict)
                  else str(item) for item in as_list(data.get("datasets"), "datasets")]
    references = list(dict.fromkeys(ref.strip() for ref in references if ref and ref.strip()))
    if len(references) > MAX_DATASETS:
        errors.add("datasets", _("At most %(n)s datasets", n=MAX_DATASETS))
        return []
    found = {}
    if references:
        rows = db.scalars(sa.select(Dataset).where(
            sa.or_(Dataset.id.in_(references), Dataset.name.in_(references)),
            Dataset.state == "active", visibility(ANONYMOUS).dataset_clause()))
        for dataset in rows:
            found[dataset.id] = found[dataset.name] = dataset
    for reference in references:
        if reference not in found:
            errors.add("datasets", _("No open dataset named %(name)s", name=reference[:100]))
    return list(dict.fromkeys(found[ref] for ref in references if ref in found))
