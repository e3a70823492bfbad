"""The search index contract and the values that cross it."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from datetime import datetime
from typing import Iterable, Protocol

from access_control.policy import Visibility
from catalog.search.analysis import MatchQuery
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
    res_format: list[str]  # every resource's format (who may see which: resource_formats)
    resource_text: list[str]  # resource names and descriptions
    column_text: list[str]  # column names and descriptions of ingested tables
    metadata_created: datetime
    metadata_modified: datetime
    num_resources: int
    num_tags: int
    views_recent: int = 0
    group_titles: list[str] = field(default_factory=list)
    type: str = "dataset"
    # (format, the resource's own access level or None when it inherits the dataset's)
    # per resource: a format counts for a caller only through resources they may read.
    resource_formats: list[tuple[str, str | None]] = field(default_factory=list)
    # Values only filters read (fq=author:..., res_url:..., extras_<key>:...).
    author: str = ""
    maintainer: str = ""
    url: str = ""
    res_url: list[str] = field(default_factory=list)  # resources sharing the dataset's level
    extras: dict[str, str] = field(default_factory=dict)

    @cached_property
    def terms(self) -> dict[str, list[str]]:
        """Index terms by weighted field (computed once per document)."""
        from catalog.search.documents import document_terms_of

        return document_terms_of(self)


@dataclass(frozen=True)
class SearchQuery:
    """What to search for. ``match`` is the analysed form of ``q`` (None: no full-text
    condition); engines use ``match`` only, so every engine matches the same datasets."""

    q: str = ""
    match: MatchQuery | None = None
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
    ``ElasticsearchIndex``. Every search is restricted by the caller's visibility.

    ``connection`` is the caller's open transaction on the catalog database: an engine
    that lives in that database writes in it (so the write commits or rolls back with the
    outbox); others ignore it."""

    def index(self, documents: Iterable[SearchDocument], connection=None) -> None:
        """Add or replace documents (in the current index and in one being rebuilt)."""

    def delete(self, dataset_ids: Iterable[str], connection=None) -> None:
        """Remove documents; unknown ids are ignored."""

    def search(self, query: SearchQuery, visibility: Visibility) -> SearchResult:
        """Datasets matching ``query`` that ``visibility`` allows and lists (active ones;
        with ``visibility.drafts``, also the drafts it may edit: see
        :meth:`Visibility.state_clause`); counts and facet counts only ever include
        those. Documents of drafts are indexed like any other."""

    def clear(self) -> None:
        """Remove every document."""

    def start_rebuild(self) -> None:
        """Create a new, empty index beside the current one, which keeps serving
        searches; from now on :meth:`index` and :meth:`delete` write to both."""

    def index_rebuild(self, documents: Iterable[SearchDocument], connection=None) -> None:
        """Add documents to the index being rebuilt only."""

    def finish_rebuild(self) -> None:
        """Swap the rebuilt index in (atomically) and drop the old one."""

    def abort_rebuild(self) -> None:
        """Drop the index being rebuilt, if any; the current one stays."""
