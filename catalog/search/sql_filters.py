"""Translating a parsed ``fq`` filter into SQL over the catalog tables (and, for analysed
words, the SQL engine's index)."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Callable

import sqlalchemy as sa
from flask_babel import gettext as _

from access_control.levels import AccessLevel
from access_control.policy import Visibility
from catalog.api.errors import SearchQueryError
from catalog.datasets.models import Dataset, Resource, Tag, dataset_groups, dataset_tags
from catalog.groups.models import Group
from catalog.organizations.models import Organization
from catalog.search.analysis import MatchQuery
from catalog.search.query import (
    EXTRAS_PREFIX, FIELDS, And, Filter, Match, Not, Nothing, Or, Prefix, Range, Words,
)

_COLUMNS = {
    "id": Dataset.id, "name": Dataset.name, "owner_org": Dataset.owner_org_id,
    "license_id": Dataset.license_id, "access_level": Dataset.access_level,
    "frequency": Dataset.frequency, "state": Dataset.state, "type": Dataset.type,
    "dataset_type": Dataset.type, "author": Dataset.author, "maintainer": Dataset.maintainer,
    "url": Dataset.url,
    "metadata_modified": Dataset.modified, "metadata_created": Dataset.created,
}

# (index fields, analysed words) -> the ids of the datasets whose terms match them there
# (a SELECT of one column), from the engine's index.
WordsLookup = Callable[[tuple[str, ...], MatchQuery], sa.Select]


def _numeric(field: str) -> sa.ColumnElement:
    if field == "num_resources":
        return sa.select(sa.func.count(Resource.id)).where(
            Resource.dataset_id == Dataset.id
        ).scalar_subquery()
    return sa.select(sa.func.count()).select_from(dataset_tags).where(
        dataset_tags.c.dataset_id == Dataset.id
    ).scalar_subquery()


def filter_clause(node: Filter, visibility: Visibility | None = None,
                  words: WordsLookup | None = None) -> sa.ColumnElement[bool]:
    """A SQL condition over ``datasets`` equivalent to ``node``. With ``visibility``,
    ``res_format`` only looks at resources the caller may read (a format known only
    from a stricter resource must not be told by filtering on it). ``words`` finds
    analysed words in the index (``title:人口``); without it they match nothing."""
    match node:
        case And(items):
            return sa.and_(*(filter_clause(item, visibility, words) for item in items))
        case Or(items):
            return sa.or_(*(filter_clause(item, visibility, words) for item in items))
        case Not(item):
            return sa.not_(filter_clause(item, visibility, words))
        case Nothing():
            return sa.false()
        case Range():
            return _range_clause(node)
        case Words(_text, fields, match):
            if match is None or words is None:
                return sa.false()
            return Dataset.id.in_(words(fields, match))
        case Prefix(field, prefix):
            return _text_clause(field, prefix, True, visibility)
        case Match(field, value):
            return _match_clause(field, value, visibility)
    raise TypeError(node)


def _match_clause(field: str, value: str,
                  visibility: Visibility | None = None) -> sa.ColumnElement[bool]:
    if value == "*":
        return sa.true()
    if field == "capacity":
        is_open = Dataset.access_level == AccessLevel.OPEN
        return is_open if value == "public" else sa.not_(is_open)
    if FIELDS.get(field, "text") != "text":
        return _range_clause(Range(field, value, value))
    return _text_clause(field, value, False, visibility)


def _text_clause(field: str, value: str, prefix: bool,
                 visibility: Visibility | None) -> sa.ColumnElement[bool]:
    """``field`` is ``value``, or starts with it when ``prefix``."""
    if field == "organization":
        return Dataset.owner_org_id.in_(
            sa.select(Organization.id).where(_same(Organization.name, value, prefix)))
    if field == "groups":
        return Dataset.id.in_(sa.select(dataset_groups.c.dataset_id).join(Group)
                              .where(_same(Group.name, value, prefix)))
    if field == "tags":
        return Dataset.id.in_(sa.select(dataset_tags.c.dataset_id).join(Tag)
                              .where(_same(Tag.name, value, prefix)))
    if field == "res_format":
        readable = sa.true() if visibility is None else sa.or_(
            Resource.access_level.is_(None),
            visibility.clause(Resource.access_level, Dataset.owner_org_id, Dataset.id))
        return sa.exists().where(Resource.dataset_id == Dataset.id, readable,
                                 _same(sa.func.lower(Resource.format), value.lower(), prefix))
    if field == "res_url":
        # Only resources that share their dataset's level, as in the index's resource text:
        # whoever may find the dataset may read them.
        return sa.exists().where(
            Resource.dataset_id == Dataset.id, _same(Resource.url, value, prefix),
            sa.or_(Resource.access_level.is_(None), Resource.access_level == Dataset.access_level))
    if field.startswith(EXTRAS_PREFIX):
        extra = Dataset.extras[field[len(EXTRAS_PREFIX):]].as_string()  # see field_kind
        # Without the key: false, not NULL, which NOT would leave NULL (and out).
        return sa.and_(extra.is_not(None), _same(extra, value, prefix))
    return _same(_COLUMNS[field], value, prefix)


def _same(column, value: str, prefix: bool) -> sa.ColumnElement[bool]:
    """``column`` is ``value`` or, with ``prefix``, starts with it. Case counts, as in
    Elasticsearch's keywords: substr, not LIKE, which ignores ASCII case on SQLite."""
    return sa.func.substr(column, 1, len(value)) == value if prefix else column == value


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
