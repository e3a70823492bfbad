"""``ElasticsearchIndex``: the search engine for scale (``CATALOG_SEARCH_URL=http://...``).

Text arrives pre-tokenised by :mod:`catalog.search.analysis` and is split on spaces only,
so Elasticsearch matches exactly the datasets the SQL engine matches. Searches go through
an alias; ``catalog search rebuild`` fills a new index and swaps the alias atomically.
"""

from __future__ import annotations

import uuid
from datetime import timezone
from typing import Iterable
from urllib.parse import urlsplit

from elasticsearch import Elasticsearch, NotFoundError, helpers

from access_control.policy import Visibility
from catalog.search.analysis import FIELDS, TIERS, MatchQuery
from catalog.search.es_filters import (
    every_resource_query, extras_value, filter_query, formats_field, within_fields,
)
from catalog.search.interfaces import SearchDocument, SearchQuery, SearchResult

DEFAULT_ALIAS = "catalog-datasets"
_KEYWORDS = ("id", "name", "owner_org", "organization", "groups", "tags", "res_format",
             "res_format_lower", "res_format_open", "res_format_open_lower",
             "res_format_internal", "res_format_internal_lower", "license_id", "access_level", "frequency", "state", "type",
             "title_sort")
# Dates sort on microseconds, as stored by the catalog (Elasticsearch dates keep only
# milliseconds, and a tie would be broken differently from the SQL engine).
_SORT_FIELDS = {"metadata_modified": "modified_us", "metadata_created": "created_us",
                "title_string": "title_sort", "name": "name", "views_recent": "views_recent"}
_MAX_FACET_VALUES = 10000
# Keywords only filters read (fq=author:..., extras_<key>:...). Longer values are not
# indexed: Lucene refuses a term over 32766 bytes (8191 characters of up to 4 bytes).
_FILTER_KEYWORDS = ("author", "maintainer", "url", "res_url", "extras")
_FILTER_KEYWORD = {"type": "keyword", "ignore_above": 8191}


def _mappings() -> dict:
    text = {"type": "text", "analyzer": "terms", "norms": True}
    properties = {f"{name}_terms": dict(text) for name in FIELDS}
    properties["all"] = {"type": "text", "analyzer": "terms", "norms": False}
    properties.update({name: {"type": "keyword"} for name in _KEYWORDS})
    properties.update({name: dict(_FILTER_KEYWORD) for name in _FILTER_KEYWORDS})
    properties.update({
        "metadata_modified": {"type": "date"}, "metadata_created": {"type": "date"},
        "num_resources": {"type": "integer"}, "num_tags": {"type": "integer"},
        "views_recent": {"type": "integer"},
        "modified_us": {"type": "long"}, "created_us": {"type": "long"},
    })
    return {"dynamic": "strict", "properties": properties}


_SETTINGS = {
    "number_of_shards": 1,  # exact facet counts and one set of term statistics
    "max_result_window": 100000,
    "analysis": {"analyzer": {"terms": {"type": "custom", "tokenizer": "whitespace"}}},
}


def _source(document: SearchDocument) -> dict:
    terms = document.terms
    source = {f"{name}_terms": " ".join(terms[name]) for name in FIELDS}
    source["all"] = " ".join(term for name in FIELDS for term in terms[name])
    source.update(
        id=document.id, name=document.name, owner_org=document.owner_org,
        organization=document.organization, groups=document.groups, tags=document.tags,
        res_format=document.res_format,
        res_format_lower=[value.lower() for value in document.res_format],
        **_formats_by_level(document),
        # Empty values are absent (no facet bucket for "", as in the SQL engine).
        license_id=document.license_id or None, access_level=document.access_level,
        frequency=document.frequency or None, state=document.state, type=document.type,
        title_sort=document.title,
        author=document.author, maintainer=document.maintainer, url=document.url,
        res_url=document.res_url,
        extras=[extras_value(key, value) for key, value in sorted(document.extras.items())],
        metadata_modified=document.metadata_modified.isoformat(),
        metadata_created=document.metadata_created.isoformat(),
        num_resources=document.num_resources, num_tags=document.num_tags,
        views_recent=document.views_recent,
        modified_us=_microseconds(document.metadata_modified),
        created_us=_microseconds(document.metadata_created),
    )
    return source


def _formats_by_level(document: SearchDocument) -> dict:
    """``res_format_<level>``: formats of resources readable by a caller allowed the
    levels up to ``<level>`` (inheriting, or with such a level of their own)."""
    fields = {}
    for level, allowed in (("open", {"open"}), ("internal", {"open", "internal"})):
        formats = sorted({fmt for fmt, own in document.resource_formats
                          if own is None or own in allowed})
        fields[f"res_format_{level}"] = formats
        fields[f"res_format_{level}_lower"] = [fmt.lower() for fmt in formats]
    return fields


