"""Sorting, filtering and paging of organization_list and group_list, as CKAN does them."""

from __future__ import annotations

from typing import Callable, TypeVar

from flask_babel import gettext as _

from catalog.api.errors import ValidationError
from catalog.api.validation import as_int

Listed = TypeVar("Listed")  # an Organization or a Group: name, title, description, id


def sort_and_page(items: list[Listed], data: dict, counts: dict[str, int]) -> list[Listed]:
    """``items`` narrowed by ``q`` (in name, title or description, any case), sorted by
    ``sort`` (``title asc`` by default, as CKAN's ``ckan.default_group_sort``; ``name``,
    ``title`` or ``package_count``, each ``asc`` or ``desc``), then ``offset``/``limit``."""
    term = str(data.get("q") or "").strip().casefold()
    if term:
        items = [item for item in items
                 if any(term in (text or "").casefold()
                        for text in (item.name, item.title, item.description))]
    key, _space, direction = str(data.get("sort") or "title asc").strip().lower().partition(" ")
    sort_keys: dict[str, Callable] = {
        "name": lambda item: item.name,
        "title": lambda item: (item.title or item.name, item.name),
        "package_count": lambda item: (counts.get(item.id, 0), item.name),
    }
    if key not in sort_keys:
        raise ValidationError({"sort": [_("Cannot sort by %(field)s", field=key[:50])]})
    items = sorted(items, key=sort_keys[key], reverse=direction.strip() == "desc")
    offset = as_int(data, "offset", 0)
    return items[offset: offset + as_int(data, "limit", 1000, minimum=1)]
