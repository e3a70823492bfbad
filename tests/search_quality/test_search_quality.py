"""Search quality on 310 Japanese dataset records and 79 judged queries, per engine.

Prints nDCG@10 and recall@10 per engine and per kind of query, beside two baselines
measured on the same records in the same run: plain SQL LIKE (this catalog's first
engine) and SQLite FTS5 with the trigram tokenizer. Fails below nDCG@10 0.85, or when
the engines do not match the same datasets.
"""

from __future__ import annotations

from collections import defaultdict

import pytest

from tests.search_quality.corpus import records
from tests.search_quality.loading import load
from tests.search_quality.metrics import K, LikeBaseline, TrigramBaseline, ndcg, recall
from tests.search_quality.queries import QUERIES

THRESHOLD = 0.85
MATCHED_BY_ENGINE: dict[str, dict[str, list[str]]] = {}


def evaluate(search) -> tuple[float, float, dict[str, list[float]]]:
    corpus = records()
    by_kind: dict[str, list[float]] = defaultdict(list)
    ndcgs, recalls = [], []
    for query in QUERIES:
        grades = {r.name: query.grade(r) for r in corpus if query.grade(r)}
        ranked = search(query.text)
        ndcgs.append(ndcg(ranked, grades))
        recalls.append(recall(ranked, grades))
        by_kind[query.kind].append(ndcgs[-1])
    return sum(ndcgs) / len(ndcgs), sum(recalls) / len(recalls), by_kind


def report(label: str, scores) -> str:
    mean_ndcg, mean_recall, by_kind = scores
    kinds = "  ".join(f"{kind} {sum(v) / len(v):.2f}" for kind, v in by_kind.items())
    return f"{label:<28} nDCG@{K} {mean_ndcg:.3f}  recall@{K} {mean_recall:.3f}   [{kinds}]"


@pytest.mark.slow
def test_quality_per_engine(engine_app, database_url, search_url, capsys):
    with engine_app.app_context():
        load(records())
    client = engine_app.test_client()
    matched: dict[str, list[str]] = {}

    def search(q: str) -> list[str]:
        body = client.get("/api/3/action/package_search", query_string={"q": q, "rows": 1000}).get_json()
        names = [dataset["name"] for dataset in body["result"]["results"]]
        matched[q] = names
        return names[:K]

    engine = ("elasticsearch" if search_url else "sql") + "/" + database_url.split(":")[0].split("+")[0]
    ours = evaluate(search)
    MATCHED_BY_ENGINE[engine] = matched
    corpus = records()
    with capsys.disabled():
        print()
        print(report(f"this engine ({engine})", ours))
        print(report("baseline: SQL LIKE", evaluate(LikeBaseline(corpus).search)))
        print(report("baseline: FTS5 trigram", evaluate(TrigramBaseline(corpus).search)))
    assert ours[0] >= THRESHOLD


@pytest.mark.slow
def test_engines_match_the_same_datasets():
    """Both engines and both databases, where they ran in this session, return exactly
    the same datasets in the same order for every query (one analysis, one ranking)."""
    if len(MATCHED_BY_ENGINE) < 2:
        pytest.skip("fewer than two engines ran in this session")
    reference_engine, reference = next(iter(MATCHED_BY_ENGINE.items()))
    for engine, matched in MATCHED_BY_ENGINE.items():
        differing = [q for q in reference if matched.get(q) != reference[q]]
        first = differing[0] if differing else None
        ours, theirs = matched.get(first, []), reference.get(first, [])
        at = next((i for i, (a, b) in enumerate(zip(ours, theirs)) if a != b), min(len(ours), len(theirs)))
        assert differing == [], (f"{engine} differs from {reference_engine} on {differing}; "
                                 f"{first} from rank {at + 1}: {ours[at:at + 5]} != {theirs[at:at + 5]}")
