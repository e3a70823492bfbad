"""Translating a parsed ``fq`` filter into an Elasticsearch query (the same meaning as
:mod:`catalog.search.sql_filters`, which the shared contract tests hold both to)."""

from __future__ import annotations

from access_control.levels import AccessLevel
from access_control.policy import Visibility
from catalog.search.query import FIELDS, And, Filter, Match, Not, Or, Range
from catalog.search.sql_filters import _to_datetime, _to_int

_FIELD_NAMES = {"dataset_type": "type", "metadata_modified": "metadata_modified",
                "metadata_created": "metadata_created"}


LEVEL_ORDER = (AccessLevel.OPEN, AccessLevel.INTERNAL, AccessLevel.RESTRICTED)


def formats_field(visibility: Visibility) -> str | None:
    """The document field holding the formats ``visibility`` may see by level alone:
    ``res_format_<level>`` holds formats of resources that inherit their dataset's level
    or have one up to ``<level>``. The policy's level sets are "open" or "open and
    internal"; any other set gets the longest such prefix it holds (never more)."""
    reached = None
    for level in LEVEL_ORDER:
        if level not in visibility.levels:
            break
        reached = level
    if reached is None:
        return None
    return "res_format" if reached == AccessLevel.RESTRICTED else f"res_format_{reached.value}"


def every_resource_query(visibility: Visibility) -> dict | None:
    """Datasets whose every resource the caller reads (:meth:`Visibility.reads_every_resource`)."""
    should = []
    if visibility.organizations:
        should.append({"terms": {"owner_org": sorted(visibility.organizations)}})
    if visibility.datasets:
        should.append({"terms": {"id": sorted(visibility.datasets)}})
    return {"bool": {"should": should, "minimum_should_match": 1}} if should else None


def filter_query(node: Filter, visibility: Visibility | None = None) -> dict:
    """An Elasticsearch query equivalent to ``node``; with ``visibility``, ``res_format``
    only matches formats of resources the caller may read."""
    match node:
        case And(items):
            return {"bool": {"filter": [filter_query(item, visibility) for item in items]}}
        case Or(items):
            return {"bool": {"should": [filter_query(item, visibility) for item in items],
                             "minimum_should_match": 1}}
        case Not(item):
            return {"bool": {"must_not": [filter_query(item, visibility)]}}
        case Range():
            return _range_query(node)
        case Match(field, value):
            return _match_query(field, value, visibility)
    raise TypeError(node)


def _match_query(field: str, value: str, visibility: Visibility | None = None) -> dict:
    if value == "*":
        return {"match_all": {}}
    if field == "res_format":
        every = {"term": {"res_format_lower": value.lower()}}
        if visibility is None or visibility.everything:
            return every
        should = []
        by_level = formats_field(visibility)
        if by_level is not None:
            should.append({"term": {f"{by_level}_lower": value.lower()}})
        readers = every_resource_query(visibility)
        if readers is not None:
            should.append({"bool": {"filter": [readers, every]}})
        return {"bool": {"should": should, "minimum_should_match": 1}} if should else {
            "bool": {"must_not": [{"match_all": {}}]}}
    if field == "capacity":
        is_open = {"term": {"access_level": AccessLevel.OPEN.value}}
        return is_open if value == "public" else {"bool": {"must_not": [is_open]}}
    if FIELDS[field] != "text":
        return _range_query(Range(field, value, value))
    return {"term": {_FIELD_NAMES.get(field, field): value}}


def _range_query(node: Range) -> dict:
    kind = FIELDS[node.field]
    convert = (lambda v: _to_datetime(v).isoformat()) if kind == "date" else _to_int
    bounds = {}
    if node.low is not None:
        bounds["gte" if node.include_low else "gt"] = convert(node.low)
    if node.high is not None:
        bounds["lte" if node.include_high else "lt"] = convert(node.high)
    return {"range": {node.field: bounds}} if bounds else {"match_all": {}}
