"""Where the SQL engine keeps its index, per database: an FTS5 table on SQLite, a weighted
``tsvector`` with a GIN index on PostgreSQL. Both hold the terms made by
:mod:`catalog.search.analysis` (pre-tokenised text), so they match the same datasets.

Tables are named per generation (``search_index_g<N>_...``) so that a rebuild can fill
a new generation while searches read the current one.
"""

from __future__ import annotations

from typing import Callable, Iterable, Protocol

import sqlalchemy as sa

from catalog.search.analysis import FIELDS, TIERS, Alternative, MatchQuery
from catalog.search.models import ENGINE_TABLE_PREFIX

IndexRow = tuple[str, dict[str, list[str]]]  # dataset id, terms by field
EnoughRanked = Callable[[sa.FromClause, int], bool]


class TermStore(Protocol):
    def create(self, connection: sa.Connection, generation: int) -> None: ...
    def drop(self, connection: sa.Connection, generation: int) -> None: ...
    def write(self, connection: sa.Connection, generation: int, rows: list[IndexRow]) -> None: ...
    def remove(self, connection: sa.Connection, generation: int, ids: list[str]) -> None: ...
    def clear(self, connection: sa.Connection, generation: int) -> None: ...
    def hits(self, connection: sa.Connection, generation: int, match: MatchQuery,
             enough: "EnoughRanked") -> sa.FromClause:
        """(dataset_id, tier) of the datasets matching ``match`` (see
        :data:`catalog.search.analysis.TIERS`). ``enough(hits, tier)`` says whether the
        datasets of at least ``tier`` fill the page asked for, so that lower tiers need
        not be told apart."""


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

    def hits(self, connection, generation, match, enough):
        """The matches go into a temporary table (one per connection) with their tier:
        everything first, then each tier from the title down, stopping once the page is
        full (lower tiers cannot reach it). Each step is one read of the FTS5 index."""
        fts, docs = _name(generation, "_fts"), _name(generation, "_docs")
        connection.exec_driver_sql(
            "CREATE TEMP TABLE IF NOT EXISTS search_hits_v2 (rowid INTEGER PRIMARY KEY, "
            "dataset_id VARCHAR(36) NOT NULL, tier INTEGER NOT NULL)")
        connection.exec_driver_sql("DELETE FROM temp.search_hits_v2")
        expression = fts5_expression(match)
        select_tier = (f"INSERT INTO temp.search_hits_v2 (rowid, dataset_id, tier) "
                       f"SELECT f.rowid, d.dataset_id, ? FROM {fts} AS f JOIN {docs} AS d "
                       f"ON d.rowid = f.rowid WHERE {fts} MATCH ? "
                       f"ON CONFLICT (rowid) DO UPDATE SET tier = excluded.tier")
        connection.exec_driver_sql(select_tier, (1, expression))
        hits = sa.table("search_hits_v2", sa.column("dataset_id"), sa.column("tier"),
                        schema="temp").alias("hits")
        keep_best = select_tier.replace("SET tier = excluded.tier", "SET tier = max(tier, excluded.tier)")
        for tier, fields in TIERS[:-1]:  # best first, until the page is full
            connection.exec_driver_sql(keep_best, (tier, _in_fields(expression, fields)))
            if enough(hits, tier):
                break
        return hits


def _in_fields(expression: str, fields: tuple[str, ...]) -> str:
    """``expression`` matched within ``fields`` only (an FTS5 column filter)."""
    return "{" + " ".join(fields) + "} : (" + expression + ")"


def _fts5_alternative(alternative: Alternative) -> str:
    return "(" + " AND ".join(f'"{term}"' for term in alternative.terms) + ")"


def _boolean(match: MatchQuery, render, and_: str, or_: str) -> str:
    """The boolean form shared by FTS5 and tsquery: every clause, OR of alternatives."""
    return f" {and_} ".join(
        "(" + f" {or_} ".join(render(alt) for alt in clause.alternatives) + ")"
        for clause in match.clauses
    )


def fts5_expression(match: MatchQuery) -> str:
    """An FTS5 MATCH expression for ``match`` (terms are quoted; they hold no quotes)."""
    return _boolean(match, _fts5_alternative, "AND", "OR")


# PostgreSQL: the main fields in one tsvector, labelled so a query can be limited to
# the first 1-4 of them; resources, columns and organization each in their own.
_PG_LABELS = {"title": "A", "tags": "B", "groups": "C", "notes": "D"}
_PG_VECTORS = ("main", "resources", "columns", "organization", "everything")
_MAX_POSITION = 16383


