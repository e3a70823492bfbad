"""``SqlSearchIndex``: search in the catalog's own database (the embedded default).

Full-text matching uses the database's own index (FTS5 on SQLite, GIN over ``tsvector``
on PostgreSQL, see :mod:`catalog.search.sql_stores`) over the terms of
:mod:`catalog.search.analysis`. On PostgreSQL, filters, visibility, facets and sorting
run as SQL over the catalog tables (a filter's analysed words, ``title:人口``, read the
index). On SQLite they read the index's ``entries`` rows:
visibility keys there are kept exact by triggers in the changing transaction; facet
values and sort keys follow the outbox (a moment behind a change, like the text), and a
resource change drops its dataset's formats until then. The match-all query's counts are
kept in memory per (access level, organization) and per index version, for active
datasets only: drafts are indexed, but only a search listing drafts
(:attr:`Visibility.drafts`) finds them, and counts its rows instead.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Iterable

import sqlalchemy as sa

from access_control.policy import Visibility
from catalog.datasets.models import Dataset, Resource, Tag, dataset_groups, dataset_tags
from catalog.groups.models import Group
from catalog.organizations.models import Organization
from catalog.search.interfaces import SearchDocument, SearchQuery, SearchResult
from catalog.search.models import SearchGeneration
from catalog.search.sql_filters import filter_clause
from catalog.search.sql_stores import Fts5Store, fts5_tables, level_mask, store_for

ENGINE_NAME = "sql"


class SqlSearchIndex:
    """A :class:`~catalog.search.interfaces.SearchIndex` in the catalog database."""

    def __init__(self, engine: sa.Engine):
        self.engine = engine
        self.store = store_for(engine.dialect.name)
        self._created: set[int] = set()
        # (table, token, version) -> counts of every active dataset (see _cells).
        self._cell_cache: tuple | None = None
        # (values table, token) -> {number: (field, value)}: numbers are never reused.
        self._values: dict[tuple, dict[int, tuple[str, str]]] = {}

    # --- generations ----------------------------------------------------------------

    def _generations(self, connection: sa.Connection) -> tuple[int, int | None]:
        row = connection.execute(
            sa.select(SearchGeneration.active, SearchGeneration.building)
            .where(SearchGeneration.engine == ENGINE_NAME)
        ).first()
        active, building = (row[0], row[1]) if row else (1, None)
        self._ensure(connection, active)
        return active, building

    def _ensure(self, connection: sa.Connection, generation: int) -> None:
        if generation not in self._created:
            self.store.create(connection, generation)
            self._created.add(generation)

    def _written_generations(self, connection: sa.Connection) -> list[int]:
        active, building = self._generations(connection)
        return [active] if building is None else [active, building]

    def _in_transaction(self, connection: sa.Connection | None, work) -> None:
        if connection is not None:
            work(connection)
            return
        with self.engine.begin() as own:
            work(own)

    # --- writing --------------------------------------------------------------------

    def index(self, documents: Iterable[SearchDocument], connection=None) -> None:
        rows = list(documents)
        if rows:
            self._in_transaction(connection, lambda c: [
                self.store.write(c, generation, rows) for generation in self._written_generations(c)])

    def delete(self, dataset_ids: Iterable[str], connection=None) -> None:
        ids = list(dataset_ids)
        if ids:
            self._in_transaction(connection, lambda c: [
                self.store.remove(c, generation, ids) for generation in self._written_generations(c)])

    def clear(self) -> None:
        with self.engine.begin() as connection:
            for generation in self._written_generations(connection):
                self.store.clear(connection, generation)

    # --- rebuilding -----------------------------------------------------------------

    def start_rebuild(self) -> None:
        with self.engine.begin() as connection:
            active, building = self._generations(connection)
            if building is not None:
                self.store.drop(connection, building)
            building = active + 1 if building is None else building + 1
            self.store.create(connection, building)
            self._created.add(building)
            self._set_generations(connection, active, building)

    def index_rebuild(self, documents: Iterable[SearchDocument], connection=None) -> None:
        rows = list(documents)

        def write(c):
            _active, building = self._generations(c)
            if building is None:
                raise RuntimeError("no rebuild in progress")
            self.store.write(c, building, rows)

        self._in_transaction(connection, write)

    def finish_rebuild(self) -> None:
        with self.engine.begin() as connection:
            active, building = self._generations(connection)
            if building is None:
                raise RuntimeError("no rebuild in progress")
            self._set_generations(connection, building, None)
            self.store.drop(connection, active)
        self._created.discard(active)
        with self.engine.begin() as connection:
            # Fresh statistics, or the planner guesses (PostgreSQL would scan every
            # dataset and test each one's terms rather than use the GIN index).
            connection.exec_driver_sql("ANALYZE")

    def abort_rebuild(self) -> None:
        with self.engine.begin() as connection:
            active, building = self._generations(connection)
            if building is not None:
                self.store.drop(connection, building)
                self._set_generations(connection, active, None)

    @staticmethod
    def _set_generations(connection, active: int, building: int | None) -> None:
        table = SearchGeneration.__table__
        updated = connection.execute(
            table.update().where(table.c.engine == ENGINE_NAME)
            .values(active=active, building=building, modified=sa.func.now()))
        if updated.rowcount == 0:
            connection.execute(table.insert().values(
                engine=ENGINE_NAME, active=active, building=building, modified=sa.func.now()))

    # --- searching ------------------------------------------------------------------

    def search(self, query: SearchQuery, visibility: Visibility) -> SearchResult:
        if isinstance(self.store, Fts5Store):
            with self.engine.connect() as connection:
                active, _building = self._generations(connection)
                try:
                    return self._fts5_search(connection, active, query, visibility)
                finally:
                    connection.rollback()  # the temporary tables' rows
        with self.engine.connect() as connection:
            active, _building = self._generations(connection)
            conditions = [
                visibility.state_clause(Dataset.state, Dataset.owner_org_id, Dataset.id),
                visibility.dataset_clause()]
            if query.filter is not None:
                conditions.append(filter_clause(query.filter, visibility, self._words(active)))
            matching = sa.select(Dataset.id).where(*conditions)
            score = sa.literal(0)
            if query.match is not None:
                page_end = query.start + query.rows

                def enough(hits, tier: int) -> bool:
                    if query.sort[0][0] != "score":
                        return "score" not in dict(query.sort)  # tiers decide nothing
                    top = matching.join(hits, hits.c.dataset_id == Dataset.id).where(hits.c.tier >= tier)
                    return connection.scalar(sa.select(sa.func.count()).select_from(
                        top.limit(page_end).subquery())) >= page_end

                hits = self.store.hits(connection, active, query.match, enough)
                matching = matching.join(hits, hits.c.dataset_id == Dataset.id)
                score = hits.c.tier
            count = connection.scalar(sa.select(sa.func.count()).select_from(matching.subquery()))
            ordered = matching.order_by(*self._order(query, score, connection.dialect.name))
            ids = list(connection.scalars(ordered.limit(query.rows).offset(query.start)))
            facets = {field: [] for field in query.facet_fields}
            if count and query.facet_fields:
                facets = facet_counts(connection, query.facet_fields, matching, query.facet_limit,
                                      visibility)
            connection.rollback()  # the SQLite engine's temporary table of hits
        return SearchResult(count=count or 0, ids=ids, facets=facets)

    def _words(self, generation: int):
        """Fielded words of a filter (``title:人口``), looked up in this generation."""
        return lambda fields, match: self.store.matching_ids(generation, fields, match)

    # --- searching on SQLite: the entries table ------------------------------------

    def _fts5_search(self, connection, generation: int, query: SearchQuery,
                     visibility: Visibility) -> SearchResult:
        """Visibility, filters, sorting and facets over the ``entries`` and ``facets``
        tables (integer keys, no catalog table read unless a filter or sort needs one).
        The matching datasets go once into a temporary table that the count, the page and
        the facets read; the match-all query takes its counts from :meth:`_match_all`
        (unless it lists drafts)."""
        t = fts5_tables(generation)
        e = _entries(t)
        conditions = [visibility.state_clause(e.c.state, e.c.owner_org, e.c.dataset_id),
                      visibility.clause(e.c.access_level, e.c.owner_org, e.c.dataset_id)]
        if query.filter is not None:
            conditions.append(e.c.dataset_id.in_(sa.select(Dataset.id).where(
                filter_clause(query.filter, visibility, self._words(generation)))))
        # The cached counts are of active datasets only: with drafts, count the rows.
        if query.match is None and query.filter is None and not visibility.drafts:
            count, facets = self._match_all(connection, t, query, visibility)
            ids = list(connection.scalars(
                self._page(query, sa.select(e.c.dataset_id).where(*conditions), e, None)))
            return SearchResult(count=count, ids=ids, facets=facets)
        every = sa.case((visibility.every_resource_clause(e.c.owner_org, e.c.dataset_id), 1),
                        else_=0)
        entry_columns = (every, e.c.dataset_id, e.c.access_level, e.c.owner_org,
                         e.c.license_id, e.c.frequency, e.c.modified, e.c.name,
                         e.c.facet_ids, e.c.formats)
        if query.match is not None:
            def select_entries(text, match_clause):
                # "+ 0": SQLite reads the FTS5 matches first and looks entries up by rowid.
                return (sa.select(e.c.rowid, sa.literal(1), *entry_columns)
                        .select_from(text.join(e, e.c.rowid == text.c.rowid + 0))
                        .where(match_clause, *conditions))

            first = query.sort[0][0] if query.sort else ""
            # The usual order is paged tier by tier (ranked_page); any other order that
            # involves the score has the tiers written into the table first.
            tier_pages = tuple(query.sort) in (
                (("score", "desc"),), (("score", "desc"), ("metadata_modified", "desc")))
            page_end = (0 if "score" not in dict(query.sort) or tier_pages  # tiers decide nothing
                        else query.start + query.rows if first == "score" else None)
            count = self.store.fill_matching(connection, generation, query.match,
                                             select_entries, page_end)
            if tier_pages:
                ids = self.store.ranked_page(connection, generation, query.match,
                                             query.start, query.rows) if count else []
                return SearchResult(count=count, ids=ids,
                                    facets=self._facets_of_matching(connection, t, query,
                                                                    visibility, count))
        else:
            matching = self.store.matching_table(connection)
            count = connection.execute(matching.insert().from_select(
                list(self.store.MATCHING_COLUMNS),
                sa.select(e.c.rowid, sa.literal(0), *entry_columns).where(*conditions))).rowcount
        m = _matching()
        ids = list(connection.scalars(self._page(query, sa.select(m.c.dataset_id), m, m.c.tier)))
        return SearchResult(count=count, ids=ids,
                            facets=self._facets_of_matching(connection, t, query, visibility, count))

    def _facets_of_matching(self, connection, t, query: SearchQuery, visibility: Visibility,
                            count: int) -> dict:
        if not (count and query.facet_fields):
            return {field: [] for field in query.facet_fields}
        return _facet_lists(connection, t, query, _count_matching(connection, visibility),
                            self._values, level_mask(visibility.levels))

    def _page(self, query: SearchQuery, select: sa.Select, e, score) -> sa.Select:
        """``select`` ordered as ``query`` asks and cut to its page. Sorting by
        modification or name reads ``entries``; the other sorts read ``datasets``."""
        fields = [field for field, _direction in query.sort]
        columns = {"metadata_modified": e.c.modified, "name": e.c.name}
        if any(field in ("metadata_created", "title_string", "views_recent") for field in fields):
            select = select.join(Dataset, Dataset.id == e.c.dataset_id)
            columns.update({"metadata_created": Dataset.created, "title_string": Dataset.title,
                            "views_recent": _views_recent()})
        order = []
        for field, direction in query.sort:
            column = score if field == "score" else columns.get(field)
            if column is not None:
                order.append(column.desc() if direction == "desc" else column.asc())
        if "metadata_modified" not in fields:
            order.append(e.c.modified.desc())
        if "name" not in fields:
            order.append(e.c.name.asc())  # stable paging
        return select.order_by(*order).limit(query.rows).offset(query.start)

    def _match_all(self, connection, t, query: SearchQuery, visibility: Visibility):
        """Count and facets of every dataset ``visibility`` allows, from counts per
        (access level, organization) kept in memory until ``meta.version`` changes.
        Datasets granted one by one outside the allowed levels and organizations are
        counted on top, from their own rows."""
        cells = self._cells(connection, t)
        counted = _Counted()
        lmask = level_mask(visibility.levels)
        for (level, org), cell in cells.items():
            if visibility.allows(level, org, ""):
                counted.merge(cell.visible_to(lmask, visibility.reads_every_resource(org, "")))
        if not visibility.everything and visibility.datasets:
            e = _entries(t)
            extra = sa.select(e.c.rowid, sa.literal(0), sa.literal(1), e.c.dataset_id,
                              e.c.access_level, e.c.owner_org, e.c.license_id, e.c.frequency,
                              e.c.modified, e.c.name, e.c.facet_ids, e.c.formats).where(
                e.c.state == "active", e.c.dataset_id.in_(sorted(visibility.datasets)),
                sa.not_(Visibility(False, visibility.levels, visibility.organizations,
                                   frozenset()).clause(e.c.access_level, e.c.owner_org,
                                                       e.c.dataset_id)))
            matching = self.store.matching_table(connection)
            added = connection.execute(matching.insert().from_select(
                list(self.store.MATCHING_COLUMNS), extra)).rowcount
            if added:
                counted.merge(_count_matching(connection, visibility))
        facets = {field: [] for field in query.facet_fields}
        if counted.total and query.facet_fields:
            facets = _facet_lists(connection, t, query, counted, self._values,
                                  level_mask(visibility.levels))
        return counted.total, facets

    def _cells(self, connection, t) -> dict[tuple[str, str], "_Cell"]:
        """Counts of the active datasets per (access level, organization), for the
        version of the index this connection reads. The version is read first: counts
        read after it are at least as new, so a newer change always makes a newer
        version, and counts cached under a version are never older than it."""
        meta = connection.exec_driver_sql(f"SELECT token, version FROM {t['meta']}").first()
        key = (t["meta"], meta[0], meta[1]) if meta else None
        cached = self._cell_cache
        if key is not None and cached is not None and cached[0] == key:
            return cached[1]
        rows: dict[tuple[str, str], list] = {}
        for row in connection.exec_driver_sql(
                f"SELECT access_level, owner_org, license_id, frequency, facet_ids, formats "
                f"FROM {t['entries']} WHERE state = 'active'"):
            rows.setdefault((row[0], row[1]), []).append(row)
        cells = {cell: _Cell.of(cell_rows) for cell, cell_rows in rows.items()}
        if key is not None:
            self._cell_cache = (key, cells)
        return cells

    @staticmethod
    def _order(query: SearchQuery, score, dialect: str) -> list:
        def text(column):
            # Code-point order, as Elasticsearch sorts keywords, whatever the locale.
            return column.collate("C") if dialect == "postgresql" else column

        columns = {"metadata_modified": Dataset.modified, "metadata_created": Dataset.created,
                   "name": text(Dataset.name), "title_string": text(Dataset.title),
                   "views_recent": _views_recent()}
        order, fields = [], [field for field, _direction in query.sort]
        for field, direction in query.sort:
            column = score if field == "score" else columns.get(field)
            if column is not None:
                order.append(column.desc() if direction == "desc" else column.asc())
        if "metadata_modified" not in fields:
            order.append(Dataset.modified.desc())
        if "name" not in fields:
            order.append(text(Dataset.name).asc())  # stable paging
        return order


def _entries(t: dict[str, str]) -> sa.TableClause:
    return sa.table(t["entries"], *(sa.column(name) for name in (
        "rowid", "dataset_id", "state", "access_level", "owner_org", "license_id",
        "frequency", "modified", "name", "facet_ids", "formats"))).alias("e")


def _matching() -> sa.TableClause:
    return sa.table("search_matching_v2", *(sa.column(name) for name in Fts5Store.MATCHING_COLUMNS),
                    schema="temp")


@dataclass
class _Counted:
    """Facet counts being added up. ``values`` counts facet numbers (tags, categories);
    ``formats`` counts ``number:mask`` tokens, kept apart by whether the caller reads
    every resource of those datasets (then any mask counts)."""
    total: int = 0
    scalars: Counter = field(default_factory=Counter)  # (level, org, license, frequency)
    values: Counter = field(default_factory=Counter)
    formats_every: Counter = field(default_factory=Counter)
    formats_by_level: Counter = field(default_factory=Counter)

    def merge(self, other: "_Counted") -> None:
        self.total += other.total
        self.scalars.update(other.scalars)
        self.values.update(other.values)
        self.formats_every.update(other.formats_every)
        self.formats_by_level.update(other.formats_by_level)

    def format_counts(self, lmask: int) -> Counter:
        """Datasets per format number, through resources readable with ``lmask``."""
        counts: Counter = Counter()
        for token, n in self.formats_every.items():
            counts[token.partition(":")[0]] += n
        for token, n in self.formats_by_level.items():
            number, _colon, mask = token.partition(":")
            if int(mask) & lmask:
                counts[number] += n
        return counts


def _counted(rows, every_resource) -> _Counted:
    """Counts over rows of (every_resource, level, org, license, frequency, facet_ids,
    formats); ``every_resource(row)`` says whether all the row's formats count. The
    strings are split and counted by ``Counter`` in C: thousands of rows in milliseconds."""
    counted = _Counted(total=len(rows))
    counted.scalars.update((row[1], row[2], row[3], row[4]) for row in rows)
    counted.values.update(" ".join(row[5] for row in rows).split())
    counted.formats_every.update(" ".join(row[6] for row in rows if every_resource(row)).split())
    counted.formats_by_level.update(
        " ".join(row[6] for row in rows if not every_resource(row)).split())
    return counted


@dataclass
class _Cell:
    """Counts of the active datasets of one (access level, organization)."""
    counted: _Counted

    @classmethod
    def of(cls, rows) -> "_Cell":
        # Formats counted by mask; whether the caller reads every resource is decided
        # per caller (visible_to), so all go to formats_by_level here.
        return cls(_counted([(False, *row) for row in rows], lambda _row: False))

    def visible_to(self, lmask: int, every_resource: bool) -> _Counted:
        mine = self.counted
        if not every_resource:
            return mine
        return _Counted(total=mine.total, scalars=mine.scalars, values=mine.values,
                        formats_every=mine.formats_by_level)


def _count_matching(connection, visibility: Visibility) -> _Counted:
    """Counts over the datasets in ``temp.search_matching_v2``: a format only through
    resources the caller may read (``every_resource``, or a mask bit it is allowed).
    SQLite joins each column's strings (``group_concat``) and ``Counter`` counts the
    parts, both in C: no row objects for thousands of matches."""
    unit, record = "\x1f", "\x1e"
    keys, ids, every, by_level, total = connection.exec_driver_sql(
        "SELECT group_concat(access_level || char(31) || coalesce(owner_org, '') || char(31) "
        "|| license_id || char(31) || frequency, char(30)), "
        "group_concat(nullif(facet_ids, ''), ' '), "
        "group_concat(CASE WHEN every_resource THEN nullif(formats, '') END, ' '), "
        "group_concat(CASE WHEN NOT every_resource THEN nullif(formats, '') END, ' '), "
        "count(*) FROM temp.search_matching_v2").one()
    counted = _Counted(total=total)
    counted.scalars.update({tuple(key.split(unit)): n
                            for key, n in Counter((keys or "").split(record)).items() if key})
    counted.values.update((ids or "").split())
    counted.formats_every.update((every or "").split())
    counted.formats_by_level.update((by_level or "").split())
    return counted


def _facet_lists(connection, t, query: SearchQuery, counted: _Counted, values_cache: dict,
                 lmask: int) -> dict:
    """The facets ``query`` asks for, most frequent first, then by value in code-point
    order (as Elasticsearch orders buckets), at most ``facet_limit`` each."""
    counts: dict[str, Counter] = {name: Counter() for name in (
        "access_level", "organization", "license_id", "frequency", "tags", "groups",
        "res_format")}
    for (level, org, license_id, frequency), n in counted.scalars.items():
        for name, key in (("access_level", level), ("organization", org),
                          ("license_id", license_id), ("frequency", frequency)):
            if key:
                counts[name][key] += n
    numbered = Counter({int(number): n for number, n in counted.values.items()})
    numbered.update({int(number): n for number, n in counted.format_counts(lmask).items()})
    names_of = _value_names(connection, t, values_cache, numbered)
    for number, n in numbered.items():
        if number in names_of:
            name, value = names_of[number]
            counts[name][value] += n
    if "organization" in query.facet_fields and counts["organization"]:
        names = dict(connection.execute(sa.select(Organization.id, Organization.name).where(
            Organization.id.in_(sorted(counts["organization"])))).all())
        counts["organization"] = Counter({names[org]: n for org, n in counts["organization"].items()
                                          if org in names})
    facets = {}
    for name in query.facet_fields:
        items = sorted(((value, n) for value, n in counts[name].items() if n > 0),
                       key=lambda item: (-item[1], item[0]))
        facets[name] = items if query.facet_limit < 0 else items[:query.facet_limit]
    return facets


def _value_names(connection, t, cache: dict, numbers) -> dict[int, tuple[str, str]]:
    """(field, value) of facet numbers, from memory: a number never changes meaning
    within one ``values`` table (the token of ``meta`` tells tables of the same name
    apart)."""
    token = connection.exec_driver_sql(f"SELECT token FROM {t['meta']}").scalar()
    known = cache.get((t["values"], token)) if token else None
    if known is None:
        known = {}
        if token:
            cache.clear()  # one generation in use at a time
            cache[t["values"], token] = known
    missing = [number for number in numbers if number not in known]
    for start in range(0, len(missing), 500):
        chunk = missing[start:start + 500]
        marks = ", ".join("?" * len(chunk))
        for number, name, value in connection.exec_driver_sql(
                f"SELECT id, field, value FROM {t['values']} WHERE id IN ({marks})", tuple(chunk)):
            known[number] = (name, value)
    return known


def _views_recent() -> sa.ColumnElement:
    """Recent use of each dataset (the popularity ranking's measure), read live."""
    from datetime import timedelta

    from catalog.db import utcnow
    from catalog.publishing.models import DatasetDailyCount
    from catalog.publishing.popularity import DOWNLOAD_WEIGHT, RANKING_DAYS

    since = utcnow().date() - timedelta(days=RANKING_DAYS)
    used = sa.func.sum(DatasetDailyCount.views + DOWNLOAD_WEIGHT * DatasetDailyCount.downloads)
    return sa.func.coalesce(
        sa.select(used).where(DatasetDailyCount.dataset_id == Dataset.id,
                              DatasetDailyCount.day >= since).scalar_subquery(), 0)


def facet_counts(connection, fields: tuple[str, ...], matching: sa.Select,
                 limit: int, visibility: Visibility) -> dict[str, list[tuple[str, int]]]:
    """(value, number of matching datasets) per facet field, most frequent first, then by
    value in code-point order (as Elasticsearch orders buckets).

    One statement: the matching datasets are computed once (a CTE referenced by every
    facet, which SQLite and PostgreSQL materialise) and each facet counts over them."""
    hits = matching.with_only_columns(
        Dataset.id, Dataset.owner_org_id, Dataset.license_id, Dataset.access_level,
        Dataset.frequency).cte("hits")
    postgres = connection.dialect.name == "postgresql"
    parts = []
    for field in fields:
        key, counted, source, condition = _facet_source(field, hits, visibility)
        if key is None:
            continue
        ordered_key = key.collate("C") if postgres else key
        query = (sa.select(sa.literal(field).label("field"), key.label("value"),
                           sa.func.count(counted).label("n"))
                 .select_from(source).where(condition).group_by(key)
                 .order_by(sa.func.count(counted).desc(), ordered_key))
        if limit >= 0:
            query = query.limit(limit)
        parts.append(sa.select(query.subquery()))
    facets: dict[str, list[tuple[str, int]]] = {field: [] for field in fields}
    if not parts:
        return facets
    rows = connection.execute(sa.union_all(*parts) if len(parts) > 1 else parts[0])
    for field, value, count in rows:
        facets[field].append((value, count))
    for items in facets.values():
        items.sort(key=lambda item: (-item[1], item[0]))
    return facets


def _facet_source(field: str, hits, visibility: Visibility):
    """(key, counted, FROM clause, condition) of a facet over the ``hits`` CTE."""
    match field:
        case "organization":
            return (Organization.name, hits.c.id,
                    hits.join(Organization, Organization.id == hits.c.owner_org_id), sa.true())
        case "groups":
            return (Group.name, dataset_groups.c.dataset_id,
                    hits.join(dataset_groups, dataset_groups.c.dataset_id == hits.c.id).join(Group),
                    sa.true())
        case "tags":
            return (Tag.name, dataset_tags.c.dataset_id,
                    hits.join(dataset_tags, dataset_tags.c.dataset_id == hits.c.id).join(Tag),
                    sa.true())
        case "res_format":
            # Only resources the caller may read (one can be stricter than its dataset).
            readable = sa.or_(Resource.access_level.is_(None), visibility.clause(
                Resource.access_level, hits.c.owner_org_id, hits.c.id))
            return (Resource.format, sa.distinct(Resource.dataset_id),
                    hits.join(Resource, Resource.dataset_id == hits.c.id),
                    sa.and_(Resource.format != "", readable))
        case "license_id" | "access_level" | "frequency":
            return hits.c[field], hits.c.id, hits, hits.c[field] != ""
    return None, None, None, None
