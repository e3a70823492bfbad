"""The dict operations of package_revise, with CKAN's semantics.

A *path* names a place in a package dict, its parts joined by ``__``: dict keys, list
indexes (negative ones count from the end) or, in a list of dicts, the first five or
more characters of an item's ``id`` (``resources__1f9ab__name``).

* :func:`unmatched` lists the paths whose current values differ from ``match``;
* :func:`remove_matching` deletes what ``filter`` globs name (``-resources__1``,
  ``+title``, ``-*``; the first pattern naming a place wins);
* :func:`merge` and :func:`merge_at` apply ``update`` (dicts merge key by key, lists
  item by item; ``__extend`` appends to a list).

These functions only change the dicts they are given; :class:`RevisionError` carries a
message for the caller.
"""

from __future__ import annotations

import json
from typing import Any

from flask_babel import gettext as _

Path = tuple  # of str keys and int indexes
MIN_ID_PREFIX = 5  # shorter parts of a path are list indexes, as in CKAN


class RevisionError(Exception):
    """A path that names nothing, or a value of the wrong shape for its place."""


def json_or_string(value: Any) -> Any:
    """A value from a form or query string: its JSON reading when it has one (CKAN
    reads ``match``, ``update`` and the flattened keys so)."""
    if isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


def as_patterns(value: Any) -> list[str]:
    """``filter``/``include`` given as a list, a JSON list or a comma-separated string."""
    value = json_or_string(value)
    if value in (None, ""):
        return []
    if isinstance(value, str):
        return [part.strip() for part in value.split(",") if part.strip()]
    if isinstance(value, list):
        return [str(part).strip() for part in value if str(part).strip()]
    return [str(value)]


def _shown(path) -> str:
    return "__".join(str(part) for part in path)


def _unknown(path) -> RevisionError:
    return RevisionError(_("Unmatched key %(key)s", key=_shown(path)[:200]))


def _index_in(items: list, part: str, path: Path) -> int:
    """The index in ``items`` named by ``part``: an id prefix or a number."""
    if len(part) >= MIN_ID_PREFIX:
        for index, item in enumerate(items):
            if not isinstance(item, dict) or "id" not in item:
                break
            if str(item["id"]).startswith(part):
                return index
        raise _unknown(path + (part,))
    try:
        index = int(part)
    except ValueError:
        raise _unknown(path + (part,)) from None
    if not -len(items) <= index < len(items):
        raise _unknown(path + (part,))
    return index % len(items)


def resolve(data: dict | list, key: str) -> tuple[Any, Path]:
    """The value at path ``key`` in ``data``, with the path as indexes and keys."""
    current, path = data, ()
    for part in key.split("__"):
        if isinstance(current, dict):
            if part not in current:
                raise _unknown(path + (part,))
            current, path = current[part], path + (part,)
        elif isinstance(current, list):
            index = _index_in(current, part, path)
            current, path = current[index], path + (index,)
        else:
            raise _unknown(path + (part,))
    return current, path


def unmatched(current: Any, expected: Any, path: Path = ()) -> list[Path]:
    """The paths under which ``current`` differs from ``expected``: a dict or list in
    ``expected`` is compared key by key (item by item); other values must be equal."""
    if isinstance(expected, dict):
        if not isinstance(current, dict):
            return [path]
        found = []
        for key, value in expected.items():
            if key not in current:
                found.append(path + (key,))
            else:
                found += unmatched(current[key], value, path + (key,))
        return found
    if isinstance(expected, list):
        if not isinstance(current, list):
            return [path]
        found = []
        for index, value in enumerate(expected):
            if index >= len(current):
                found.append(path + (index,))
            else:
                found += unmatched(current[index], value, path + (index,))
        return found
    return [] if current == expected else [path]


def unmatched_at(data: dict, key: str, expected: Any) -> list[Path]:
    """:func:`unmatched` for a flattened ``match__<key>`` parameter."""
    current, path = resolve(data, key)
    return unmatched(current, expected, path)


