"""``SqlSearchIndex``: search in the catalog's own SQL database (the embedded default).

Filters, facets and sorting run as SQL over the catalog tables; the document table only
holds the searchable text.
"""

from __future__ import annotations

import unicodedata
from typing import Iterable

import sqlalchemy as sa

from access_control.policy import Visibility
from catalog.datasets.models import Dataset, Resource, Tag, dataset_groups, dataset_tags
from catalog.groups.models import Group
from catalog.organizations.models import Organization
from catalog.search.interfaces import SearchDocument, SearchQuery, SearchResult
from catalog.search.models import SqlSearchDocument
from catalog.search.sql_filters import filter_clause

SORT_COLUMNS = {
    "metadata_modified": Dataset.modified,
    "metadata_created": Dataset.created,
    "name": Dataset.name,
    "title_string": Dataset.title,
}


def normalise(text: str) -> str:
    """NFKC (full-width to half-width) and lower case, for index and query alike."""
    return unicodedata.normalize("NFKC", text or "").lower()


def _escape_like(term: str) -> str:
    return term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


class SqlSearchIndex:
    """A :class:`~catalog.search.interfaces.SearchIndex` in the catalog database."""

    def __init__(self, engine: sa.Engine):
        self.engine = engine

    def index(self, documents: Iterable[SearchDocument]) -> None:
        rows = [
            {
                "dataset_id": document.id,
                "title": normalise(document.title),
                "content": normalise(
                    "\n".join(
                        [document.title, document.name, *document.tags, *document.groups,
                         document.notes, *document.resource_text, *document.column_text,
                         document.organization_title]
                    )
                ),
            }
            for document in documents
        ]
        if not rows:
            return
        table = SqlSearchDocument.__table__
        with self.engine.begin() as connection:
            connection.execute(
                table.delete().where(table.c.dataset_id.in_([row["dataset_id"] for row in rows]))
            )
            connection.execute(table.insert(), rows)

    def delete(self, dataset_ids: Iterable[str]) -> None:
        table = SqlSearchDocument.__table__
        with self.engine.begin() as connection:
            connection.execute(table.delete().where(table.c.dataset_id.in_(list(dataset_ids))))

    def clear(self) -> None:
        with self.engine.begin() as connection:
            connection.execute(SqlSearchDocument.__table__.delete())

    def search(self, query: SearchQuery, visibility: Visibility) -> SearchResult:
        document = SqlSearchDocument.__table__
        terms = normalise(query.q).split()
        conditions = [Dataset.state == "active", visibility.dataset_clause()]
        if query.filter is not None:
            conditions.append(filter_clause(query.filter))
        score = sa.literal(0)
        for term in terms:
            pattern = f"%{_escape_like(term)}%"
            conditions.append(document.c.content.like(pattern, escape="\\"))
            score = score + sa.case((document.c.title.like(pattern, escape="\\"), 10), else_=1)
        matching = (
            sa.select(Dataset.id, score.label("score"))
            .join(document, document.c.dataset_id == Dataset.id)
            .where(*conditions)
        )
        with self.engine.connect() as connection:
            count = connection.scalar(sa.select(sa.func.count()).select_from(matching.subquery()))
            ordered = matching.order_by(*self._order(query, score)).limit(query.rows)
            ids = list(connection.scalars(ordered.offset(query.start)))
            ids_subquery = matching.with_only_columns(Dataset.id)
            facets = {
                field: facet_counts(connection, field, ids_subquery, query.facet_limit)
                for field in query.facet_fields
            }
        return SearchResult(count=count or 0, ids=ids, facets=facets)

    @staticmethod
    def _order(query: SearchQuery, score) -> list:
        order = []
        for field, direction in query.sort:
            column = score if field == "score" else SORT_COLUMNS.get(field)
            if column is not None:
                order.append(column.desc() if direction == "desc" else column.asc())
        order.append(Dataset.name.asc())  # stable paging
        return order


def facet_counts(connection, field: str, dataset_ids, limit: int) -> list[tuple[str, int]]:
    """(value, number of matching datasets) for ``field``, most frequent first."""
    match field:
        case "organization":
            key, counted = Organization.name, Dataset.id
            query = sa.select(key, sa.func.count(counted)).join(
                Dataset, Dataset.owner_org_id == Organization.id
            ).where(Dataset.id.in_(dataset_ids))
        case "groups":
            key, counted = Group.name, dataset_groups.c.dataset_id
            query = sa.select(key, sa.func.count(counted)).select_from(dataset_groups).join(
                Group
            ).where(counted.in_(dataset_ids))
        case "tags":
            key, counted = Tag.name, dataset_tags.c.dataset_id
            query = sa.select(key, sa.func.count(counted)).select_from(dataset_tags).join(
                Tag
            ).where(counted.in_(dataset_ids))
        case "res_format":
            key, counted = Resource.format, sa.distinct(Resource.dataset_id)
            query = sa.select(key, sa.func.count(counted)).where(
                Resource.dataset_id.in_(dataset_ids), Resource.format != ""
            )
        case "license_id" | "access_level" | "frequency":
            key, counted = getattr(Dataset, field), Dataset.id
            query = sa.select(key, sa.func.count(Dataset.id)).where(
                Dataset.id.in_(dataset_ids), key != ""
            )
        case _:
            return []
    query = query.group_by(key).order_by(sa.func.count(counted).desc(), key)
    if limit >= 0:
        query = query.limit(limit)
    return [(value, count) for value, count in connection.execute(query)]
