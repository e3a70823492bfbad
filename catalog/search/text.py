"""Character-level normalisation shared by indexing, querying and highlighting.

Everything that reaches an index goes through :func:`normalise` first, so full-width and
half-width forms, upper and lower case, and katakana and hiragana compare equal.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import pykakasi

_KATAKANA = re.compile(r"[\u30a1-\u30f6]")
# Characters a term may keep: letters and digits of every script (``\w`` less ``_``,
# which marks character n-grams, see :data:`GRAM_PREFIX`).
_NOT_TERM = re.compile(r"[\W_]+")
_CJK_RUN = re.compile(r"[\u3041-\u3096\u30a1-\u30fa\u30fc\u3005\u3006\u4e00-\u9fff\uf900-\ufaff]+")
_ASCII_WORD = re.compile(r"[0-9a-z]+")

GRAM_PREFIX = "_"


def fold_kana(text: str) -> str:
    """Katakana to hiragana, so that readings written either way match."""
    return _KATAKANA.sub(lambda match: chr(ord(match.group()) - 0x60), text)


def normalise(text: str) -> str:
    """NFKC (全角/半角), lower case and katakana folded to hiragana."""
    return fold_kana(unicodedata.normalize("NFKC", text or "").lower())


# Longer terms are cut: Elasticsearch's whitespace tokenizer splits tokens over 255
# characters, which would make the engines disagree.
MAX_TERM_LENGTH = 200


def clean_term(text: str) -> str:
    """``text`` reduced to the characters a term may hold (no spaces or punctuation)."""
    return _NOT_TERM.sub("", text)[:MAX_TERM_LENGTH]


def cjk_runs(text: str) -> list[str]:
    """Maximal runs of kanji and kana in (normalised) ``text``."""
    return _CJK_RUN.findall(text)


def bigrams(run: str) -> list[str]:
    """Overlapping character bigrams of a kanji/kana run, as gram terms (a one-character
    run is its own gram). They give recall where word boundaries disagree."""
    if len(run) < 2:
        return [GRAM_PREFIX + run] if run else []
    return [GRAM_PREFIX + run[i:i + 2] for i in range(len(run) - 1)]


def is_kana(text: str) -> bool:
    return bool(text) and all("\u3041" <= c <= "\u309f" or c == "\u30fc" for c in text)


def is_ascii_word(text: str) -> bool:
    return bool(_ASCII_WORD.fullmatch(text))


def english_stem(word: str) -> str:
    """A light plural stemmer for English words (``facilities`` -> ``facility``)."""
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


_kakasi = pykakasi.kakasi()


@lru_cache(maxsize=65536)
def romaji(reading: str) -> tuple[str, ...]:
    """Hepburn romaji of a kana reading, with and without long vowels marked
    (``とうけい`` -> ``toukei``, ``tokei``), so both ways of typing it match."""
    if not reading or not is_kana(reading):
        return ()
    spelled = "".join(item["hepburn"] for item in _kakasi.convert(reading))
    spelled = clean_term(spelled.lower())
    if not spelled or not is_ascii_word(spelled):
        return ()
    short = re.sub(r"([aiueo])\1|ou", lambda m: m.group()[0], spelled)
    return (spelled,) if short == spelled else (spelled, short)
