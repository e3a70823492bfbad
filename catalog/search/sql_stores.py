"""Where the SQL engine keeps its index, per database: an FTS5 table on SQLite, a weighted
``tsvector`` with a GIN index on PostgreSQL. Both hold the terms made by
:mod:`catalog.search.analysis` (pre-tokenised text), so they match the same datasets.

Tables are named per generation (``search_index_g<N>_...``) so that a rebuild can fill
a new generation while searches read the current one.
"""

from __future__ import annotations

from typing import Callable, Iterable, Protocol

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import TSQUERY

from catalog.search.analysis import FIELDS, TIERS, Alternative, MatchQuery
from catalog.search.models import ENGINE_TABLE_PREFIX

IndexRow = tuple[str, dict[str, list[str]]]  # dataset id, terms by field
EnoughRanked = Callable[[sa.FromClause, int], bool]


class TermStore(Protocol):
    def create(self, connection: sa.Connection, generation: int) -> None: ...
    def drop(self, connection: sa.Connection, generation: int) -> None: ...
    def write(self, connection: sa.Connection, generation: int, documents: list) -> None: ...
    def remove(self, connection: sa.Connection, generation: int, ids: list[str]) -> None: ...
    def clear(self, connection: sa.Connection, generation: int) -> None: ...
    def hits(self, connection: sa.Connection, generation: int, match: MatchQuery,
             enough: "EnoughRanked") -> sa.FromClause:
        """(dataset_id, tier) of the datasets matching ``match`` (see
        :data:`catalog.search.analysis.TIERS`). ``enough(hits, tier)`` says whether the
        datasets of at least ``tier`` fill the page asked for, so that lower tiers need
        not be told apart."""

    def matching_ids(self, generation: int, fields: tuple[str, ...],
                     match: MatchQuery) -> sa.Select:
        """A SELECT of the ids of the datasets whose terms in the index fields ``fields``
        match ``match`` (fielded words of a filter: ``title:人口``)."""


def _name(generation: int, suffix: str = "") -> str:
    return f"{ENGINE_TABLE_PREFIX}g{int(generation)}{suffix}"


# Bits of a facet row's ``mask``: which resources it comes from. Rows of tags and
# categories, and formats of resources that inherit their dataset's level, carry INHERITS
# (shown to whoever reads the dataset); a format of a resource with its own level carries
# that level's bit (shown only to callers allowed that level, or reading every resource).
INHERITS = 1
LEVEL_BITS = {"open": 2, "internal": 4, "restricted": 8}
FACET_ROW_FIELDS = ("tags", "groups", "res_format")


def level_mask(levels) -> int:
    """The mask bits a caller allowed ``levels`` may count (always INHERITS)."""
    mask = INHERITS
    for level in levels:
        mask |= LEVEL_BITS.get(str(level), 0)
    return mask


def fts5_tables(generation: int) -> dict[str, str]:
    """Names of one generation's SQLite tables: ``entries`` (one row per dataset with its
    visibility keys, sort keys and facet values), ``text`` (FTS5), ``values`` (the
    facet values' numbers), ``meta`` (a version bumped on every change of the others)."""
    return {kind: _name(generation, f"_{kind}")
            for kind in ("entries", "text", "values", "meta")}


def _modified_text(moment) -> str:
    return moment.isoformat(sep=" ", timespec="microseconds") if moment else ""