def _microseconds(moment) -> int:
    """Microseconds since the epoch of a naive UTC timestamp."""
    return int(moment.replace(tzinfo=timezone.utc).timestamp()) * 1_000_000 + moment.microsecond


def match_query(match: MatchQuery) -> dict:
    """The Elasticsearch query of an analysed query: it matches when every clause does,
    and scores the dataset's tier (:data:`catalog.search.analysis.TIERS`), as the SQL
    engines rank."""
    return {"dis_max": {"queries": [
        {"constant_score": {"filter": within_fields(match, fields), "boost": tier}}
        for tier, fields in TIERS
    ]}}


def _format_aggregations(visibility: Visibility) -> dict:
    """Formats counted only through resources the caller may read: datasets whose every
    resource it reads count all their formats, the others the formats of their level
    field (the two sets of datasets are disjoint, so the counts add up)."""
    terms = {"size": _MAX_FACET_VALUES, "order": [{"_count": "desc"}, {"_key": "asc"}]}
    if visibility.everything:
        return {"res_format__every": {"terms": {"field": "res_format", **terms}}}
    aggregations = {}
    readers = every_resource_query(visibility)
    by_level = formats_field(visibility)
    if readers is not None:
        aggregations["res_format__every"] = {
            "filter": readers, "aggs": {"formats": {"terms": {"field": "res_format", **terms}}}}
    if by_level is not None:
        others = {"bool": {"must_not": [readers]}} if readers is not None else {"match_all": {}}
        aggregations["res_format__level"] = {
            "filter": others, "aggs": {"formats": {"terms": {"field": by_level, **terms}}}}
    return aggregations


def _format_buckets(aggregations: dict) -> list[tuple[str, int]]:
    counts: dict[str, int] = {}
    for name in ("res_format__every", "res_format__level"):
        if name not in aggregations:
            continue
        result = aggregations[name]
        buckets = result["buckets"] if "buckets" in result else result["formats"]["buckets"]
        for bucket in buckets:
            counts[bucket["key"]] = counts.get(bucket["key"], 0) + bucket["doc_count"]
    return sorted(((key, n) for key, n in counts.items() if n > 0),
                  key=lambda item: (-item[1], item[0]))


def visibility_query(visibility: Visibility) -> dict | None:
    """The policy's rule (:meth:`Visibility.allows`) as a filter; None for everything."""
    if visibility.everything:
        return None
    should = [{"terms": {"access_level": sorted(visibility.levels)}}]
    if visibility.organizations:
        should.append({"terms": {"owner_org": sorted(visibility.organizations)}})
    if visibility.datasets:
        should.append({"terms": {"id": sorted(visibility.datasets)}})
    return {"bool": {"should": should, "minimum_should_match": 1}}


def state_query(visibility: Visibility) -> dict:
    """The policy's listing rule (:meth:`Visibility.state_clause`) as a filter: active
    datasets, and with ``drafts`` the drafts the caller may edit."""
    active = {"term": {"state": "active"}}
    if not visibility.drafts:
        return active
    if visibility.edits_everything:
        editable = {"match_all": {}}
    else:
        should = []
        if visibility.edit_organizations:
            should.append({"terms": {"owner_org": sorted(visibility.edit_organizations)}})
        if visibility.edit_datasets:
            should.append({"terms": {"id": sorted(visibility.edit_datasets)}})
        if not should:
            return active
        editable = {"bool": {"should": should, "minimum_should_match": 1}}
    draft = {"bool": {"filter": [{"term": {"state": "draft"}}, editable]}}
    return {"bool": {"should": [active, draft], "minimum_should_match": 1}}


