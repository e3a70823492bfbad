"""resource_search: CKAN's field:term search over the resources a caller may read."""

import pytest

from tests.factories import make_dataset, make_org, make_token, make_user
from tests.helpers import call, result


@pytest.fixture
def catalog(app):
    """Open, internal and restricted datasets, and a restricted file in an open one."""
    tokei = make_org("tokei", "統計調査課")
    make_dataset(tokei, name="koukai", resources=[
        {"url": "https://example.jp/jinko.csv", "name": "人口 公開", "hash": "abc123",
         "size": 72236, "region": "fukuoka"},
        {"url": "https://example.jp/jinko.xlsx", "name": "人口 公開 Excel"}])
    make_dataset(tokei, name="naibu", access_level="internal", resources=[
        {"url": "https://example.jp/naibu.csv", "name": "人口 庁内"}])
    make_dataset(tokei, name="gentei", access_level="restricted",
                 legal_basis="personal_information", resources=[
                     {"url": "https://example.jp/gentei.csv", "name": "人口 限定"}])
    mixed = make_dataset(tokei, name="mixed", resources=[
        {"url": "https://example.jp/meisai.csv", "name": "人口 明細",
         "access_level": "restricted"}])
    assert mixed.resources[0].access_level == "restricted"
    return {
        "staff": make_token(make_user("shokuin")),
        "member": make_token(make_user("menba", orgs={tokei: "member"})),
    }


def _names(client, token=None, **data) -> list[str]:
    return [r["name"] for r in result(client, "resource_search", token, **data)["results"]]


def test_terms_match_inside_fields_ignoring_case(client, catalog):
    found = result(client, "resource_search", query="name:人口")
    assert found["count"] == 2
    assert sorted(r["name"] for r in found["results"]) == ["人口 公開", "人口 公開 Excel"]
    assert _names(client, query=["name:人口", "format:CSV"]) == ["人口 公開"]  # AND
    assert _names(client, query="url:JINKO.XLSX") == ["人口 公開 Excel"]
    assert _names(client, query="hash:abc") == ["人口 公開"]  # from its start
    assert _names(client, query="hash:123") == []
    assert _names(client, query="size:72236") == ["人口 公開"]  # equal, as CKAN
    assert _names(client, query="size:7223") == []
    month = result(client, "resource_search", query="name:人口 公開")["results"][0]["created"][:7]
    assert "人口 公開" in _names(client, query=f"created:{month}")  # from the start
    assert _names(client, query="created:1999") == []
    assert _names(client, query="name:%") == []  # LIKE wildcards are plain text


def test_order_offset_and_limit(client, catalog):
    everything = _names(client, query="name:人口", order_by="name")
    assert everything == ["人口 公開", "人口 公開 Excel"]
    paged = result(client, "resource_search", query="name:人口", order_by="name",
                   offset=1, limit=1)
    assert paged["count"] == 2 and [r["name"] for r in paged["results"]] == ["人口 公開 Excel"]


def test_bad_queries_are_validation_errors(client, catalog):
    for query in ("人口", "", ":x", "no such field:x", "region:fuku"):  # extras: as CKAN
        status, body = call(client, "resource_search", query=query)
        assert status == 409 and "query" in body["error"], query


def test_closed_resources_reach_only_those_who_may_read_them(client, catalog):
    """Anonymous callers and public accounts see open resources only; staff add the
    internal dataset's; members of the owner also the restricted ones, the restricted
    file of an open dataset included."""
    public = {"人口 公開", "人口 公開 Excel"}
    citizen = make_token(make_user("shimin", staff=False))
    for token in (None, citizen):
        assert set(_names(client, token, query="name:人口", include_private=True)) == public
        assert result(client, "resource_search", token, query="name:明細",
                      include_private=True)["count"] == 0
    assert set(_names(client, catalog["staff"], query="name:人口",
                      include_private=True)) == public | {"人口 庁内"}
    assert set(_names(client, catalog["member"], query="name:人口", include_private=True)) \
        == public | {"人口 庁内", "人口 限定", "人口 明細"}
    # Without include_private, as CKAN: the resources of open datasets that are open.
    assert set(_names(client, catalog["member"], query="name:人口")) == public