def tsvector_literal(terms: dict[str, list[str]], fields: tuple[str, ...], label=None) -> str:
    """A ``tsvector`` in its text form, built from our terms (PostgreSQL's own parser is
    bypassed: it would split terms again, differently per locale)."""
    positions: dict[str, list[str]] = {}
    position = 0
    for name in fields:
        mark = _PG_LABELS.get(name, "D") if label is None else label
        for term in terms.get(name, []):
            position = min(position + 1, _MAX_POSITION)
            entry = positions.setdefault(term, [])
            if len(entry) < 256:
                entry.append(f"{position}{mark}")
    return " ".join(f"'{term}':{','.join(marks)}" for term, marks in positions.items())


def tsquery_literal(match: MatchQuery, labels: str = "") -> str:
    """The tsquery of ``match``; with ``labels``, each term only in those labels."""
    suffix = f":{labels}" if labels else ""

    def render(alternative: Alternative) -> str:
        return "(" + " & ".join(f"'{term}'{suffix}" for term in alternative.terms) + ")"

    return _boolean(match, render, "&", "|")


_ALL = "everything"  # every field's terms, written once so the GIN index needs no expression


class PostgresStore:
    """PostgreSQL: ``tsvector`` columns with a GIN index over all of them."""

    def create(self, connection, generation):
        table = _name(generation)
        vectors = ", ".join(f"{name} TSVECTOR NOT NULL" for name in _PG_VECTORS)
        connection.exec_driver_sql(
            f"CREATE TABLE IF NOT EXISTS {table} (dataset_id VARCHAR(36) PRIMARY KEY, {vectors})")
        connection.exec_driver_sql(
            f"CREATE INDEX IF NOT EXISTS {table}_terms ON {table} USING GIN (everything)")

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
        casts = ", ".join(f"CAST(:{name} AS tsvector)" for name in _PG_VECTORS)
        updates = ", ".join(f"{name} = EXCLUDED.{name}" for name in _PG_VECTORS)
        connection.execute(
            sa.text(f"INSERT INTO {table} (dataset_id, {', '.join(_PG_VECTORS)}) VALUES (:id, {casts}) "
                    f"ON CONFLICT (dataset_id) DO UPDATE SET {updates}"),
            [{"id": dataset_id,
              "main": tsvector_literal(terms, FIELDS[:4]),
              "resources": tsvector_literal(terms, ("resources",), "D"),
              "columns": tsvector_literal(terms, ("columns",), "D"),
              "organization": tsvector_literal(terms, ("organization",), "D"),
              "everything": tsvector_literal(terms, FIELDS, "D")}
             for dataset_id, terms in rows],
        )

    def clear(self, connection, generation):
        connection.exec_driver_sql(f"DELETE FROM {_name(generation)}")

    def hits(self, connection, generation, match, enough):
        """Tiers are computed per matching row (``@@`` on the row's own vectors)."""
        table = _name(generation)
        cases = []
        for tier, fields in TIERS[:-1]:
            if len(fields) <= 4:
                labels = "".join(_PG_LABELS[name] for name in fields)
                cases.append(f"WHEN main @@ CAST(:q_{labels} AS tsquery) THEN {tier}")
            else:
                cases.append(f"WHEN {_vector_for(fields)} @@ CAST(:q AS tsquery) THEN {tier}")
        parameters = {"q": tsquery_literal(match)}
        for _tier, fields in TIERS[:4]:
            labels = "".join(_PG_LABELS[name] for name in fields)
            parameters[f"q_{labels}"] = tsquery_literal(match, labels)
        statement = sa.text(
            f"SELECT dataset_id, CASE {' '.join(cases)} ELSE 1 END AS tier "
            f"FROM {table} WHERE {_ALL} @@ CAST(:q AS tsquery)"
        ).bindparams(**parameters)
        return statement.columns(dataset_id=sa.String, tier=sa.Integer).subquery("hits")


def _vector_for(fields: tuple[str, ...]) -> str:
    """The concatenated vectors holding exactly ``fields`` (the main four and more)."""
    extra = [name for name in fields if name not in _PG_LABELS]
    return "(" + " || ".join(["main", *extra]) + ")"


def _chunks(items: Iterable, size: int):
    items = list(items)
    for start in range(0, len(items), size):
        yield items[start:start + size]


def store_for(dialect_name: str) -> TermStore:
    return PostgresStore() if dialect_name == "postgresql" else Fts5Store()
