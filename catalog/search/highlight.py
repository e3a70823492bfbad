"""Highlighting the words a search matched, in titles and description snippets."""

from __future__ import annotations

import unicodedata

from markupsafe import Markup, escape

from catalog.search.analysis import MatchQuery, analyze_query, tokenize
from catalog.search.query import query_words
from catalog.search.text import clean_term, cjk_runs, fold_kana, normalise, romaji

SNIPPET_LENGTH = 160


def _normalised_with_offsets(text: str) -> tuple[str, list[int]]:
    """NFKC/lower/folded ``text`` character by character, with each output character's
    index in ``text`` (so spans found in the normalised text map back)."""
    out, origin = [], []
    for index, char in enumerate(text):
        for normal in fold_kana(unicodedata.normalize("NFKC", char).lower()):
            out.append(normal)
            origin.append(index)
    return "".join(out), origin


def _spans(normal: str, match: MatchQuery, q: str) -> list[tuple[int, int]]:
    words = {t for c in match.clauses for a in c.alternatives for t in a.terms
             if not t.startswith("_")}
    spans = []
    for token in tokenize(normal):
        terms = {token.surface, clean_term(token.normalized), clean_term(token.reading),
                 *token.parts, *romaji(clean_term(token.reading))}
        if token.content and terms & words:
            spans.append((token.start, token.end))
    # Typed kanji/kana found as they are, also inside longer words (人口 in 市町村別人口).
    typed = [fold_kana(clean_term(c.text)) for c in match.clauses] + cjk_runs(normalise(q))
    for run in (run for text in typed for run in cjk_runs(text)):
        start = normal.find(run)
        while run and start >= 0:
            spans.append((start, start + len(run)))
            start = normal.find(run, start + 1)
    return sorted(spans)


def highlight(text: str, q: str, limit: int | None = None) -> Markup:
    """``text`` (escaped) with the words matching query ``q`` in ``<mark>``; cut to a
    window of ``limit`` characters around the first match when ``limit`` is given."""
    text = text or ""
    q = query_words(q) if q else q  # without field names and operators
    match = analyze_query(q) if q else None
    if match is None:
        return escape(text[:limit] + ("…" if limit and len(text) > limit else "")) if limit else escape(text)
    normal, origin = _normalised_with_offsets(text)
    spans = [(origin[s], origin[e - 1] + 1) for s, e in _spans(normal, match, q) if e > s]
    begin, end = 0, len(text)
    if limit and len(text) > limit:
        first = spans[0][0] if spans else 0
        begin = max(0, min(first - limit // 4, len(text) - limit))
        end = begin + limit
    pieces, position = [], begin
    for start, stop in _merge(spans):
        if stop <= position or start >= end:
            continue
        start, stop = max(start, position), min(stop, end)
        pieces += [escape(text[position:start]), Markup("<mark>"), escape(text[start:stop]),
                   Markup("</mark>")]
        position = stop
    pieces.append(escape(text[position:end]))
    prefix = "…" if begin > 0 else ""
    suffix = "…" if end < len(text) else ""
    return Markup(prefix) + Markup("").join(pieces) + Markup(suffix)


def _merge(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[list[int]] = []
    for start, stop in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], stop)
        else:
            merged.append([start, stop])
    return [(start, stop) for start, stop in merged]

