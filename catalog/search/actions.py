"""package_search and package_autocomplete."""

from __future__ import annotations

from functools import cache

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import selectinload

from access_control.policy import visibility
from catalog.api.context import Context
from catalog.api.errors import SearchQueryError
from catalog.api.registry import action
from catalog.api.validation import as_bool, as_int, as_list
from catalog.datasets.actions import show_dataset
from catalog.datasets.licenses import get_license
from catalog.datasets.models import Dataset
from catalog.datasets.vocabularies import get_frequency
from catalog.groups.models import Group
from catalog.organizations.models import Organization
from catalog.search import search_index
from catalog.search.analysis import MatchQuery, analyze_query, title_matches
from catalog.search.interfaces import SearchQuery, SearchResult
from catalog.search.query import MAX_QUERY_LENGTH, And, analyse_words, parse_filter, parse_query
from catalog.search.suggestions import did_you_mean
from catalog.search.synonyms import load_synonyms
from catalog.search.vocabulary import known_terms, near_terms

SORTABLE = ("score", "metadata_modified", "metadata_created", "title_string", "name",
            "views_recent")
FACETABLE = ("organization", "groups", "tags", "res_format", "license_id", "access_level",
             "frequency")
MAX_ROWS = 1000  # CKAN's ckan.search.rows_max
MAX_AUTOCOMPLETE = 50


def parse_sort(text: str) -> tuple[tuple[str, str], ...]:
    """``"score desc, metadata_modified desc"`` -> (("score","desc"), ...)."""
    result = []
    for part in (part.strip() for part in text.split(",")):
        if not part:
            continue
        field, _space, direction = part.partition(" ")
        direction = direction.strip().lower() or "asc"
        if field not in SORTABLE or direction not in ("asc", "desc"):
            raise SearchQueryError(_("Cannot sort by: %(sort)s", sort=part[:50]))
        result.append((field, direction))
    return tuple(result) or SearchQuery.sort


def analyse(context: Context, q: str) -> MatchQuery | None:
    """``q`` analysed with the synonym list and typo correction from the vocabulary."""
    connection = context.db.connection()
    return analyze_query(
        q, load_synonyms(context.db),
        known=lambda terms: known_terms(connection, terms),
        near=lambda term: near_terms(connection, term),
    )


def build_query(data: dict, context: Context | None = None) -> SearchQuery:
    """A :class:`SearchQuery` from package_search parameters (CKAN names); with a
    ``context``, ``q`` is analysed with its synonyms and vocabulary."""
    q = str(data.get("q") or "").strip()
    if q in ("*:*", "*"):
        q = ""
    if len(q) > MAX_QUERY_LENGTH:
        raise SearchQueryError(_("The query is too long (at most %(n)s characters)",
                                 n=MAX_QUERY_LENGTH))
    q, fielded = parse_query(q)
    filters = [fielded] + [parse_filter(str(fq)) for fq in as_list(data.get("fq"), "fq")]
    filters += [parse_filter(str(fq)) for fq in as_list(data.get("fq_list"), "fq_list")]
    filters = [f for f in filters if f is not None]
    if context is not None and filters:
        # Fielded words get the synonym list, as q's words do, but no typo correction: a
        # filter finds what was asked for. The list is read only if some clause needs it.
        synonyms = cache(lambda: load_synonyms(context.db))
        filters = [analyse_words(f, lambda text: analyze_query(text, synonyms())) for f in filters]
    facet_fields = [str(f) for f in as_list(data.get("facet.field"), "facet.field")]
    if not as_bool(data.get("facet"), True):
        facet_fields = []
    facet_limit = as_int(data, "facet.limit", 50, minimum=-1)
    default_sort = "score desc, metadata_modified desc" if q else "metadata_modified desc"
    return SearchQuery(
        q=q,
        match=(analyse(context, q) if context is not None else analyze_query(q)) if q else None,
        filter=None if not filters else filters[0] if len(filters) == 1 else And(tuple(filters)),
        sort=parse_sort(str(data.get("sort") or default_sort)),
        # CKAN caps rows at ckan.search.rows_max rather than refusing more.
        rows=min(as_int(data, "rows", 10), MAX_ROWS),
        start=as_int(data, "start", 0),
        facet_fields=tuple(f for f in facet_fields if f in FACETABLE),
        facet_limit=facet_limit,
    )


def _display_names(context: Context, field: str, values: list[str]) -> dict[str, str]:
    """Facet values as people read them (CKAN: titles of organizations, groups and
    licences); Japanese, like the titles themselves."""
    if field == "license_id":
        return {value: found.title for value in values if (found := get_license(value))}
    if field == "frequency":
        return {value: found.label for value in values if (found := get_frequency(value))}
    model = {"organization": Organization, "groups": Group}.get(field)
    if model is None or not values:
        return {}
    rows = context.db.execute(sa.select(model.name, model.title).where(model.name.in_(values)))
    return {name: title or name for name, title in rows}


