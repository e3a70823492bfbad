"""The read paths of the leak matrix (tests/access_control/test_leak_matrix.py).

A read path is one small function ``(world, caller) -> str`` returning the text a
caller receives through one way of reading the catalog (an API action, a page, a
feed, a download...). The matrix runs every path for every principal and checks that
each marker of the closed datasets appears exactly when the policy lets that principal
read it.

Adding a path (e.g. for DataStore queries, DCAT feeds, sitemaps, showcase pages,
harvest reports): put a module in this package, and in it one function per path::

    from tests.access_control.read_paths import read_path

    @read_path("datastore_search", reveals={"file"})
    def datastore_search(world, caller):
        return "".join(caller.api("datastore_search", resource_id=s.resource_id)[1]
                       for s in world.secrets)

``reveals`` lists the marker kinds a reader must see through this path (see
:data:`MARKER_KINDS`); every other marker kind only has to stay hidden from those who
may not read. A path that learns only counts emits ``secret.markers["exists"]`` when a
count shows the secret is there. Modules whose names start with ``_`` are helpers.
"""

from __future__ import annotations

import importlib
import pkgutil
from dataclasses import dataclass
from typing import Callable

# title, notes and tag of a dataset; content of its file; name of a resource; and
# "exists", emitted by paths that only see counts.
MARKER_KINDS = ("title", "notes", "tag", "file", "resname", "exists")


@dataclass(frozen=True)
class ReadPath:
    name: str
    function: Callable
    reveals: frozenset[str]


READ_PATHS: dict[str, ReadPath] = {}


def read_path(name: str, *, reveals=()) -> Callable:
    """Register the decorated ``(world, caller) -> str`` function as read path ``name``."""
    unknown = set(reveals) - set(MARKER_KINDS)
    if unknown:
        raise ValueError(f"unknown marker kinds {unknown}")

    def register(function: Callable) -> Callable:
        if name in READ_PATHS:
            raise ValueError(f"read path {name!r} registered twice")
        READ_PATHS[name] = ReadPath(name, function, frozenset(reveals))
        return function

    return register


def all_read_paths() -> list[ReadPath]:
    """Every registered path, after importing every module of this package."""
    for module in pkgutil.iter_modules(__path__):
        if not module.name.startswith("_"):
            importlib.import_module(f"{__name__}.{module.name}")
    return sorted(READ_PATHS.values(), key=lambda path: path.name)
