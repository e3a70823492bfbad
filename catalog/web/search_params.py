"""Search page parameters: the query string of /dataset <-> package_search arguments."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from werkzeug.datastructures import MultiDict

FACET_FIELDS = ("organization", "groups", "tags", "res_format", "license_id", "access_level",
                "frequency")
SORT_OPTIONS = {
    "": "score desc, metadata_modified desc",
    "newest": "metadata_modified desc",
    "title": "title_string asc",
    "name": "name asc",
    "popular": "views_recent desc",
}
PAGE_SIZE = 20


def _quote(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


@dataclass
class SearchParams:
    """What the search page was asked for, parsed from its (shareable) URL."""

    q: str
    selected: MultiDict  # facet field -> chosen values
    sort: str
    page: int

    @classmethod
    def from_args(cls, args: MultiDict) -> "SearchParams":
        try:
            page = max(1, int(args.get("page", 1)))
        except ValueError:
            page = 1
        selected = MultiDict(
            [(field, value) for field in FACET_FIELDS for value in args.getlist(field) if value]
        )
        sort = args.get("sort", "")
        return cls(
            q=args.get("q", "").strip()[:500],
            selected=selected,
            sort=sort if sort in SORT_OPTIONS else "",
            page=min(page, 500),
        )

    def package_search_args(self, extra_fq: str = "") -> dict:
        clauses = [f"{field}:{_quote(value)}" for field, value in self.selected.items(multi=True)]
        if extra_fq:
            clauses.append(extra_fq)
        sort = SORT_OPTIONS[self.sort] if self.q or self.sort else "metadata_modified desc"
        return {
            "q": self.q,
            "fq": " AND ".join(clauses),
            "rows": PAGE_SIZE,
            "start": (self.page - 1) * PAGE_SIZE,
            "sort": sort,
            "facet.field": list(FACET_FIELDS),
            "facet.limit": 10,
            "include_private": True,  # the pages show staff everything they may read
        }

    def url_args(self, **changes) -> str:
        """The query string with ``changes`` applied; page resets unless given."""
        items = MultiDict()
        if self.q:
            items.add("q", self.q)
        for field, value in self.selected.items(multi=True):
            items.add(field, value)
        if self.sort:
            items.add("sort", self.sort)
        toggle = changes.pop("toggle", None)
        if toggle:
            field, value = toggle
            values = items.poplist(field)
            values = [v for v in values if v != value] if value in values else values + [value]
            for v in values:
                items.add(field, v)
        for key, value in changes.items():
            items.poplist(key)
            if value not in (None, "", 1) or (key == "page" and value not in (None, 1)):
                items.add(key, value)
        return urlencode(list(items.items(multi=True)))

    def is_selected(self, field: str, value: str) -> bool:
        return value in self.selected.getlist(field)
