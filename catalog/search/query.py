"""Parsing CKAN's Solr syntax: ``fq`` into a small filter tree every index can translate,
and ``q`` into free words (full text, ranked) and such a filter.

Supported: ``field:value``, ``field:"quoted value"``, ``field:prefix*``, ``field:[a TO b]``
/ ``{a TO b}`` with ``*`` for an open end, ``field:(a OR b)``, ``field:*``, ``*:*``,
``AND``, ``OR``, ``NOT``, ``-``/``+`` prefixes, parentheses and ``\\`` escapes.
Juxtaposed clauses are ANDed (CKAN's schema sets that default operator).

A field CKAN's schema would not know matches nothing rather than failing: CKAN's
catch-all dynamic field (``*``) holds no value for it, so Solr finds nothing. Syntax
errors fail with :class:`SearchQueryError`.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from typing import Callable, Union

from flask_babel import gettext as _

from access_control.levels import AccessLevel
from catalog.api.errors import SearchQueryError
from catalog.search.analysis import FIELDS as INDEX_FIELDS
from catalog.search.analysis import MatchQuery, analyze_query

MAX_QUERY_LENGTH = 2000

# Filterable fields and their kind. "text": the exact value, or a prefix (``name:douro*``);
# "words": analysed like ``q``, within index fields (WORD_FIELDS); "date" and "number":
# ranges too; "bool": true or false. ``extras_<key>`` fields are "text" too.
FIELDS = {
    "id": "text", "name": "text", "organization": "text", "owner_org": "text",
    "groups": "text", "tags": "text", "res_format": "text", "license_id": "text",
    "access_level": "text", "frequency": "text", "capacity": "text", "state": "text",
    "type": "text", "dataset_type": "text", "author": "text", "maintainer": "text",
    "url": "text", "res_url": "text", "site_id": "text",
    "title": "words", "notes": "words", "res_name": "words", "res_description": "words",
    "text": "words",
    "private": "bool",
    "metadata_modified": "date", "metadata_created": "date",
    "num_resources": "number", "num_tags": "number",
}
EXTRAS_PREFIX = "extras_"
# Where each "words" field's terms are in the index (catalog.search.analysis.FIELDS). The
# index keeps a dataset's resource names and descriptions as one text, so res_name and
# res_description both search it; the title field also holds the words of the name.
WORD_FIELDS = {
    "title": ("title",), "notes": ("notes",), "res_name": ("resources",),
    "res_description": ("resources",), "text": INDEX_FIELDS,
}
# CKAN's ckan.site_id as its configuration template sets it: every dataset here is this
# site's, so a client adding CKAN's own ``site_id`` filter finds them all.
SITE_ID = "default"


def field_kind(name: str) -> str | None:
    """The kind of field ``name`` (see :data:`FIELDS`); None for a field CKAN would not know."""
    if name.startswith(EXTRAS_PREFIX):
        key = name[len(EXTRAS_PREFIX):]
        # A key with a quote or backslash cannot be named in SQLite's JSON paths.
        return "text" if key and '"' not in key and "\\" not in key else None
    return FIELDS.get(name)


@dataclass(frozen=True)
class Match:
    field: str
    value: str


@dataclass(frozen=True)
class Prefix:
    """A "text" field's value starts with ``prefix`` (Solr's trailing ``*`` wildcard)."""

    field: str
    prefix: str


@dataclass(frozen=True)
class Range:
    field: str
    low: str | None  # None: open end
    high: str | None
    include_low: bool = True
    include_high: bool = True


@dataclass(frozen=True)
class Words:
    """``text`` analysed as ``q`` is, every clause matching within the index fields
    ``fields``: ``title:人口``, or a free word of ``q`` that is not simply ANDed with the
    rest (``人口 OR tags:統計`` searches 人口 in every field). ``match`` None (particles
    only) matches nothing. The parser analyses without synonyms; ``package_search``
    analyses again with them (:func:`analyse_words`)."""

    text: str
    fields: tuple[str, ...]
    match: MatchQuery | None = dataclasses.field(default=None, compare=False, hash=False,
                                                 repr=False)


@dataclass(frozen=True)
class Nothing:
    """Matches no dataset (a field CKAN would not know, ``private:maybe``)."""


@dataclass(frozen=True)
class And:
    items: tuple["Filter", ...]


@dataclass(frozen=True)
class Or:
    items: tuple["Filter", ...]


@dataclass(frozen=True)
class Not:
    item: "Filter"


Filter = Union[Match, Prefix, Range, Words, Nothing, And, Or, Not]
EVERYTHING = Not(Nothing())


@dataclass(frozen=True)
class _FreeWord:
    """A word without a field (only while parsing: see :func:`parse_query`)."""

    text: str


_TOKEN = re.compile(
    r'\s*(?:(?P<quoted>"(?:[^"\\]|\\.)*")|(?P<punct>[()\[\]{}])|(?P<colon>:)'
    r'|(?P<word>(?:\\.|[^\s()\[\]{}:"\\])+|\\))'
)


def parse_filter(text: str) -> Filter | None:
    """Parse an ``fq`` string; ``None`` when empty. Raises :class:`SearchQueryError`.
    A word without a field is a ``text:`` clause (Solr's default field in CKAN)."""
    if not text or not text.strip():
        return None
    return _as_filter(_parse(text))


def parse_query(q: str) -> tuple[str, Filter | None]:
    """Split a ``q`` into its free words and a filter, as Solr reads a ``q`` with a colon
    (CKAN hands such a ``q`` to Solr's query parser): ``人口 tags:統計`` is the words
    ``人口`` (full text, ranked) and the filter ``tags:統計``. A free word inside OR or
    NOT becomes a ``text:`` clause of the filter. A ``q`` without a colon is all words
    (CKAN gives it to Solr's dismax parser, which takes no fields)."""
    if ":" not in q:
        return " ".join(q.split()), None
    tree = _parse(q)
    items = tree.items if isinstance(tree, And) else (tree,)
    words = [item.text for item in items if isinstance(item, _FreeWord)]
    rest = tuple(_as_filter(item) for item in items if not isinstance(item, _FreeWord))
    remaining = None if not rest else rest[0] if len(rest) == 1 else And(rest)
    return " ".join(" ".join(words).split()), remaining


def query_words(q: str) -> str:
    """The words of ``q`` a result matched (to highlight them): its free words and the
    values of its "words" fields, without field names; ``q`` itself when it has no
    fielded clause or cannot be parsed."""
    if ":" not in q:
        return q
    try:
        tree = _parse(q)
    except SearchQueryError:
        return q
    found: list[str] = []

    def collect(node) -> None:
        if isinstance(node, (_FreeWord, Words)):
            found.append(node.text)
        elif isinstance(node, (And, Or)):
            for item in node.items:
                collect(item)

    collect(tree)
    return " ".join(found)


def analyse_words(node: Filter | None,
                  analyse: Callable[[str], MatchQuery | None]) -> Filter | None:
    """``node`` with every :class:`Words` analysed again by ``analyse`` (with the
    synonym list)."""
    match node:
        case Words():
            return dataclasses.replace(node, match=analyse(node.text))
        case And(items):
            return And(tuple(analyse_words(item, analyse) for item in items))
        case Or(items):
            return Or(tuple(analyse_words(item, analyse) for item in items))
        case Not(item):
            return Not(analyse_words(item, analyse))
    return node


def _parse(text: str):
    if len(text) > MAX_QUERY_LENGTH:
        raise SearchQueryError(_("The filter is too long (at most %(n)s characters)",
                                 n=MAX_QUERY_LENGTH))
    parser = _Parser(_tokenize(text))
    result = parser.expression()
    if parser.peek() is not None:
        raise SearchQueryError(_("Cannot parse the filter near: %(token)s",
                                 token=str(parser.peek()[1])[:50]))
    return result


def _as_filter(node):
    """``node`` with its free words searched in every field."""
    match node:
        case _FreeWord(text):
            return _words(text, "text")
        case And(items):
            return And(tuple(_as_filter(item) for item in items))
        case Or(items):
            return Or(tuple(_as_filter(item) for item in items))
        case Not(item):
            return Not(_as_filter(item))
    return node


def _words(text: str, name: str) -> Words:
    return Words(text, WORD_FIELDS[name], analyze_query(text))


def _unescape(word: str) -> str:
    return re.sub(r"\\(.)", r"\1", word)


def _tokenize(text: str) -> list[tuple[str, str, int, int]]:
    """Tokens as (kind, value, start, end); positions let values re-join across colons.
    Words keep their backslashes (a ``\\*`` is no wildcard); quoted text loses them."""
    tokens, position = [], 0
    text = text.rstrip()
    while position < len(text):
        match = _TOKEN.match(text, position)
        if not match or match.end() == position:
            raise SearchQueryError(_("Cannot parse the filter near: %(token)s",
                                     token=text[position:position + 20]))
        kind = match.lastgroup
        value = match.group(kind)
        if kind == "quoted":
            value = _unescape(value[1:-1])
        tokens.append((kind, value, match.start(kind), match.end()))
        position = match.end()
    return tokens


class _Parser:
    def __init__(self, tokens: list[tuple[str, str, int, int]]):
        self.tokens = tokens
        self.position = 0

    def peek(self) -> tuple[str, str] | None:
        if self.position >= len(self.tokens):
            return None
        return self.tokens[self.position][:2]

    def take(self) -> tuple[str, str]:
        token = self.peek()
        if token is None:
            raise SearchQueryError(_("The filter ends too early"))
        self.position += 1
        return token

    def adjacent(self) -> bool:
        """Whether the next token touches the previous one (no space between)."""
        return (
            0 < self.position < len(self.tokens)
            and self.tokens[self.position][2] == self.tokens[self.position - 1][3]
        )

    def is_word(self, *words: str) -> bool:
        token = self.peek()
        return token is not None and token[0] == "word" and token[1] in words

    def expression(self) -> Filter:
        items = [self.conjunction()]
        while self.is_word("OR", "||"):
            self.take()
            items.append(self.conjunction())
        return items[0] if len(items) == 1 else Or(tuple(items))

    def conjunction(self) -> Filter:
        items = [self.unary()]
        while self.peek() is not None and self.peek() != ("punct", ")") and not self.is_word(
            "OR", "||"
        ):
            if self.is_word("AND", "&&"):
                self.take()
            items.append(self.unary())
        return items[0] if len(items) == 1 else And(tuple(items))

    def unary(self) -> Filter:
        if self.is_word("NOT", "!"):
            self.take()
            return Not(self.unary())
        token = self.peek()
        if token and token[0] == "word" and token[1][0] in "-+" and len(token[1]) > 1:
            # "-field" / "+field": split the sign from the field name
            _, word, start, end = self.tokens[self.position]
            self.tokens[self.position] = ("word", word[1:], start + 1, end)
            return Not(self.unary()) if token[1][0] == "-" else self.unary()
        if token == ("punct", "("):
            self.take()
            inner = self.expression()
            self._expect(")")
            return inner
        return self.clause()

    def clause(self) -> Filter:
        kind, name = self.take()
        if kind != "word" or self.peek() != ("colon", ":"):
            if kind in ("word", "quoted"):
                return _FreeWord(_unescape(name) if kind == "word" else name)
            raise SearchQueryError(_("Filters must have the form field:value (got %(token)s)",
                                     token=name[:50]))
        self.take()
        name = _unescape(name)
        token = self.peek()
        if token in (("punct", "["), ("punct", "{")):
            return self.range(name)
        if token == ("punct", "("):
            self.take()
            values = [self.leaf(name, *self.value())]
            while not self.peek() == ("punct", ")"):
                if self.is_word("OR", "||"):
                    self.take()
                values.append(self.leaf(name, *self.value()))
            self.take()
            return values[0] if len(values) == 1 else Or(tuple(values))
        return self.leaf(name, *self.value())

    def value(self) -> tuple[str, bool]:
        """A value, and whether it was quoted. An unquoted value runs on over colons
        that touch it (``res_url:https://example.jp/a.csv``)."""
        kind, value = self.take()
        if kind not in ("word", "quoted"):
            raise SearchQueryError(_("Expected a value, got %(token)s", token=value[:50]))
        if kind == "quoted":
            return value, True
        while self.peek() is not None and self.peek()[0] in ("word", "colon") and self.adjacent():
            value += self.take()[1]
        return value, False

    @staticmethod
    def leaf(name: str, raw: str, quoted: bool) -> Filter:
        """The clause ``name:raw`` (``raw`` still escaped unless ``quoted``)."""
        if name == "*":
            return EVERYTHING if raw == "*" and not quoted else Nothing()
        kind = field_kind(name)
        if kind is None:
            return Nothing()
        if raw == "*" and not quoted:
            return EVERYTHING
        wildcard = not quoted and raw.endswith("*") and not raw.endswith("\\*")
        value = raw if quoted else _unescape(raw)
        if kind == "words":
            return _words(value, name)
        if kind == "bool":
            # CKAN's private flag is ours derived: a dataset is private when not open.
            is_open = Match("access_level", AccessLevel.OPEN.value)
            return {"true": Not(is_open), "false": is_open}.get(value.lower(), Nothing())
        if kind != "text" or name == "capacity":
            return Match(name, value)
        prefix = value[:-1] if wildcard else None
        if name == "site_id":
            found = SITE_ID.startswith(prefix) if prefix is not None else SITE_ID == value
            return EVERYTHING if found else Nothing()
        return Prefix(name, prefix) if prefix else Match(name, value)

    def range_value(self) -> str | None:
        """A range end; joins ``2024-01-01T00:00:00Z`` split at its colons. ``*`` and
        ``NOW`` are open ends."""
        value, _quoted = self.value()
        return None if value in ("*", "NOW") else value

    def range(self, name: str) -> Filter:
        include_low = self.take()[1] == "["
        low = self.range_value()
        if not self.is_word("TO"):
            raise SearchQueryError(_("A range needs TO: field:[low TO high]"))
        self.take()
        high = self.range_value()
        closing = self.take()
        if closing not in (("punct", "]"), ("punct", "}")):
            raise SearchQueryError(_("A range must end with ] or }"))
        kind = field_kind(name)
        if kind is None:
            return Nothing()
        if kind not in ("date", "number"):
            raise SearchQueryError(_("Field %(field)s does not take ranges", field=name[:50]))
        return Range(name, low, high, include_low, closing[1] == "]")

    def _expect(self, punct: str) -> None:
        if self.take() != ("punct", punct):
            raise SearchQueryError(_("Unbalanced parentheses in the filter"))