def remove_matching(data: dict, patterns: list[str]) -> None:
    """Delete from ``data`` what the ``filter`` globs name; a ``+`` glob protects a
    place from the later ones, ``*`` names every key or item at its level."""
    _filter(data, [(pattern.startswith("+"), pattern.lstrip("+-").split("__"))
                   for pattern in patterns])


def _filter(data: Any, globs: list[tuple[bool, list[str]]]) -> None:
    if isinstance(data, dict):
        _filter_dict(data, globs)
    elif isinstance(data, list):
        _filter_list(data, globs)


def _filter_dict(data: dict, globs: list[tuple[bool, list[str]]]) -> None:
    protected: dict = {}
    deeper: dict[str, list] = {}
    for keep, parts in globs:
        head = parts[0]
        if head == "*":
            if keep:
                protected.update(data)
            else:
                data.clear()
        elif head in data:
            if len(parts) > 1:
                deeper.setdefault(head, []).append((keep, parts[1:]))
            elif keep:
                protected[head] = data[head]
            else:
                del data[head]
    data.update(protected)
    for head, inner in deeper.items():
        if head in data:
            _filter(data[head], inner)


def _filter_list(items: list, globs: list[tuple[bool, list[str]]]) -> None:
    protected: set[int] = set()
    removed: set[int] = set()
    deeper: dict[int, list] = {}
    for keep, parts in globs:
        head = parts[0]
        if head == "*":
            if keep:
                protected |= set(range(len(items))) - removed
            else:
                removed |= set(range(len(items))) - protected
            continue
        try:
            index = _index_in(items, head, ())
        except RevisionError:
            continue
        if len(parts) > 1:
            deeper.setdefault(index, []).append((keep, parts[1:]))
        elif keep and index not in removed:
            protected.add(index)
        elif not keep and index not in protected:
            removed.add(index)
    gone = removed - protected
    for index, inner in deeper.items():
        if index not in gone:
            _filter(items[index], inner)
    items[:] = [item for index, item in enumerate(items) if index not in gone]


def merge(data: dict, update: Any, path: Path = ()) -> None:
    """Apply ``update`` to ``data``: new keys are added, dicts merged, lists merged item
    by item (extra items appended), other values replaced."""
    if not isinstance(update, dict):
        raise RevisionError(_("Expected an object for %(key)s", key=_shown(path)[:200]))
    for key, value in update.items():
        _merge_value(data, key, value, path + (key,))


def _merge_list(items: list, update: Any, path: Path) -> None:
    if not isinstance(update, list):
        raise RevisionError(_("Expected a list for %(key)s", key=_shown(path)[:200]))
    for index, value in enumerate(update):
        if index >= len(items):
            items.append(value)
        else:
            _merge_value(items, index, value, path + (index,))


def _merge_value(container: dict | list, key, value: Any, path: Path) -> None:
    if isinstance(container, dict) and key not in container:
        container[key] = value
    elif isinstance(container[key], dict):
        merge(container[key], value, path)
    elif isinstance(container[key], list):
        _merge_list(container[key], value, path)
    else:
        container[key] = value


def merge_at(data: dict, key: str, value: Any) -> None:
    """Apply a flattened ``update__<key>`` parameter; ``<list path>__extend`` appends
    the given list of items."""
    *parents, last = key.split("__")
    target, path = resolve(data, "__".join(parents)) if parents else (data, ())
    if isinstance(target, dict):
        merge(target, {last: value}, path)
    elif isinstance(target, list):
        if last == "extend":
            if not isinstance(value, list):
                raise RevisionError(_("Expected a list for %(key)s", key=key[:200]))
            target.extend(value)
            return
        index = _index_in(target, last, path)
        _merge_value(target, index, value, path + (index,))
    else:
        raise RevisionError(_("Expected a list or an object for %(key)s", key=key[:200]))


def flattened(data: dict, prefix: str) -> dict[str, Any]:
    """The ``<prefix>__<path>`` parameters of a data_dict, by path, values read as
    :func:`json_or_string` (uploads stay as they are)."""
    start = f"{prefix}__"
    return {key[len(start):]: json_or_string(value)
            for key, value in data.items() if key.startswith(start) and len(key) > len(start)}
