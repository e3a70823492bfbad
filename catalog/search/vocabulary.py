"""The vocabulary of the index, for typo correction and "did you mean".

Words of every indexed active dataset are kept in ``search_terms`` (not of drafts:
the vocabulary serves every caller, see :mod:`catalog.search.upkeep`). A
query word the vocabulary lacks is matched against its near neighbours (one edit away,
two for long Latin words), so a typo still finds what was meant and a search with no
results can suggest the words that exist.
"""

from __future__ import annotations

from typing import Iterable

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from catalog.search.interfaces import SearchDocument
from catalog.search.models import SearchTerm
from catalog.search.text import GRAM_PREFIX, is_ascii_word

_VOCABULARY_FIELDS = ("title", "tags", "groups", "notes", "resources", "columns", "organization")
_MAX_CANDIDATES = 20000


def add_vocabulary(connection: sa.Connection, documents: Iterable[SearchDocument]) -> None:
    """Record the words of ``documents`` in the vocabulary."""
    terms = {
        term
        for document in documents
        for name in _VOCABULARY_FIELDS
        for term in document.terms[name]
        if not term.startswith(GRAM_PREFIX) and 2 <= len(term) <= 200 and not term.isdigit()
    }
    if not terms:
        return
    dialect = postgresql if connection.dialect.name == "postgresql" else sqlite
    rows = [{"term": term} for term in sorted(terms)]
    for start in range(0, len(rows), 500):
        connection.execute(
            dialect.insert(SearchTerm).on_conflict_do_nothing(), rows[start:start + 500])


def known_terms(connection: sa.Connection, terms: set[str]) -> set[str]:
    """Those of ``terms`` that are in the vocabulary."""
    if not terms:
        return set()
    return set(connection.scalars(sa.select(SearchTerm.term).where(SearchTerm.term.in_(terms))))


def edit_distance(a: str, b: str, limit: int) -> int:
    """Edits (insert, delete, replace, swap two neighbours) from ``a`` to ``b``, or
    ``limit + 1`` once it exceeds ``limit``. Swaps count once: they are common typos."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    before, previous = None, list(range(len(b) + 1))
    for i, char_a in enumerate(a, 1):
        current = [i]
        for j, char_b in enumerate(b, 1):
            cost = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (char_a != char_b))
            if before is not None and j > 1 and char_a == b[j - 2] and a[i - 2] == char_b:
                cost = min(cost, before[j - 2] + 1)
            current.append(cost)
        if min(current) > limit:
            return limit + 1
        before, previous = previous, current
    return previous[-1]


def allowed_edits(term: str) -> int:
    """How many typing mistakes to forgive in ``term``: none in short words, where one
    changed character makes another word (人口/人工)."""
    if is_ascii_word(term):
        return 0 if len(term) < 4 else 1 if len(term) < 8 else 2
    return 0 if len(term) < 3 else 1


def near_terms(connection: sa.Connection, term: str) -> list[str]:
    """Vocabulary words within :func:`allowed_edits` of ``term``, nearest first. Looks
    among the words that share its first character (typos rarely hit the first one)."""
    limit = allowed_edits(term)
    if limit == 0:
        return []
    first = term[0]
    candidates = connection.scalars(
        sa.select(SearchTerm.term)
        .where(SearchTerm.term >= first, SearchTerm.term < chr(ord(first) + 1),
               sa.func.length(SearchTerm.term).between(len(term) - limit, len(term) + limit))
        .limit(_MAX_CANDIDATES)
    )
    scored = []
    for candidate in candidates:
        distance = edit_distance(term, candidate, limit)
        if 0 < distance <= limit:
            scored.append((distance, candidate))
    return [candidate for _distance, candidate in sorted(scored)]
