"""Reading datastore_search parameters the way CKAN accepts them (JSON strings for GET)."""

from __future__ import annotations

import json
from urllib.parse import urlencode

from flask_babel import gettext as _

from catalog.api.errors import ValidationError
from catalog.api.validation import as_bool, as_int
from ingest.tabular import SearchQuery, decode_cursor, QueryError

MAX_LIMIT = 32000


def _json_or(value, key: str):
    if isinstance(value, str) and value.strip()[:1] in ("{", "["):
        try:
            return json.loads(value)
        except ValueError:
            raise ValidationError({key: [_("Invalid JSON")]}) from None
    return value


def _names(value, key: str) -> list[str] | None:
    value = _json_or(value, key)
    if value in (None, ""):
        return None
    if isinstance(value, str):
        return [name.strip() for name in value.split(",") if name.strip()]
    if isinstance(value, list):
        return [str(name) for name in value]
    raise ValidationError({key: [_("Must be a list of column names")]})


def sort_of(value) -> list[tuple[str, str]]:
    value = _json_or(value, "sort")
    if value in (None, ""):
        return []
    items = value if isinstance(value, list) else str(value).split(",")
    sort = []
    for item in items:
        words = str(item).strip().rsplit(" ", 1)
        direction = "asc"
        if len(words) == 2 and words[1].lower() in ("asc", "desc"):
            column, direction = words[0].strip().strip('"'), words[1].lower()
        else:
            column = str(item).strip().strip('"')
        if column:
            sort.append((column, direction))
    return sort


def search_query(data: dict) -> SearchQuery:
    filters = _json_or(data.get("filters"), "filters") or {}
    if not isinstance(filters, dict):
        raise ValidationError({"filters": [_("Must be a JSON object")]})
    q = _json_or(data.get("q"), "q") or ""
    if not isinstance(q, (str, dict)):
        raise ValidationError({"q": [_("Must be a string or a JSON object")]})
    cursor = None
    if data.get("next_page"):
        try:
            cursor = decode_cursor(str(data["next_page"]))
        except QueryError as error:
            raise ValidationError({"next_page": [error.message]}) from None
    return SearchQuery(
        filters=filters, q=q, fields=_names(data.get("fields"), "fields"),
        sort=sort_of(data.get("sort")),
        # Capped, not refused: CKAN cuts a larger limit to its ckan.datastore.search.rows_max.
        limit=min(as_int(data, "limit", 100, minimum=0), MAX_LIMIT),
        offset=as_int(data, "offset", 0), cursor=cursor,
        include_total=as_bool(data.get("include_total"), True),
        distinct=as_bool(data.get("distinct"), False),
    )


def page_links(path: str, data: dict, limit: int, offset: int) -> dict:
    """CKAN's ``_links`` of a page: ``start`` is the request without ``offset``, ``next``
    the request with ``offset + limit`` (always there, as in CKAN), ``prev`` the one with
    ``offset - limit`` when that is above 0. Every other argument is kept as it came; the
    dicts and lists of a JSON body are written as JSON, as a GET would give them."""
    args = {key: _arg(value) for key, value in data.items() if value is not None}
    links = {"start": _url(path, {k: v for k, v in args.items() if k != "offset"}),
             "next": _url(path, {**args, "offset": offset + limit})}
    if offset - limit > 0:
        links["prev"] = _url(path, {**args, "offset": offset - limit})
    return links


def _arg(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def _url(path: str, args: dict) -> str:
    return f"{path}?{urlencode(args)}" if args else path
