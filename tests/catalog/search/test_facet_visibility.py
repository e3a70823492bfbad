"""Facet counts obey the access policy on every engine, including the SQL engine's counts
of the match-all query (kept in memory per index version): a closed dataset's tags and
counts reach only those who may read it, and follow level changes, grants and edits at
once. A format is counted (and filtered on) only through resources the caller may read."""

from __future__ import annotations

import json

from tests.factories import make_dataset, make_org, make_token, make_user
from tests.helpers import call, result

FACETS = json.dumps(["tags", "access_level", "organization", "res_format"])


def search(client, token=None, **params) -> dict:
    body = result(client, "package_search", token, rows=100, include_private=True,
                  **{"facet.field": FACETS}, **params)
    return {"count": body["count"], "names": sorted(d["name"] for d in body["results"]),
            **{field: {item["name"]: item["count"] for item in facet["items"]}
               for field, facet in body["search_facets"].items()}}


def twice(client, token=None, **params) -> dict:
    """The same search twice (the second may be answered from cached counts): both agree."""
    first, second = search(client, token, **params), search(client, token, **params)
    assert first == second
    return first


def test_closed_tags_and_counts_reach_only_readers_and_follow_changes(engine_app, engine_client):
    client = engine_client
    hoken, kanko = make_org("hoken", "保健課"), make_org("kanko", "観光課")
    make_dataset(kanko, name="kouen", title="公園の一覧", tags=[{"name": "公園"}])
    make_dataset(hoken, name="kansen", title="感染症の記録", access_level="restricted",
                 tags=[{"name": "感染症"}, {"name": "公園"}])
    member = make_token(make_user("hoken-in", orgs={hoken: "member"}))
    other_staff = make_token(make_user("kanko-in", orgs={kanko: "member"}))
    outsider_user = make_user("tanin")
    outsider = make_token(outsider_user)
    admin = make_token(make_user("hoken-kanri", orgs={hoken: "admin"}))

    anonymous = twice(client)
    assert anonymous["count"] == 1 and "感染症" not in anonymous["tags"]
    assert anonymous["tags"] == {"公園": 1} and anonymous["access_level"] == {"open": 1}
    assert anonymous["organization"] == {"kanko": 1}
    assert twice(client, other_staff)["tags"] == {"公園": 1}
    seen = twice(client, member)
    assert seen["count"] == 2 and seen["tags"] == {"公園": 2, "感染症": 1}
    assert seen["access_level"] == {"open": 1, "restricted": 1}
    assert twice(client, outsider)["tags"] == {"公園": 1}

    # A grant adds the dataset for that one user only.
    result(client, "dataset_grant_create", admin, id="kansen", principal_type="user",
           principal="tanin")
    granted = twice(client, outsider)
    assert granted["count"] == 2 and granted["tags"] == {"公園": 2, "感染症": 1}
    assert twice(client)["tags"] == {"公園": 1}
    assert twice(client, other_staff)["tags"] == {"公園": 1}

    # Opening the dataset shows it to everyone at once; closing it hides it again.
    result(client, "package_patch", admin, id="kansen", access_level="open")
    opened = twice(client)
    assert opened["count"] == 2 and opened["tags"] == {"公園": 2, "感染症": 1}
    result(client, "package_patch", admin, id="kansen", access_level="internal")
    assert twice(client)["tags"] == {"公園": 1}
    assert twice(client, other_staff)["tags"] == {"公園": 2, "感染症": 1}
    result(client, "package_patch", admin, id="kansen", access_level="restricted",
           legal_basis="個人情報保護法")
    assert twice(client, other_staff)["tags"] == {"公園": 1}
    assert twice(client)["count"] == 1

    # Edits and deletions are counted at once too.
    result(client, "package_patch", admin, id="kansen", tags=[{"name": "予防接種"}])
    assert twice(client, member)["tags"] == {"公園": 1, "予防接種": 1}
    result(client, "package_delete", admin, id="kansen")
    assert twice(client, member)["count"] == 1
    assert twice(client, outsider)["tags"] == {"公園": 1}


def test_formats_of_stricter_resources_are_counted_and_found_only_by_their_readers(
        engine_app, engine_client):
    client = engine_client
    hoken = make_org("hoken", "保健課")
    admin = make_token(make_user("hoken-kanri", orgs={hoken: "admin"}))
    staff = make_token(make_user("shokuin"))
    make_dataset(hoken, name="kenshin", title="健診の受診率", resources=[
        {"name": "受診率", "url": "https://example.jp/a.csv", "format": "CSV"},
        {"name": "個票", "url": "https://example.jp/b.xlsx", "format": "XLSX",
         "access_level": "restricted"},
        {"name": "庁内集計", "url": "https://example.jp/c.json", "format": "JSON",
         "access_level": "internal"},
    ])
    for q in ("", "健診"):
        assert twice(client, q=q)["res_format"] == {"CSV": 1}
        assert twice(client, staff, q=q)["res_format"] == {"CSV": 1, "JSON": 1}
        assert twice(client, admin, q=q)["res_format"] == {"CSV": 1, "JSON": 1, "XLSX": 1}
        assert search(client, q=q, fq="res_format:xlsx")["count"] == 0
        assert search(client, q=q, fq="res_format:json")["count"] == 0
        assert search(client, staff, q=q, fq="res_format:json")["count"] == 1
        assert search(client, staff, q=q, fq="res_format:xlsx")["count"] == 0
        assert search(client, admin, q=q, fq="res_format:xlsx")["count"] == 1
        assert search(client, q=q, fq="res_format:csv")["count"] == 1

    # A resource made stricter stops counting for those who may no longer read it.
    shown = result(client, "package_show", admin, id="kenshin")
    csv = next(r for r in shown["resources"] if r["format"] == "CSV")
    result(client, "resource_patch", admin, id=csv["id"], access_level="internal")
    assert twice(client)["res_format"] == {}
    assert twice(client, q="健診")["res_format"] == {}
    assert twice(client, staff)["res_format"] == {"CSV": 1, "JSON": 1}
    status, _ = call(client, "package_search", None, fq="res_format:csv")
    assert status == 200 and search(client, fq="res_format:csv")["count"] == 0
    result(client, "resource_patch", admin, id=csv["id"], access_level="open")
    assert twice(client)["res_format"] == {"CSV": 1}
