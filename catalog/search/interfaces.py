"""The search index contract and the values that cross it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Iterable, Protocol

from access_control.policy import Visibility
from catalog.search.query import Filter


@dataclass(frozen=True)
class SearchDocument:
    """What the index knows of one dataset: text by field (weighted by the index) and the
    values used for filters, facets, sorting and the visibility filter."""

    id: str
    name: str
    title: str
    notes: str
    tags: list[str]
    groups: list[str]
    organization: str  # organization name
    owner_org: str  # organization id (the visibility filter uses it)
    organization_title: str
    access_level: str
    state: str
    license_id: str
    frequency: str
    res_format: list[str]
    resource_text: list[str]  # resource names and descriptions
    column_text: list[str]  # column names and descriptions of ingested tables
    metadata_created: datetime
    metadata_modified: datetime
    num_resources: int
    num_tags: int
    views_recent: int = 0


@dataclass(frozen=True)
class SearchQuery:
    q: str = ""
    filter: Filter | None = None
    # (field, "asc"|"desc") pairs; field is "score" or a sortable document field.
    sort: tuple[tuple[str, str], ...] = (("score", "desc"), ("metadata_modified", "desc"))
    rows: int = 10
    start: int = 0
    facet_fields: tuple[str, ...] = ()
    facet_limit: int = 50


@dataclass
class SearchResult:
    count: int
    ids: list[str]  # this page, best first
    facets: dict[str, list[tuple[str, int]]] = field(default_factory=dict)


class SearchIndex(Protocol):
    """A full-text index of datasets. Implementations: ``SqlSearchIndex``,
    ``ElasticsearchIndex``. Every search is restricted by the caller's visibility."""

    def index(self, documents: Iterable[SearchDocument]) -> None:
        """Add or replace documents."""

    def delete(self, dataset_ids: Iterable[str]) -> None:
        """Remove documents; unknown ids are ignored."""

    def search(self, query: SearchQuery, visibility: Visibility) -> SearchResult:
        """Active datasets matching ``query`` that ``visibility`` allows; counts and facet
        counts only ever include those."""

    def clear(self) -> None:
        """Remove every document."""
