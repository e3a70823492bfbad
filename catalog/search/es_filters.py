"""Translating a parsed ``fq`` filter into an Elasticsearch query (the same meaning as
:mod:`catalog.search.sql_filters`, which the shared contract tests hold both to)."""

from __future__ import annotations

from access_control.levels import AccessLevel
from catalog.search.query import FIELDS, And, Filter, Match, Not, Or, Range
from catalog.search.sql_filters import _to_datetime, _to_int

_FIELD_NAMES = {"dataset_type": "type", "metadata_modified": "metadata_modified",
                "metadata_created": "metadata_created"}


def filter_query(node: Filter) -> dict:
    """An Elasticsearch query equivalent to ``node``."""
    match node:
        case And(items):
            return {"bool": {"filter": [filter_query(item) for item in items]}}
        case Or(items):
            return {"bool": {"should": [filter_query(item) for item in items],
                             "minimum_should_match": 1}}
        case Not(item):
            return {"bool": {"must_not": [filter_query(item)]}}
        case Range():
            return _range_query(node)
        case Match(field, value):
            return _match_query(field, value)
    raise TypeError(node)


def _match_query(field: str, value: str) -> dict:
    if value == "*":
        return {"match_all": {}}
    if field == "res_format":
        return {"term": {"res_format_lower": value.lower()}}
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
