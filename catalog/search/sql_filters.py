"""Translating a parsed ``fq`` filter into SQL over the catalog tables."""

from __future__ import annotations

from datetime import datetime, timezone

import sqlalchemy as sa
from flask_babel import gettext as _

from access_control.levels import AccessLevel
from access_control.policy import Visibility
from catalog.api.errors import SearchQueryError
from catalog.datasets.models import Dataset, Resource, Tag, dataset_groups, dataset_tags
from catalog.groups.models import Group
from catalog.organizations.models import Organization
from catalog.search.query import FIELDS, And, Filter, Match, Not, Or, Range

_COLUMNS = {
    "id": Dataset.id, "name": Dataset.name, "owner_org": Dataset.owner_org_id,
    "license_id": Dataset.license_id, "access_level": Dataset.access_level,
    "frequency": Dataset.frequency, "state": Dataset.state, "type": Dataset.type,
    "dataset_type": Dataset.type,
    "metadata_modified": Dataset.modified, "metadata_created": Dataset.created,
}


def _numeric(field: str) -> sa.ColumnElement:
    if field == "num_resources":
        return sa.select(sa.func.count(Resource.id)).where(
            Resource.dataset_id == Dataset.id
        ).scalar_subquery()
    return sa.select(sa.func.count()).select_from(dataset_tags).where(
        dataset_tags.c.dataset_id == Dataset.id
    ).scalar_subquery()


def filter_clause(node: Filter, visibility: Visibility | None = None) -> sa.ColumnElement[bool]:
    """A SQL condition over ``datasets`` equivalent to ``node``. With ``visibility``,
    ``res_format`` only looks at resources the caller may read (a format known only
    from a stricter resource must not be told by filtering on it)."""
    match node:
        case And(items):
            return sa.and_(*(filter_clause(item, visibility) for item in items))
        case Or(items):
            return sa.or_(*(filter_clause(item, visibility) for item in items))
        case Not(item):
            return sa.not_(filter_clause(item, visibility))
        case Range():
            return _range_clause(node)
        case Match(field, value):
            return _match_clause(field, value, visibility)
    raise TypeError(node)


def _match_clause(field: str, value: str,
                  visibility: Visibility | None = None) -> sa.ColumnElement[bool]:
    if value == "*":
        return sa.true()
    if field == "organization":
        return Dataset.owner_org_id.in_(
            sa.select(Organization.id).where(Organization.name == value)
        )
    if field == "groups":
        return Dataset.id.in_(
            sa.select(dataset_groups.c.dataset_id).join(Group).where(Group.name == value)
        )
    if field == "tags":
        return Dataset.id.in_(
            sa.select(dataset_tags.c.dataset_id).join(Tag).where(Tag.name == value)
        )
    if field == "res_format":
        readable = sa.true() if visibility is None else sa.or_(
            Resource.access_level.is_(None),
            visibility.clause(Resource.access_level, Dataset.owner_org_id, Dataset.id))
        return sa.exists().where(Resource.dataset_id == Dataset.id,
                                 sa.func.lower(Resource.format) == value.lower(), readable)
    if field == "capacity":
        is_open = Dataset.access_level == AccessLevel.OPEN
        return is_open if value == "public" else sa.not_(is_open)
    if FIELDS[field] != "text":
        return _range_clause(Range(field, value, value))
    return _COLUMNS[field] == value


def _range_clause(node: Range) -> sa.ColumnElement[bool]:
    kind = FIELDS[node.field]
    column = _COLUMNS.get(node.field) if kind == "date" else _numeric(node.field)
    convert = _to_datetime if kind == "date" else _to_int
    conditions = []
    if node.low is not None:
        low = convert(node.low)
        conditions.append(column >= low if node.include_low else column > low)
    if node.high is not None:
        high = convert(node.high)
        conditions.append(column <= high if node.include_high else column < high)
    return sa.and_(sa.true(), *conditions)


def _to_datetime(value: str) -> datetime:
    """An ISO date or datetime as naive UTC, the way timestamps are stored."""
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise SearchQueryError(_("Not a date: %(value)s", value=value[:40])) from None
    if parsed.tzinfo is not None:
        parsed = parsed.astimezone(timezone.utc).replace(tzinfo=None)
    return parsed


def _to_int(value: str) -> int:
    try:
        return int(value)
    except ValueError:
        raise SearchQueryError(_("Not a number: %(value)s", value=value[:40])) from None
