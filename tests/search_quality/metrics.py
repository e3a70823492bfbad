"""nDCG@k and recall@k, and the two baselines the quality test prints beside our engines."""

from __future__ import annotations

import math
import sqlite3
import unicodedata

from tests.search_quality.corpus import Record

K = 10


def ndcg(ranked: list[str], grades: dict[str, int], k: int = K) -> float:
    """Normalised discounted cumulative gain of the first ``k`` names (gain 2**grade - 1)."""
    def dcg(gains):
        return sum((2 ** g - 1) / math.log2(i + 2) for i, g in enumerate(gains[:k]))

    ideal = dcg(sorted(grades.values(), reverse=True))
    return dcg([grades.get(name, 0) for name in ranked]) / ideal if ideal else 0.0


def recall(ranked: list[str], grades: dict[str, int], k: int = K) -> float:
    """Share of the relevant records found in the first ``k`` (capped at ``k`` relevant)."""
    relevant = {name for name, grade in grades.items() if grade > 0}
    if not relevant:
        return 0.0
    return len(relevant & set(ranked[:k])) / min(len(relevant), k)


def _text(record: Record) -> tuple[str, str]:
    body = " ".join([record.notes, *record.tags, *record.columns, record.group, record.org])
    return record.title, body


def _normalise(text: str) -> str:
    return unicodedata.normalize("NFKC", text).lower()


class LikeBaseline:
    """The first engine of this catalog: every word a substring (LIKE) of the NFKC,
    lower-cased text; title matches first."""

    def __init__(self, records: list[Record]):
        self.db = sqlite3.connect(":memory:")
        self.db.execute("CREATE TABLE docs (name TEXT, title TEXT, body TEXT)")
        self.db.executemany("INSERT INTO docs VALUES (?, ?, ?)", [
            (r.name, _normalise(r.title), _normalise(" ".join(_text(r)))) for r in records])

    def search(self, q: str) -> list[str]:
        words = _normalise(q).split()
        if not words:
            return []
        where = " AND ".join("body LIKE ?" for _ in words)
        score = " + ".join("(title LIKE ?) * 10" for _ in words)
        patterns = [f"%{w}%" for w in words]
        rows = self.db.execute(
            f"SELECT name FROM docs WHERE {where} ORDER BY {score} DESC, name LIMIT {K}",
            patterns + patterns)
        return [name for (name,) in rows]


class TrigramBaseline:
    """SQLite FTS5 with its ``trigram`` tokenizer over the same text, ranked by bm25."""

    def __init__(self, records: list[Record]):
        self.db = sqlite3.connect(":memory:")
        self.db.execute("CREATE VIRTUAL TABLE docs USING fts5(name UNINDEXED, title, body, "
                        "tokenize='trigram')")
        self.db.executemany("INSERT INTO docs VALUES (?, ?, ?)", [
            (r.name, *(_normalise(t) for t in _text(r))) for r in records])

    def search(self, q: str) -> list[str]:
        words = [w.replace('"', '""') for w in _normalise(q).split()]
        if not words:
            return []
        expression = " AND ".join(f'"{w}"' for w in words)
        rows = self.db.execute(
            f"SELECT name FROM docs WHERE docs MATCH ? ORDER BY bm25(docs, 10.0, 1.0) LIMIT {K}",
            (expression,))
        return [name for (name,) in rows]
