"""Translating a parsed ``fq`` filter into an Elasticsearch query (the same meaning as
:mod:`catalog.search.sql_filters`, which the shared contract tests hold both to), and
analysed words into a query within some index fields."""

from __future__ import annotations

from access_control.levels import AccessLevel
from access_control.policy import Visibility
from catalog.search.analysis import FIELDS as INDEX_FIELDS
from catalog.search.analysis import Alternative, MatchQuery
from catalog.search.query import (
    EXTRAS_PREFIX, FIELDS, And, Filter, Match, Not, Nothing, Or, Prefix, Range, Words,
)
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


def within_fields(match: MatchQuery, fields: tuple[str, ...]) -> dict:
    """Every clause of ``match`` matches within the index fields ``fields`` (a term may be
    in any of them)."""
    def alternative(alt: Alternative) -> dict:
        if len(fields) == len(INDEX_FIELDS):  # anywhere: the "all" field says it at once
            return {"bool": {"filter": [{"term": {"all": term}} for term in alt.terms]}}
        return {"bool": {"filter": [
            {"bool": {"should": [{"term": {f"{name}_terms": term}} for name in fields],
                      "minimum_should_match": 1}}
            for term in alt.terms]}}

    return {"bool": {"filter": [
        {"bool": {"should": [alternative(alt) for alt in clause.alternatives],
                  "minimum_should_match": 1}}
        for clause in match.clauses]}}


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
        case Nothing():
            return _NOTHING
        case Range():
            return _range_query(node)
        case Words(_text, fields, match):
            return _NOTHING if match is None else within_fields(match, fields)
        case Prefix(field, prefix):
            return _text_query(field, prefix, True, visibility)
        case Match(field, value):
            return _match_query(field, value, visibility)
    raise TypeError(node)


_NOTHING = {"bool": {"must_not": [{"match_all": {}}]}}


def _match_query(field: str, value: str, visibility: Visibility | None = None) -> dict:
    if value == "*":
        return {"match_all": {}}
    if field == "capacity":
        is_open = {"term": {"access_level": AccessLevel.OPEN.value}}
        return is_open if value == "public" else {"bool": {"must_not": [is_open]}}
    if FIELDS.get(field, "text") != "text":
        return _range_query(Range(field, value, value))
    return _text_query(field, value, False, visibility)


def _text_query(field: str, value: str, prefix: bool, visibility: Visibility | None) -> dict:
    """``field`` is ``value``, or starts with it when ``prefix`` (keywords: case counts)."""
    def same(name: str, wanted: str) -> dict:
        return {"prefix": {name: wanted}} if prefix else {"term": {name: wanted}}

    if field == "res_format":
        every = same("res_format_lower", value.lower())
        if visibility is None or visibility.everything:
            return every
        should = []
        by_level = formats_field(visibility)
        if by_level is not None:
            should.append(same(f"{by_level}_lower", value.lower()))
        readers = every_resource_query(visibility)
        if readers is not None:
            should.append({"bool": {"filter": [readers, every]}})
        return {"bool": {"should": should, "minimum_should_match": 1}} if should else _NOTHING
    if field.startswith(EXTRAS_PREFIX):
        return same("extras", extras_value(field[len(EXTRAS_PREFIX):], value))
    return same(_FIELD_NAMES.get(field, field), value)


def extras_value(key: str, value: str) -> str:
    """How an extra is kept in the ``extras`` keyword field: key and value in one term."""
    return f"{key}\u001f{value}"


def _range_query(node: Range) -> dict:
    kind = FIELDS[node.field]
    convert = (lambda v: _to_datetime(v).isoformat()) if kind == "date" else _to_int
    bounds = {}
    if node.low is not None:
        bounds["gte" if node.include_low else "gt"] = convert(node.low)
    if node.high is not None:
        bounds["lte" if node.include_high else "lt"] = convert(node.high)
    return {"range": {node.field: bounds}} if bounds else {"match_all": {}}
