"""Where the SQL engine keeps its index, per database: an FTS5 table on SQLite, a weighted
``tsvector`` with a GIN index on PostgreSQL. Both hold the terms made by
:mod:`catalog.search.analysis` (pre-tokenised text), so they match the same datasets.

Tables are named per generation (``search_index_g<N>_...``) so that a rebuild can fill
a new generation while searches read the current one.
"""

from __future__ import annotations

from typing import Iterable, Protocol

import sqlalchemy as sa

from catalog.search.analysis import FIELD_WEIGHTS, FIELDS, Alternative, MatchQuery
from catalog.search.models import ENGINE_TABLE_PREFIX

IndexRow = tuple[str, dict[str, list[str]]]  # dataset id, terms by field


class TermStore(Protocol):
    def create(self, connection: sa.Connection, generation: int) -> None: ...
    def drop(self, connection: sa.Connection, generation: int) -> None: ...
    def write(self, connection: sa.Connection, generation: int, rows: list[IndexRow]) -> None: ...
    def remove(self, connection: sa.Connection, generation: int, ids: list[str]) -> None: ...
    def clear(self, connection: sa.Connection, generation: int) -> None: ...
    def matches(self, generation: int, match: MatchQuery) -> sa.Subquery:
        """A subquery of (dataset_id, score) of the datasets matching ``match``."""


def _name(generation: int, suffix: str = "") -> str:
    return f"{ENGINE_TABLE_PREFIX}g{int(generation)}{suffix}"


class Fts5Store:
    """SQLite FTS5. The ``ascii`` tokenizer splits our pre-tokenised text on spaces only
    (every non-ASCII character is part of a token), so terms arrive unchanged.
    ``detail=column`` suffices: queries need no phrases, only which column holds a term."""

    def create(self, connection, generation):
        fts, docs = _name(generation, "_fts"), _name(generation, "_docs")
        connection.exec_driver_sql(
            f"CREATE TABLE IF NOT EXISTS {docs} (rowid INTEGER PRIMARY KEY, "
            f"dataset_id VARCHAR(36) NOT NULL UNIQUE)"
        )
        connection.exec_driver_sql(
            f"CREATE VIRTUAL TABLE IF NOT EXISTS {fts} USING fts5({', '.join(FIELDS)}, "
            f"tokenize=\"ascii tokenchars '_'\", detail=column)"
        )

    def drop(self, connection, generation):
        connection.exec_driver_sql(f"DROP TABLE IF EXISTS {_name(generation, '_fts')}")
        connection.exec_driver_sql(f"DROP TABLE IF EXISTS {_name(generation, '_docs')}")

    def remove(self, connection, generation, ids):
        fts, docs = _name(generation, "_fts"), _name(generation, "_docs")
        for chunk in _chunks(ids, 500):
            marks = ", ".join("?" * len(chunk))
            connection.exec_driver_sql(
                f"DELETE FROM {fts} WHERE rowid IN (SELECT rowid FROM {docs} "
                f"WHERE dataset_id IN ({marks}))", tuple(chunk))
            connection.exec_driver_sql(
                f"DELETE FROM {docs} WHERE dataset_id IN ({marks})", tuple(chunk))

    def write(self, connection, generation, rows):
        self.remove(connection, generation, [dataset_id for dataset_id, _terms in rows])
        fts, docs = _name(generation, "_fts"), _name(generation, "_docs")
        for dataset_id, terms in rows:
            rowid = connection.exec_driver_sql(
                f"INSERT INTO {docs} (dataset_id) VALUES (?)", (dataset_id,)).lastrowid
            connection.exec_driver_sql(
                f"INSERT INTO {fts} (rowid, {', '.join(FIELDS)}) VALUES "
                f"(?, {', '.join('?' * len(FIELDS))})",
                (rowid, *(" ".join(terms[name]) for name in FIELDS)))

    def clear(self, connection, generation):
        connection.exec_driver_sql(f"DELETE FROM {_name(generation, '_fts')}")
        connection.exec_driver_sql(f"DELETE FROM {_name(generation, '_docs')}")

    def matches(self, generation, match):
        fts, docs = _name(generation, "_fts"), _name(generation, "_docs")
        weights = ", ".join(str(FIELD_WEIGHTS[name]) for name in FIELDS)
        statement = sa.text(
            f"SELECT d.dataset_id AS dataset_id, -bm25({fts}, {weights}) AS score "
            f"FROM {fts} JOIN {docs} d ON d.rowid = {fts}.rowid WHERE {fts} MATCH :expression "
            # LIMIT keeps SQLite from flattening this into the outer join, where it would
            # run the MATCH once per dataset row instead of once.
            f"LIMIT -1"
        ).bindparams(expression=fts5_expression(match))
        return statement.columns(dataset_id=sa.String, score=sa.Float).subquery("matches")