class Fts5Store:
    """SQLite FTS5. The ``ascii`` tokenizer splits our pre-tokenised text on spaces only
    (every non-ASCII character is part of a token), so terms arrive unchanged.
    ``detail=column`` suffices: queries need no phrases, only which column holds a term.

    Beside the text, each dataset has an ``entries`` row holding what a search needs to
    filter, sort and facet without reading the catalog tables: its visibility keys
    (state, access level, organization), sort keys, single-valued facets, and the numbers
    of its tags and categories (``facet_ids``, space-separated) and of its formats with
    the mask of the resources they come from (``formats``, ``number:mask``): counting
    facets over thousands of matches is then one read of their rows. Visibility keys are never stale: triggers on
    ``datasets`` copy them in the same transaction as the change. A change to a
    resource's level or format drops that dataset's format rows in the same way (the
    outbox then writes them again), so a format is never shown through a resource that
    became stricter. Every change bumps ``meta.version`` (see :mod:`catalog.search.sql`'s
    cached counts)."""

    def create(self, connection, generation):
        t = fts5_tables(generation)
        connection.exec_driver_sql(
            f"CREATE TABLE IF NOT EXISTS {t['entries']} (rowid INTEGER PRIMARY KEY, "
            f"dataset_id VARCHAR(36) NOT NULL UNIQUE, state VARCHAR(20) NOT NULL, "
            f"access_level VARCHAR(20) NOT NULL, owner_org VARCHAR(36), "
            f"license_id VARCHAR(50) NOT NULL, frequency VARCHAR(30) NOT NULL, "
            f"modified VARCHAR(32) NOT NULL, name VARCHAR(100) NOT NULL, "
            f"facet_ids TEXT NOT NULL, formats TEXT NOT NULL)")
        connection.exec_driver_sql(
            f"CREATE INDEX IF NOT EXISTS {t['entries']}_recent ON {t['entries']} "
            f"(modified DESC, name ASC)")
        connection.exec_driver_sql(
            f"CREATE VIRTUAL TABLE IF NOT EXISTS {t['text']} USING fts5({', '.join(FIELDS)}, "
            f"tokenize=\"ascii tokenchars '_'\", detail=column)")
        connection.exec_driver_sql(
            f"CREATE TABLE IF NOT EXISTS {t['values']} (id INTEGER PRIMARY KEY, "
            f"field VARCHAR(20) NOT NULL, value VARCHAR(200) NOT NULL, UNIQUE (field, value))")
        connection.exec_driver_sql(
            f"CREATE TABLE IF NOT EXISTS {t['meta']} (token VARCHAR(32) NOT NULL, "
            f"version INTEGER NOT NULL)")
        bump = f"UPDATE {t['meta']} SET version = version + 1;"
        drop_formats = f"UPDATE {t['entries']} SET formats = '' WHERE dataset_id = OLD.dataset_id;"
        for suffix, event, body in (
            ("keys", "AFTER UPDATE OF access_level, owner_org_id, state ON datasets",
             f"UPDATE {t['entries']} SET access_level = NEW.access_level, "
             f"owner_org = NEW.owner_org_id, state = NEW.state WHERE dataset_id = NEW.id;"),
            ("gone", "AFTER DELETE ON datasets",
             f"UPDATE {t['entries']} SET state = 'deleted' WHERE dataset_id = OLD.id;"),
            ("resource_changed", "AFTER UPDATE OF access_level, format, dataset_id ON resources",
             drop_formats),
            ("resource_gone", "AFTER DELETE ON resources", drop_formats),
        ):
            connection.exec_driver_sql(
                f"CREATE TRIGGER IF NOT EXISTS {t['entries']}_{suffix} {event} "
                f"BEGIN {body} {bump} END")
        # Last: SQLite runs DDL outside a transaction until the first write, and a search
        # creating the tables rolls its connection back (a lost row is made again by the
        # next write; until then no counts are cached).
        self._ensure_meta(connection, t)

    def drop(self, connection, generation):
        """Also drops the tables of the layout before ``entries`` (``_fts``, ``_docs``):
        a catalog upgraded from it searches nothing until ``catalog search rebuild``."""
        t = fts5_tables(generation)
        for suffix in ("keys", "gone", "resource_changed", "resource_gone"):
            connection.exec_driver_sql(f"DROP TRIGGER IF EXISTS {t['entries']}_{suffix}")
        for name in (*t.values(), _name(generation, "_fts"), _name(generation, "_docs")):
            connection.exec_driver_sql(f"DROP TABLE IF EXISTS {name}")

    @staticmethod
    def _ensure_meta(connection, t):
        """The ``meta`` row, with a new random token (so that a generation number used
        again never matches counts cached for an older one)."""
        if connection.exec_driver_sql(f"SELECT count(*) FROM {t['meta']}").scalar() == 0:
            connection.exec_driver_sql(
                f"INSERT INTO {t['meta']} (token, version) VALUES (lower(hex(randomblob(16))), 0)")

    def _bump(self, connection, t):
        """A new ``meta.version``: counts cached for the old one are not used again."""
        self._ensure_meta(connection, t)
        connection.exec_driver_sql(f"UPDATE {t['meta']} SET version = version + 1")

    def remove(self, connection, generation, ids):
        t = fts5_tables(generation)
        for chunk in _chunks(ids, 500):
            marks = ", ".join("?" * len(chunk))
            rows = f"SELECT rowid FROM {t['entries']} WHERE dataset_id IN ({marks})"
            connection.exec_driver_sql(f"DELETE FROM {t['text']} WHERE rowid IN ({rows})", tuple(chunk))
            connection.exec_driver_sql(
                f"DELETE FROM {t['entries']} WHERE dataset_id IN ({marks})", tuple(chunk))
        if ids:
            self._bump(connection, t)

    def write(self, connection, generation, documents):
        if not documents:
            return
        self.remove(connection, generation, [document.id for document in documents])
        t = fts5_tables(generation)
        wanted = {(field, value) for document in documents
                  for field, value, _mask in _facet_rows(document)}
        if wanted:
            connection.exec_driver_sql(
                f"INSERT OR IGNORE INTO {t['values']} (field, value) VALUES (?, ?)", sorted(wanted))
        value_ids = {}
        for field in FACET_ROW_FIELDS:
            names = [value for f, value in wanted if f == field]
            for chunk in _chunks(names, 500):
                marks = ", ".join("?" * len(chunk))
                for value_id, value in connection.exec_driver_sql(
                        f"SELECT id, value FROM {t['values']} WHERE field = ? AND value IN ({marks})",
                        (field, *chunk)):
                    value_ids[field, value] = value_id
        for document in documents:
            masks: dict[tuple[str, int], int] = {}
            for field, value, mask in _facet_rows(document):
                key = (field, value_ids[field, value])
                masks[key] = masks.get(key, 0) | mask
            facet_ids = " ".join(str(number) for (field, number) in masks if field != "res_format")
            formats = " ".join(f"{number}:{mask}" for (field, number), mask in masks.items()
                               if field == "res_format")
            rowid = connection.exec_driver_sql(
                f"INSERT INTO {t['entries']} (dataset_id, state, access_level, owner_org, "
                f"license_id, frequency, modified, name, facet_ids, formats) "
                f"VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (document.id, document.state, document.access_level, document.owner_org,
                 document.license_id or "", document.frequency or "",
                 _modified_text(document.metadata_modified), document.name,
                 facet_ids, formats)).lastrowid
            terms = document.terms
            connection.exec_driver_sql(
                f"INSERT INTO {t['text']} (rowid, {', '.join(FIELDS)}) VALUES "
                f"(?, {', '.join('?' * len(FIELDS))})",
                (rowid, *(" ".join(terms[name]) for name in FIELDS)))
        self._bump(connection, t)

    def clear(self, connection, generation):
        t = fts5_tables(generation)
        for kind in ("text", "entries"):
            connection.exec_driver_sql(f"DELETE FROM {t[kind]}")
        self._bump(connection, t)

    def matching_ids(self, generation, fields, match):
        """Read in the FTS5 index; a column filter keeps to ``fields``."""
        t = fts5_tables(generation)
        expression = fts5_expression(match)
        if set(fields) != set(FIELDS):
            expression = _in_fields(expression, fields)
        text = sa.table(t["text"], sa.column("rowid"))
        entries = sa.table(t["entries"], sa.column("rowid"), sa.column("dataset_id"))
        found = sa.select(text.c.rowid).where(
            sa.literal_column(t["text"]).op("MATCH")(sa.literal(expression)))
        return sa.select(entries.c.dataset_id).where(entries.c.rowid.in_(found))

    MATCHING_COLUMNS = ("rowid", "tier", "every_resource", "dataset_id", "access_level",
                        "owner_org", "license_id", "frequency", "modified", "name",
                        "facet_ids", "formats")

    def matching_table(self, connection) -> sa.TableClause:
        """``temp.search_matching_v2`` (one per connection, emptied): the datasets a search
        found and may show, with their tier and what sorting and counting need, so that
        the count, the page and the facets read it without a join."""
        connection.exec_driver_sql(
            "CREATE TEMP TABLE IF NOT EXISTS search_matching_v2 (rowid INTEGER PRIMARY KEY, "
            "tier INTEGER NOT NULL, every_resource INTEGER NOT NULL, dataset_id VARCHAR(36), "
            "access_level VARCHAR(20), owner_org VARCHAR(36), license_id VARCHAR(50), "
            "frequency VARCHAR(30), modified VARCHAR(32), name VARCHAR(100), facet_ids TEXT, "
            "formats TEXT)")
        connection.exec_driver_sql("DELETE FROM temp.search_matching_v2")
        return sa.table("search_matching_v2", *(sa.column(c) for c in self.MATCHING_COLUMNS),
                        schema="temp")

    def fill_matching(self, connection, generation, match, select_entries, page_end: int | None) -> int:
        """Put the datasets matching ``match`` into ``temp.search_matching_v2`` with their tier
        (see :data:`catalog.search.analysis.TIERS`) and return how many there are.

        ``select_entries(text_table, match_clause)`` gives the SELECT of the matching rows
        (the caller's visibility and filters applied) with :attr:`MATCHING_COLUMNS`. All
        matches are read once at tier 1; then each tier from the title down is one read of
        the FTS5 index, raising the rows it finds, until ``page_end`` rows rank at least
        that tier (lower tiers cannot reach the page; None: every tier is needed, 0:
        none)."""
        text = fts5_tables(generation)["text"]
        table = self.matching_table(connection)
        expression = fts5_expression(match)
        text_table = sa.table(text, sa.column("rowid"))
        condition = sa.literal_column(text).op("MATCH")(sa.bindparam("expression", expression))
        count = connection.execute(table.insert().from_select(
            list(self.MATCHING_COLUMNS), select_entries(text_table, condition))).rowcount
        if page_end == 0 or not count:
            return count
        ranked = 0
        for tier, fields in TIERS[:-1]:  # best first, until the page is full
            ranked += connection.exec_driver_sql(
                f"UPDATE temp.search_matching_v2 SET tier = ? WHERE tier < ? AND rowid IN "
                f"(SELECT rowid FROM {text} WHERE {text} MATCH ?)",
                (tier, tier, _in_fields(expression, fields))).rowcount
            if page_end is not None and ranked >= page_end:
                break
        return count

    def ranked_page(self, connection, generation, match, start: int, rows: int) -> list[str]:
        """Dataset ids of ``temp.search_matching_v2`` in the order "score desc,
        metadata_modified desc, name asc", rows ``start`` to ``start + rows``, without
        ranking every match: tiers are nested (a match within the first N fields is one
        within the first N + 1), so the datasets of exactly one tier are those matching
        its fields and not the better tier's. Tiers are read best first, each sorted and
        cut to what the page still needs, until the page is full."""
        text = fts5_tables(generation)["text"]
        expression = fts5_expression(match)
        page_end, collected, better = start + rows, [], None
        for _tier, fields in TIERS:
            conditions, parameters = [], []
            if len(fields) < len(FIELDS):
                conditions.append(f"rowid IN (SELECT rowid FROM {text} WHERE {text} MATCH ?)")
                parameters.append(_in_fields(expression, fields))
            if better is not None:
                conditions.append(f"rowid NOT IN (SELECT rowid FROM {text} WHERE {text} MATCH ?)")
                parameters.append(better)
            where = f"WHERE {' AND '.join(conditions)}" if conditions else ""
            collected += [row[0] for row in connection.exec_driver_sql(
                f"SELECT dataset_id FROM temp.search_matching_v2 {where} "
                f"ORDER BY modified DESC, name ASC LIMIT ?",
                (*parameters, page_end - len(collected)))]
            if len(collected) >= page_end:
                break
            better = _in_fields(expression, fields)
        return collected[start:page_end]


