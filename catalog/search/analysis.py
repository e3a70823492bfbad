"""Japanese text analysis shared by every search engine.

Both engines index the terms made here and are queried with the clauses made here, so
they match exactly the same datasets. A term is one of:

- a word: a SudachiPy token (its surface, normalised form and short-unit parts), its
  reading and romaji (in short fields), an English word and its stem, or the Western year
  of an era year (令和5年 -> ``2023``); all NFKC, lower case, katakana folded to hiragana;
- a gram: ``_`` and a character bigram of a kanji/kana run, for recall where word
  boundaries disagree (人口 inside 市町村別人口).

A query is a list of :class:`Clause`; a dataset matches when every clause matches, and a
clause matches when all terms of one of its alternatives are in the dataset.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Callable, Iterable

from sudachipy import Dictionary, SplitMode

from catalog.search.text import (
    MAX_TERM_LENGTH,
    bigrams,
    clean_term,
    cjk_runs,
    english_stem,
    fold_kana,
    is_ascii_word,
    is_kana,
    romaji,
)
from catalog.search.wareki import western_years

# Weighted fields, most important first.
FIELDS = ("title", "tags", "groups", "notes", "resources", "columns", "organization")
# How every engine ranks: a dataset's tier is the highest N such that the whole query
# matches within the first (8 - N) fields: 7 when it matches in the title alone, 6 within
# title and tags, ... 1 when it needs the organization. Ties go to the most recently
# modified. Cheap in every engine and the same in all of them.
TIERS = tuple((len(FIELDS) + 1 - count, FIELDS[:count]) for count in range(1, len(FIELDS) + 1))
# Short fields also get readings and romaji (cheap there, and where people look for them).
_RICH_FIELDS = {"title", "tags", "groups", "organization", "columns"}
_SKIPPED_POS = {"助詞", "助動詞", "補助記号", "空白", "記号"}

_local = threading.local()
_PUNCTUATION = re.compile(r"[^\w\s]|_")


@lru_cache(maxsize=1)
def _dictionary() -> Dictionary:
    return Dictionary(dict="core")


def _tokenizer():
    """SudachiPy tokenizers are not thread-safe: one per thread, on one shared dictionary."""
    if not hasattr(_local, "tokenizer"):
        _local.tokenizer = _dictionary().tokenizer()
    return _local.tokenizer


@dataclass(frozen=True)
class Token:
    """One SudachiPy long-unit token of NFKC, lower-cased text; offsets are into it."""

    surface: str  # folded
    normalized: str  # folded dictionary normal form (子ども -> 子供)
    reading: str  # folded hiragana reading
    parts: tuple[str, ...]  # folded short units when the token splits
    part_readings: tuple[str, ...]
    start: int
    end: int
    content: bool  # not a particle, auxiliary or symbol

    def words(self) -> list[str]:
        """The word terms of this token (surface, normal form, parts)."""
        if is_ascii_word(self.surface):
            return _unique([self.surface, english_stem(self.surface)])
        terms = [self.surface, self.normalized, *self.parts]
        return _unique(clean_term(term) for term in terms)


def nfkc(text: str) -> str:
    return unicodedata.normalize("NFKC", text or "").lower()


def tokenize(text: str) -> list[Token]:
    """SudachiPy tokens of ``text`` after NFKC and lower-casing (mode C, long units)."""
    # Punctuation becomes spaces (same length, so offsets still point into the text):
    # SudachiPy otherwise glues brackets to neighbouring words (人口(データ)).
    text = _PUNCTUATION.sub(" ", nfkc(text)[:20000])
    tokens = []
    for morpheme in _tokenizer().tokenize(text, SplitMode.C):
        surface = morpheme.surface()
        if not surface.strip():
            continue
        parts = morpheme.split(SplitMode.A)
        pos = morpheme.part_of_speech()[0]
        tokens.append(Token(
            surface=fold_kana(surface),
            normalized=fold_kana(morpheme.normalized_form().lower()),
            reading=fold_kana(morpheme.reading_form()),
            parts=tuple(fold_kana(p.surface()) for p in parts) if len(parts) > 1 else (),
            part_readings=tuple(fold_kana(p.reading_form()) for p in parts) if len(parts) > 1 else (),
            start=morpheme.begin(),
            end=morpheme.end(),
            content=pos not in _SKIPPED_POS and bool(clean_term(surface)),
        ))
    return tokens


def _unique(items: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(item for item in items if item))


def text_terms(text: str, rich: bool = False) -> list[str]:
    """Index terms of ``text``: words (plus readings and romaji when ``rich``), Western
    years of era years, and grams."""
    return list(_text_terms(text, rich)) if text else []


@lru_cache(maxsize=8192)  # titles of organizations, categories and tags repeat a lot
def _text_terms(text: str, rich: bool) -> tuple[str, ...]:
    terms = []
    for token in tokenize(text):
        if not token.content:
            continue
        terms.extend(token.words())
        if rich and not is_ascii_word(token.surface):
            for reading in (token.reading, *token.part_readings):
                reading = clean_term(reading)
                if is_kana(reading):
                    terms.append(reading)
                    terms.extend(romaji(reading))
    normalised = fold_kana(nfkc(text))
    terms.extend(str(year) for _start, _end, year in western_years(normalised))
    for run in cjk_runs(normalised):
        terms.extend(bigrams(run))
    return tuple(term[:MAX_TERM_LENGTH] for term in terms)


def document_terms(fields: dict[str, list[str]]) -> dict[str, list[str]]:
    """Terms by weighted field, from the texts of each field (see :data:`FIELDS`)."""
    return {
        name: [term for text in fields.get(name, []) for term in text_terms(text, name in _RICH_FIELDS)]
        for name in FIELDS
    }


# --- queries -------------------------------------------------------------------------


@dataclass(frozen=True)
class Alternative:
    """All of ``terms`` must be in the dataset. ``kind`` says where it came from: the
    ``word`` itself, its ``parts``, ``gram``s, a ``synonym`` or a ``fuzzy`` correction."""

    terms: tuple[str, ...]
    kind: str = "word"


@dataclass
class Clause:
    """One thing the user asked for (a word of the query); ``text`` is what they typed."""

    text: str
    alternatives: list[Alternative] = field(default_factory=list)

    def add(self, terms: Iterable[str], kind: str) -> None:
        terms = tuple(_unique(term[:MAX_TERM_LENGTH] for term in terms))
        if terms and all(terms != alt.terms for alt in self.alternatives):
            self.alternatives.append(Alternative(terms, kind))


@dataclass
class MatchQuery:
    """The analysed full-text part of a search: every clause must match."""

    clauses: list[Clause]

    def terms(self) -> set[str]:
        return {t for c in self.clauses for a in c.alternatives for t in a.terms}


# Synonym groups: each normalised member -> the other members.
Synonyms = dict[str, list[str]]
# Given terms, returns those present in the index vocabulary.
KnownTerms = Callable[[set[str]], set[str]]
# Given an unknown term, returns near terms of the vocabulary (typo correction).
NearTerms = Callable[[str], list[str]]


def synonym_key(text: str) -> str:
    """How synonym list entries and query words are compared."""
    return clean_term(fold_kana(nfkc(text)))


def _alternative_terms(text: str) -> list[str]:
    """The terms all of which a synonym (or other whole phrase) needs: its content words."""
    words = [token for token in tokenize(text) if token.content]
    return [clean_term(token.normalized) or token.surface for token in words]


def _token_clause(token: Token, piece_text: str) -> Clause:
    clause = Clause(piece_text[token.start:token.end])
    clause.add([token.surface], "word")
    if is_ascii_word(token.surface):
        clause.add([english_stem(token.surface)], "word")
    elif token.normalized != token.surface:
        clause.add([clean_term(token.normalized)], "word")
    if token.parts:
        clause.add([clean_term(part) for part in token.parts], "parts")
    runs = cjk_runs(token.surface)
    if runs and "".join(runs) == clean_term(token.surface):
        clause.add([gram for run in runs for gram in bigrams(run)], "gram")
    return clause


def _piece_clauses(piece: str) -> list[Clause]:
    """Clauses of one space-separated query word."""
    folded = clean_term(fold_kana(piece))
    if is_kana(folded) and len(folded) > 1:
        # Kana typed on purpose is usually a reading or a whole word (こども, データ):
        # keep it whole rather than letting the tokenizer cut it into particles.
        clause = Clause(piece)
        clause.add([folded], "word")
        tokens = [token for token in tokenize(piece) if token.content]
        if len(tokens) == 1:
            clause.add([clean_term(tokens[0].normalized)], "word")
        elif tokens:  # ひなんじょ -> 避難 (+ じょ, a particle to the dictionary)
            clause.add([clean_term(token.normalized) for token in tokens], "parts")
        clause.add(bigrams(folded), "gram")
        return [clause]
    clauses, covered = [], []
    for start, end, year in western_years(piece):
        clause = Clause(piece[start:end])
        clause.add([str(year)], "word")
        clauses.append(clause)
        covered.append((start, end))
    single_chars = False
    for token in tokenize(piece):
        inside_year = any(s <= token.start < e for s, e in covered)
        single_char = len(clean_term(token.surface)) == 1 and not token.surface.isdigit()
        single_chars |= token.content and single_char
        if not token.content or inside_year or (single_char and len(clean_term(piece)) > 1):
            continue  # particles, era years (done above), and one-kanji affixes (所, 数, 別)
        clauses.append(_token_clause(token, piece))
    if not clauses and single_chars:
        # Only one-character words (宿/白/者): search the typed text as a whole.
        clause = Clause(piece)
        clause.add([folded], "word")
        clause.add([gram for run in cjk_runs(folded) for gram in bigrams(run)], "gram")
        clauses.append(clause)
    return clauses


def analyze_query(
    q: str,
    synonyms: Synonyms | None = None,
    known: KnownTerms | None = None,
    near: NearTerms | None = None,
) -> MatchQuery | None:
    """The clauses of query text ``q``; ``None`` when it has nothing to search for.

    ``synonyms`` adds the other members of a synonym group as alternatives. ``known`` and
    ``near`` (both or neither) add typo corrections for words the index has never seen.
    """
    synonyms = synonyms or {}
    pieces = nfkc(q).split()
    clauses: list[Clause] = []
    for piece in pieces:
        key = synonym_key(piece)
        if key in synonyms:
            clause = Clause(piece)
            clause.add(_alternative_terms(piece), "word")
            for other in synonyms[key]:
                clause.add(_alternative_terms(other), "synonym")
            clauses.append(clause)
            continue
        piece_clauses = _piece_clauses(piece)
        for clause in piece_clauses:
            for other in synonyms.get(synonym_key(clause.text), []):
                clause.add(_alternative_terms(other), "synonym")
        clauses.extend(piece_clauses)
    clauses = [clause for clause in clauses if clause.alternatives]
    if not clauses:
        return None
    if known is not None and near is not None:
        _add_corrections(clauses, known, near, synonyms)
    return MatchQuery(clauses)


def _add_corrections(clauses: list[Clause], known: KnownTerms, near: NearTerms,
                     synonyms: Synonyms) -> None:
    words = {alt.terms[0] for c in clauses for alt in c.alternatives
             if alt.kind == "word" and len(alt.terms) == 1}
    present = known(words)
    for clause in clauses:
        word_terms = [alt.terms[0] for alt in clause.alternatives
                      if alt.kind == "word" and len(alt.terms) == 1]
        if any(term in present for term in word_terms) or not word_terms:
            continue
        for candidate in near(word_terms[0])[:3]:
            clause.add([candidate], "fuzzy")
            for other in synonyms.get(synonym_key(candidate), []):
                clause.add(_alternative_terms(other), "fuzzy")


def title_matches(match: MatchQuery, title: str) -> bool:
    """Whether every clause of ``match`` matches in ``title`` alone (the top tier)."""
    terms = set(text_terms(title, rich=True))
    return all(any(set(alt.terms) <= terms for alt in clause.alternatives)
               for clause in match.clauses)


__all__ = [
    "FIELDS", "TIERS", "Alternative", "Clause", "MatchQuery",
    "Token", "analyze_query", "document_terms", "synonym_key", "text_terms", "title_matches",
    "tokenize",
]
