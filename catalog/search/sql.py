"""``SqlSearchIndex``: search in the catalog's own database (the embedded default).

Full-text matching uses the database's own index (FTS5 on SQLite, GIN over ``tsvector``
on PostgreSQL, see :mod:`catalog.search.sql_stores`) over the terms of
:mod:`catalog.search.analysis`; filters, visibility, facets and sorting run as SQL over
the catalog tables, so they are exact and never stale.
"""

from __future__ import annotations

from typing import Iterable

import sqlalchemy as sa

from access_control.policy import Visibility
from catalog.datasets.models import Dataset, Resource, Tag, dataset_groups, dataset_tags
from catalog.groups.models import Group
from catalog.organizations.models import Organization
from catalog.search.interfaces import SearchDocument, SearchQuery, SearchResult
from catalog.search.models import SearchGeneration
from catalog.search.sql_filters import filter_clause
from catalog.search.sql_stores import store_for

ENGINE_NAME = "sql"


class SqlSearchIndex:
    """A :class:`~catalog.search.interfaces.SearchIndex` in the catalog database."""

    def __init__(self, engine: sa.Engine):
        self.engine = engine
        self.store = store_for(engine.dialect.name)
        self._created: set[int] = set()

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
        rows = [(document.id, document.terms) for document in documents]
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
        rows = [(document.id, document.terms) for document in documents]

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
        conditions = [Dataset.state == "active", visibility.dataset_clause()]
        if query.filter is not None:
            conditions.append(filter_clause(query.filter))
        with self.engine.connect() as connection:
            active, _building = self._generations(connection)
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
                facets = facet_counts(connection, query.facet_fields, matching, query.facet_limit)
            connection.rollback()  # the SQLite engine's temporary table of hits
        return SearchResult(count=count or 0, ids=ids, facets=facets)

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
                 limit: int) -> dict[str, list[tuple[str, int]]]:
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
        key, counted, source, condition = _facet_source(field, hits)
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


def _facet_source(field: str, hits):
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
            return (Resource.format, sa.distinct(Resource.dataset_id),
                    hits.join(Resource, Resource.dataset_id == hits.c.id), Resource.format != "")
        case "license_id" | "access_level" | "frequency":
            return hits.c[field], hits.c.id, hits, hits.c[field] != ""
    return None, None, None, None