def _facet_rows(document) -> list[tuple[str, str, int]]:
    """(field, value, mask) of the facet rows of ``document`` (see :data:`INHERITS`)."""
    rows = [("tags", tag, INHERITS) for tag in document.tags]
    rows += [("groups", group, INHERITS) for group in document.groups]
    rows += [("res_format", fmt, INHERITS if level is None else LEVEL_BITS.get(level, 0))
             for fmt, level in document.resource_formats if fmt]
    return rows


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

    def write(self, connection, generation, documents):
        if not documents:
            return
        rows = [(document.id, document.terms) for document in documents]
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

    def matching_ids(self, generation, fields, match):
        """The GIN index (over ``everything``) finds the candidates; the vector holding
        ``fields`` decides (labels pick title, tags, categories or description out of
        ``main``)."""
        table = sa.table(_name(generation), sa.column("dataset_id"),
                         *(sa.column(name) for name in _PG_VECTORS))
        conditions = [table.c[_ALL].op("@@")(_tsquery(tsquery_literal(match)))]
        main = [name for name in fields if name in _PG_LABELS]
        others = [table.c[name] for name in fields if name not in _PG_LABELS]
        if main and not others:
            labels = "".join(_PG_LABELS[name] for name in main)
            conditions.append(table.c.main.op("@@")(_tsquery(tsquery_literal(match, labels))))
        elif set(fields) != set(FIELDS):
            if main and len(main) < len(_PG_LABELS):
                raise ValueError(f"no vector holds exactly the fields {fields}")
            vector = table.c.main if main else others.pop(0)
            for other in others:
                vector = vector.op("||")(other)
            conditions.append(vector.op("@@")(_tsquery(tsquery_literal(match))))
        return sa.select(table.c.dataset_id).where(*conditions)


def _tsquery(text: str) -> sa.ColumnElement:
    return sa.cast(sa.literal(text), TSQUERY)


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
