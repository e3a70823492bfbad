"""Parsing CKAN's ``fq`` (Solr syntax) into a small filter tree every index can translate.

Supported: ``field:value``, ``field:"quoted value"``, ``field:[a TO b]`` / ``{a TO b}``
with ``*`` for an open end, ``field:(a OR b)``, ``AND``, ``OR``, ``NOT``, ``-``/``+``
prefixes and parentheses. Juxtaposed clauses are ANDed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Union

from flask_babel import gettext as _

from catalog.api.errors import SearchQueryError

MAX_QUERY_LENGTH = 2000

# Filterable fields and their kind. "text": exact value; "date" and "number": ranges too.
FIELDS = {
    "id": "text", "name": "text", "organization": "text", "owner_org": "text",
    "groups": "text", "tags": "text", "res_format": "text", "license_id": "text",
    "access_level": "text", "frequency": "text", "capacity": "text", "state": "text",
    "type": "text", "dataset_type": "text",
    "metadata_modified": "date", "metadata_created": "date",
    "num_resources": "number", "num_tags": "number",
}


@dataclass(frozen=True)
class Match:
    field: str
    value: str


@dataclass(frozen=True)
class Range:
    field: str
    low: str | None  # None: open end
    high: str | None
    include_low: bool = True
    include_high: bool = True


@dataclass(frozen=True)
class And:
    items: tuple["Filter", ...]


@dataclass(frozen=True)
class Or:
    items: tuple["Filter", ...]


@dataclass(frozen=True)
class Not:
    item: "Filter"


Filter = Union[Match, Range, And, Or, Not]

_TOKEN = re.compile(
    r'\s*(?:(?P<quoted>"(?:[^"\\]|\\.)*")|(?P<punct>[()\[\]{}])|(?P<colon>:)|(?P<word>[^\s()\[\]{}:"]+))'
)


def parse_filter(text: str) -> Filter | None:
    """Parse an ``fq`` string; ``None`` when empty. Raises :class:`SearchQueryError`."""
    if not text or not text.strip():
        return None
    if len(text) > MAX_QUERY_LENGTH:
        raise SearchQueryError(_("The filter is too long (at most %(n)s characters)",
                                 n=MAX_QUERY_LENGTH))
    parser = _Parser(_tokenize(text))
    result = parser.expression()
    if parser.peek() is not None:
        raise SearchQueryError(_("Cannot parse the filter near: %(token)s",
                                 token=str(parser.peek()[1])[:50]))
    return result


_FIELDED_TERM = re.compile(r'(?<!\S)([a-z_]+):("(?:[^"\\]|\\.)*"|\S+)')


def split_fielded_query(q: str) -> tuple[str, Filter | None]:
    """Separate ``field:value`` clauses from the words of a ``q`` (Solr accepts both in
    q; CKAN clients such as frictionless send ``q=organization:name``)."""
    clauses: list[str] = []

    def take(match: re.Match) -> str:
        if match.group(1) in FIELDS:
            clauses.append(match.group(0))
            return " "
        return match.group(0)

    words = " ".join(_FIELDED_TERM.sub(take, q).split())
    return words, parse_filter(" ".join(clauses)) if clauses else None


def _tokenize(text: str) -> list[tuple[str, str, int, int]]:
    """Tokens as (kind, value, start, end); positions let values re-join across colons."""
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
            value = re.sub(r"\\(.)", r"\1", value[1:-1])
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
            raise SearchQueryError(_("Filters must have the form field:value (got %(token)s)",
                                     token=name[:50]))
        self.take()
        if name not in FIELDS:
            raise SearchQueryError(_("Unknown filter field: %(field)s", field=name[:50]))
        token = self.peek()
        if token in (("punct", "["), ("punct", "{")):
            return self.range(name)
        if token == ("punct", "("):
            self.take()
            values = [Match(name, self.value())]
            while not self.peek() == ("punct", ")"):
                if self.is_word("OR", "||"):
                    self.take()
                values.append(Match(name, self.value()))
            self.take()
            return values[0] if len(values) == 1 else Or(tuple(values))
        return Match(name, self.value())

    def value(self) -> str:
        kind, value = self.take()
        if kind not in ("word", "quoted"):
            raise SearchQueryError(_("Expected a value, got %(token)s", token=value[:50]))
        return value

    def range_value(self) -> str | None:
        """A range end; joins ``2024-01-01T00:00:00Z`` split at its colons. ``*`` and
        ``NOW`` are open ends."""
        value = self.value()
        while self.peek() is not None and self.peek()[0] in ("word", "colon") and self.adjacent():
            value += self.take()[1]
        return None if value in ("*", "NOW") else value

    def range(self, name: str) -> Range:
        include_low = self.take()[1] == "["
        low = self.range_value()
        if not self.is_word("TO"):
            raise SearchQueryError(_("A range needs TO: field:[low TO high]"))
        self.take()
        high = self.range_value()
        closing = self.take()
        if closing not in (("punct", "]"), ("punct", "}")):
            raise SearchQueryError(_("A range must end with ] or }"))
        if FIELDS[name] == "text":
            raise SearchQueryError(_("Field %(field)s does not take ranges", field=name))
        return Range(name, low, high, include_low, closing[1] == "]")

    def _expect(self, punct: str) -> None:
        if self.take() != ("punct", punct):
            raise SearchQueryError(_("Unbalanced parentheses in the filter"))