def _fts5_alternative(alternative: Alternative) -> str:
    return "(" + " AND ".join(f'"{term}"' for term in alternative.terms) + ")"


def _boolean(match: MatchQuery, render, and_: str, or_: str) -> str:
    """The boolean form shared by FTS5 and tsquery: every clause, OR of alternatives;
    boosts are ORed with the first clause so they rank without changing what matches."""
    clauses = [
        "(" + f" {or_} ".join(render(alt) for alt in clause.alternatives) + ")"
        for clause in match.clauses
    ]
    if match.boosts:
        clauses.append("(" + f" {or_} ".join([*(render(b) for b in match.boosts), clauses[0]]) + ")")
    return f" {and_} ".join(clauses)


def fts5_expression(match: MatchQuery) -> str:
    """An FTS5 MATCH expression for ``match`` (terms are quoted; they hold no quotes)."""
    return _boolean(match, _fts5_alternative, "AND", "OR")


# PostgreSQL weights: A title, B tags and categories, C description, D the rest.
_PG_LABELS = {"title": "A", "tags": "B", "groups": "B", "notes": "C", "resources": "D",
              "columns": "D", "organization": "D"}
_PG_RANK_WEIGHTS = "{0.1, 0.2, 0.4, 1.0}"  # D, C, B, A
_MAX_POSITION = 16383


def tsvector_literal(terms: dict[str, list[str]]) -> str:
    """A ``tsvector`` in its text form, built from our terms (PostgreSQL's own parser is
    bypassed: it would split terms again, differently per locale)."""
    positions: dict[str, list[str]] = {}
    position = 0
    for name in FIELDS:
        for term in terms.get(name, []):
            position = min(position + 1, _MAX_POSITION)
            entry = positions.setdefault(term, [])
            if len(entry) < 256:
                entry.append(f"{position}{_PG_LABELS[name]}")
    return " ".join(f"'{term}':{','.join(marks)}" for term, marks in positions.items())


def tsquery_literal(match: MatchQuery) -> str:
    def render(alternative: Alternative) -> str:
        return "(" + " & ".join(f"'{term}'" for term in alternative.terms) + ")"

    return _boolean(match, render, "&", "|")


class PostgresStore:
    """PostgreSQL: one weighted ``tsvector`` per dataset with a GIN index."""

    def create(self, connection, generation):
        table = _name(generation)
        connection.exec_driver_sql(
            f"CREATE TABLE IF NOT EXISTS {table} (dataset_id VARCHAR(36) PRIMARY KEY, "
            f"terms TSVECTOR NOT NULL)")
        connection.exec_driver_sql(
            f"CREATE INDEX IF NOT EXISTS {table}_terms ON {table} USING GIN (terms)")

    def drop(self, connection, generation):
        connection.exec_driver_sql(f"DROP TABLE IF EXISTS {_name(generation)}")

    def remove(self, connection, generation, ids):
        table = sa.table(_name(generation), sa.column("dataset_id"))
        for chunk in _chunks(ids, 1000):
            connection.execute(table.delete().where(table.c.dataset_id.in_(chunk)))

    def write(self, connection, generation, rows):
        if not rows:
            return
        table = _name(generation)
        connection.execute(
            sa.text(f"INSERT INTO {table} (dataset_id, terms) VALUES (:id, CAST(:terms AS tsvector)) "
                    f"ON CONFLICT (dataset_id) DO UPDATE SET terms = EXCLUDED.terms"),
            [{"id": dataset_id, "terms": tsvector_literal(terms)} for dataset_id, terms in rows],
        )

    def clear(self, connection, generation):
        connection.exec_driver_sql(f"DELETE FROM {_name(generation)}")

    def matches(self, generation, match):
        table = _name(generation)
        statement = sa.text(
            f"SELECT dataset_id, ts_rank('{_PG_RANK_WEIGHTS}', terms, q) AS score "
            f"FROM {table}, CAST(:query AS tsquery) AS q WHERE terms @@ q"
        ).bindparams(query=tsquery_literal(match))
        return statement.columns(dataset_id=sa.String, score=sa.Float).subquery("matches")


def _chunks(items: Iterable, size: int):
    items = list(items)
    for start in range(0, len(items), size):
        yield items[start:start + size]


def store_for(dialect_name: str) -> TermStore:
    return PostgresStore() if dialect_name == "postgresql" else Fts5Store()