class ElasticsearchIndex:
    """A :class:`~catalog.search.interfaces.SearchIndex` on Elasticsearch 8 or 9 (or a
    compatible server). The URL's path, if any, names the alias (default
    ``catalog-datasets``), so several catalogs can share a cluster."""

    def __init__(self, url: str):
        parts = urlsplit(url)
        self.alias = parts.path.strip("/") or DEFAULT_ALIAS
        self.building_alias = f"{self.alias}-building"
        self.client = Elasticsearch(f"{parts.scheme}://{parts.netloc}", request_timeout=30)
        self._ready = False

    # --- indices and aliases --------------------------------------------------------

    def _create_index(self) -> str:
        name = f"{self.alias}-{uuid.uuid4().hex[:12]}"
        self.client.indices.create(index=name, settings=_SETTINGS, mappings=_mappings())
        return name

    def _indices_of(self, alias: str) -> list[str]:
        try:
            return sorted(self.client.indices.get_alias(name=alias))
        except NotFoundError:
            return []

    def _ensure(self) -> None:
        if self._ready:
            return
        if not self.client.indices.exists_alias(name=self.alias):
            name = self._create_index()
            self.client.indices.update_aliases(actions=[{"add": {"index": name, "alias": self.alias}}])
        else:
            # An index made before the filter keywords existed gets them (adding fields is
            # allowed; the mapping is strict, so writing them would fail otherwise). Its
            # documents have them once re-indexed: catalog search rebuild.
            added = {name: dict(_FILTER_KEYWORD) for name in _FILTER_KEYWORDS}
            self.client.indices.put_mapping(index=self.alias, properties=added)
        self._ready = True

    def _write_targets(self) -> list[str]:
        self._ensure()
        return [self.alias] + ([self.building_alias] if self._indices_of(self.building_alias) else [])

    # --- writing --------------------------------------------------------------------

    def _bulk(self, actions: list[dict], refresh: bool = True) -> None:
        if actions:
            helpers.bulk(self.client, actions, refresh=refresh, raise_on_error=True)

    def index(self, documents: Iterable[SearchDocument], connection=None) -> None:
        sources = [(document.id, _source(document)) for document in documents]
        self._bulk([{"_index": target, "_id": doc_id, "_source": source}
                    for target in self._write_targets() for doc_id, source in sources])

    def delete(self, dataset_ids: Iterable[str], connection=None) -> None:
        ids = list(dataset_ids)
        if not ids:
            return
        for target in self._write_targets():
            self.client.delete_by_query(index=target, query={"ids": {"values": ids}},
                                        refresh=True, conflicts="proceed")

    def clear(self) -> None:
        for target in self._write_targets():
            self.client.delete_by_query(index=target, query={"match_all": {}}, refresh=True,
                                        conflicts="proceed")

    # --- rebuilding -----------------------------------------------------------------

    def start_rebuild(self) -> None:
        self._ensure()
        self.abort_rebuild()
        name = self._create_index()
        self.client.indices.update_aliases(
            actions=[{"add": {"index": name, "alias": self.building_alias}}])

    def index_rebuild(self, documents: Iterable[SearchDocument], connection=None) -> None:
        if not self._indices_of(self.building_alias):
            raise RuntimeError("no rebuild in progress")
        self._bulk([{"_index": self.building_alias, "_id": d.id, "_source": _source(d)}
                    for d in documents], refresh=False)

    def finish_rebuild(self) -> None:
        new = self._indices_of(self.building_alias)
        if not new:
            raise RuntimeError("no rebuild in progress")
        old = self._indices_of(self.alias)
        self.client.indices.refresh(index=new[0])
        actions = [{"remove": {"index": name, "alias": self.alias}} for name in old]
        actions += [{"add": {"index": new[0], "alias": self.alias}},
                    {"remove": {"index": new[0], "alias": self.building_alias}}]
        self.client.indices.update_aliases(actions=actions)  # atomic swap
        for name in old:
            self.client.indices.delete(index=name)

    def abort_rebuild(self) -> None:
        for name in self._indices_of(self.building_alias):
            self.client.indices.delete(index=name)

    # --- searching ------------------------------------------------------------------

    def search(self, query: SearchQuery, visibility: Visibility) -> SearchResult:
        self._ensure()
        filters = [state_query(visibility)]
        seen = visibility_query(visibility)
        if seen is not None:
            filters.append(seen)
        if query.filter is not None:
            filters.append(filter_query(query.filter, visibility))
        body_query = {"bool": {"filter": filters}}
        if query.match is not None:
            body_query["bool"]["must"] = [match_query(query.match)]
        limit = _MAX_FACET_VALUES if query.facet_limit < 0 else max(query.facet_limit, 1)
        aggregations = {
            field: {"terms": {"field": field, "size": limit,
                              "order": [{"_count": "desc"}, {"_key": "asc"}]}}
            for field in query.facet_fields if field != "res_format"
        }
        if "res_format" in query.facet_fields:
            aggregations.update(_format_aggregations(visibility))
        response = self.client.search(
            index=self.alias, query=body_query, from_=query.start, size=query.rows,
            sort=self._sort(query), track_total_hits=True, source=False,
            aggs=aggregations or None,
        )
        facets = {
            field: (_format_buckets(response["aggregations"]) if field == "res_format" else [
                (bucket["key"], bucket["doc_count"])
                for bucket in response["aggregations"][field]["buckets"]])[
                    :limit if query.facet_limit >= 0 else None]
            for field in query.facet_fields
        } if aggregations else {}
        if query.facet_limit == 0:
            facets = {field: [] for field in facets}
        return SearchResult(count=response["hits"]["total"]["value"],
                            ids=[hit["_id"] for hit in response["hits"]["hits"]], facets=facets)

    @staticmethod
    def _sort(query: SearchQuery) -> list:
        sort = []
        for field, direction in query.sort:
            if field == "score":
                sort.append({"_score": {"order": direction}})
            elif field in _SORT_FIELDS:
                sort.append({_SORT_FIELDS[field]: {"order": direction}})
        fields = {field for field, _direction in query.sort}
        if "metadata_modified" not in fields:
            sort.append({"modified_us": {"order": "desc"}})
        if "name" not in fields:
            sort.append({"name": {"order": "asc"}})
        return sort
