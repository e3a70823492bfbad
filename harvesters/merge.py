"""Local edits of harvested datasets are kept and flagged, never silently overwritten.

After every import the record keeps the harvested fields as the dataset then had them
(:func:`comparable`). At the next change from the source, a field whose value in the
catalog differs from that snapshot was edited locally: the local value is kept, the field
is flagged (in the report and on the dataset page), and the source's value for the other
fields is applied. Reverting a local edit to the harvested value lets the source update
that field again. One exception: the source may always make a dataset *stricter* than a
local edit left it, never more open (a source that now says "personal data" wins).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from access_control.levels import AccessLevel

# Fields set only when the dataset is created: later renames at the source would break
# the catalog's URLs.
CREATE_ONLY = frozenset({"name"})
RESOURCE_KEYS = ("name", "description", "format", "url")


def comparable(package: dict, keys) -> dict:
    """The values of ``keys`` in ``package`` (a package_show dict), in a form where equal
    content compares equal."""
    view = {}
    for key in keys:
        value = package.get(key)
        if key == "tags":
            view[key] = sorted({_tag_name(tag) for tag in value or []})
        elif key == "groups":
            view[key] = sorted(g.get("name", "") if isinstance(g, dict) else str(g)
                               for g in value or [])
        elif key == "extras":
            view[key] = _extras_dict(value)
        elif key == "resources":
            view[key] = [{k: str(r.get(k) or "") for k in RESOURCE_KEYS} for r in value or []]
        else:
            view[key] = "" if value is None else str(value).strip()
    return view


@dataclass
class Merge:
    """What to apply to an existing dataset, and which fields keep local edits."""

    patch: dict
    edited: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def merge(remote: dict, harvested: dict, local: dict) -> Merge:
    """Three-way merge of one remote package into a dataset.

    ``harvested`` is the snapshot taken after the last import, ``local`` is
    :func:`comparable` of the dataset now, ``remote`` the new package from the source.
    """
    keys = [key for key in remote if key not in CREATE_ONLY]
    edited = [key for key in keys if key in harvested and local.get(key) != harvested[key]]
    patch = {key: remote[key] for key in keys if key not in edited}
    result = Merge(patch=patch, edited=edited)
    if "access_level" in edited:
        source_level = AccessLevel(remote["access_level"])
        if not AccessLevel(local["access_level"]).at_least_as_strict_as(source_level):
            patch["access_level"] = source_level.value
            result.edited.remove("access_level")
            result.notes.append("access_level")
    return result


def next_snapshot(harvested: dict, now: dict, edited: list[str]) -> dict:
    """The snapshot to keep after an import: what the dataset now has, except for fields
    that keep local edits, whose snapshot stays the last harvested value (so that they
    stay recognised as edited)."""
    return {key: harvested[key] if key in edited and key in harvested else value
            for key, value in now.items()}


def _tag_name(tag) -> str:
    return (tag.get("name", "") if isinstance(tag, dict) else str(tag)).strip()


def _extras_dict(value) -> dict:
    if isinstance(value, dict):
        return {str(k): "" if v is None else str(v) for k, v in value.items()}
    return {str(item.get("key")): "" if item.get("value") is None else str(item["value"])
            for item in value or [] if isinstance(item, dict)}
