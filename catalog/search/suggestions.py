""""Did you mean": a corrected query for a search that found nothing.

Each query word the index has never seen is replaced by the nearest word it has (see
:mod:`catalog.search.vocabulary`); the suggestion is offered only if it finds datasets
the caller may read.
"""

from __future__ import annotations

from dataclasses import replace

from access_control.policy import Visibility
from catalog.api.context import Context
from catalog.search.analysis import analyze_query
from catalog.search.interfaces import SearchQuery
from catalog.search.vocabulary import edit_distance, known_terms


def _nearest(connection, word: str) -> str | None:
    """The nearest vocabulary word (two edits at most; one for words of 2-3 characters)."""
    from sqlalchemy import func, select

    from catalog.search.models import SearchTerm

    limit = 1 if len(word) <= 3 else 2
    candidates = connection.scalars(
        select(SearchTerm.term).where(
            func.length(SearchTerm.term).between(max(2, len(word) - limit), len(word) + limit),
            SearchTerm.term.like(word[0] + "%") | SearchTerm.term.like("%" + word[-1]))
        .limit(20000))
    best = min(
        ((edit_distance(word, candidate, limit), candidate) for candidate in candidates),
        default=None)
    return best[1] if best and best[0] <= limit else None


def did_you_mean(context: Context, query: SearchQuery, seen_by: Visibility) -> str | None:
    """A corrected form of ``query.q`` that finds something, or None."""
    from catalog.search import search_index
    from catalog.search.actions import analyse

    match = analyze_query(query.q)
    if match is None:
        return None
    connection = context.db.connection()
    words = {alt.terms[0] for clause in match.clauses for alt in clause.alternatives
             if alt.kind == "word" and len(alt.terms) == 1}
    present = known_terms(connection, words)
    suggestion = query.q
    for clause in match.clauses:
        clause_words = [alt.terms[0] for alt in clause.alternatives
                        if alt.kind == "word" and len(alt.terms) == 1]
        if not clause_words or any(word in present for word in clause_words):
            continue
        nearest = _nearest(connection, clause_words[0])
        if nearest and clause.text in suggestion:
            suggestion = suggestion.replace(clause.text, nearest, 1)
    if suggestion == query.q:
        return None
    corrected = replace(query, q=suggestion, match=analyse(context, suggestion), rows=1, start=0,
                        facet_fields=())
    return suggestion if search_index().search(corrected, seen_by).count else None