@action("package_search", read_only=True)
def package_search(context: Context, data: dict) -> dict:
    """Search the datasets the caller may read.

    :param q: words to look for; with a colon, Solr syntax as in ``fq``: its fielded
        clauses filter (``人口 organization:tokei``, ``title:人口 OR notes:県``) and its
        other words are searched as ``q`` is
    :param fq: filter in Solr syntax (``tags:人口 res_format:CSV``, ``name:douro*``,
        ranges, AND/OR/NOT); a field CKAN does not index matches nothing
    :param rows: page size (default 10; more than 1000 gives 1000)
    :param start: offset
    :param sort: e.g. ``score desc, metadata_modified desc``
    :param facet.field: JSON list of fields to count (organization, groups, tags,
        res_format, license_id, access_level, frequency)
    :param facet.limit: values per facet (default 50, -1 for all)
    :param include_private: include the closed datasets the caller may read (default
        false, as in CKAN: a client holding a staff token gets open data unless it asks;
        the caller's visibility always applies)
    :param include_drafts: also the drafts the caller may edit (default false, as in
        CKAN; sysadmins: every draft); ``include_private`` applies to them too
    """
    query = build_query(data, context)
    seen_by = visibility(context.principal)
    if not as_bool(data.get("include_private"), False):
        seen_by = seen_by.open_only()
    if as_bool(data.get("include_drafts"), False):
        seen_by = seen_by.with_drafts()
    if query.q and query.match is None:  # only particles and punctuation: nothing to find
        result = SearchResult(count=0, ids=[], facets={field: [] for field in query.facet_fields})
    else:
        result = search_index().search(query, seen_by)
    # The index may lag a change by a moment: re-check visibility on the rows returned
    # (in Python: as a SQL condition it could lead SQLite away from the primary key).
    datasets = {
        dataset.id: dataset
        for dataset in context.db.scalars(
            sa.select(Dataset)
            .where(Dataset.id.in_(result.ids))
            .options(selectinload(Dataset.resources), selectinload(Dataset.tags),
                     selectinload(Dataset.groups))
        )
        if seen_by.lists(dataset.state, dataset.owner_org_id, dataset.id)
        and seen_by.allows(dataset.access_level, dataset.owner_org_id, dataset.id)
    }
    search_facets, facets = {}, {}
    for field, items in result.facets.items():
        names = _display_names(context, field, [value for value, _count in items])
        facets[field] = dict(items)
        search_facets[field] = {
            "title": field,
            "items": [
                {"name": value, "display_name": names.get(value, value), "count": count}
                for value, count in items
            ],
        }
    body = {
        "count": result.count,
        "results": [show_dataset(context, datasets[i]) for i in result.ids if i in datasets],
        "facets": facets,
        "search_facets": search_facets,
        "sort": ", ".join(f"{field} {direction}" for field, direction in query.sort),
    }
    if result.count == 0 and query.q and ":" not in str(data.get("q") or ""):
        # Not in CKAN's reply; CKAN clients ignore it. The search page offers it. Only for
        # a q of words alone: a correction of its words would drop its fielded clauses.
        body["did_you_mean"] = did_you_mean(context, query, seen_by)
    return body


@action("package_autocomplete", read_only=True)
def package_autocomplete(context: Context, data: dict) -> list[dict]:
    """Datasets the caller may read whose title matches ``q``, for suggestions as you
    type: full-text matches first, then titles (or, as in CKAN, URL names) containing
    the text typed so far. ``match_field`` says which matched.

    :param q: the text typed so far
    :param limit: at most this many (default 10; more than 50 gives 50)
    """
    q = str(data.get("q") or "").strip()[:200]
    if not q:
        return []
    limit = min(as_int(data, "limit", 10, minimum=1), MAX_AUTOCOMPLETE)  # capped, as rows
    seen_by = visibility(context.principal)
    match = analyse(context, q)
    ids = [] if match is None else search_index().search(
        SearchQuery(q=q, match=match, rows=limit * 3), seen_by).ids
    if ids:  # suggestions are titles: keep the datasets whose title itself matches
        titles = dict(context.db.execute(
            sa.select(Dataset.id, Dataset.title).where(Dataset.id.in_(ids))).all())
        ids = [i for i in ids if title_matches(match, titles.get(i, ""))][:limit]
    if len(ids) < limit:
        # A half-typed word is not yet a word: fall back to the title (or name) as typed.
        ids += [dataset_id for dataset_id in context.db.scalars(
            sa.select(Dataset.id).where(
                Dataset.state == "active", seen_by.dataset_clause(),
                sa.or_(Dataset.title.contains(q, autoescape=True),
                       Dataset.name.contains(q.lower(), autoescape=True)),
                Dataset.id.not_in(ids))
            .order_by(Dataset.modified.desc()).limit(limit - len(ids)))]
    rows = {
        dataset_id: (name, title)
        for dataset_id, name, title, state, level, org in context.db.execute(
            sa.select(Dataset.id, Dataset.name, Dataset.title, Dataset.state,
                      Dataset.access_level, Dataset.owner_org_id).where(Dataset.id.in_(ids)))
        if state == "active" and seen_by.allows(level, org, dataset_id)
    }
    by_name = {i for i, (name, title) in rows.items()
               if q.lower() in name and q not in title}
    return [
        {"name": rows[i][0], "title": rows[i][1],
         "match_field": "name" if i in by_name else "title",
         "match_displayed": rows[i][0] if i in by_name else rows[i][1]}
        for i in ids if i in rows
    ]
