"""package_search, package_list and autocomplete: CKAN's parameters and result shape."""

import pytest

from tests.factories import make_dataset, make_group, make_org, make_token, make_user
from tests.helpers import call, result


@pytest.fixture
def catalog(app):
    tokei, kanko = make_org("tokei", "統計調査課"), make_org("kanko", "観光政策課")
    make_group("jinko", "人口・世帯")
    make_dataset(tokei, name="jinko-shichoson", title="市町村別人口", tags=[{"name": "人口"}],
                 groups=[{"name": "jinko"}], license_id="CC-BY-4.0",
                 resources=[{"url": "https://example.jp/a.csv"}])
    make_dataset(tokei, name="shussho", title="出生数の推移", notes="人口動態統計",
                 tags=[{"name": "人口"}, {"name": "出生"}], license_id="PDL-1.0",
                 resources=[{"url": "https://example.jp/b.xlsx"}])
    make_dataset(kanko, name="kanko-kyaku", title="観光入込客数", tags=[{"name": "観光"}],
                 license_id="CC-BY-4.0", resources=[{"url": "https://example.jp/c.csv"}])
    make_dataset(tokei, name="naibu-chosa", title="人口 内部集計", access_level="internal")
    return tokei, kanko


def test_result_shape_is_ckans(client, catalog):
    body = result(client, "package_search", _method="GET", q="人口",
                  **{"facet.field": '["tags","organization"]'})
    assert set(body) >= {"count", "results", "facets", "search_facets"}
    assert body["count"] == 2  # the internal one is not visible to the public
    tags = {item["name"]: item["count"] for item in body["search_facets"]["tags"]["items"]}
    assert tags == {"人口": 2, "出生": 1}
    organization = body["search_facets"]["organization"]["items"][0]
    assert organization == {"name": "tokei", "display_name": "統計調査課", "count": 2}
    assert body["facets"]["tags"]["人口"] == 2


def test_licence_and_frequency_facets_name_their_values(client, catalog):
    """As CKAN does for licences: the facet item's display_name is the licence title
    (the register's Japanese title), and the same for update frequencies."""
    from catalog.datasets.licenses import get_license

    make_dataset(catalog[0], name="geppo", title="推計人口（月報）", license_id="CC-BY-4.0",
                 frequency="monthly")
    body = result(client, "package_search", _method="GET",
                  **{"facet.field": '["license_id","frequency"]'})
    licences = {item["name"]: item["display_name"]
                for item in body["search_facets"]["license_id"]["items"]}
    assert licences == {"CC-BY-4.0": get_license("CC-BY-4.0").title,
                        "PDL-1.0": get_license("PDL-1.0").title}
    assert licences["CC-BY-4.0"] != "CC-BY-4.0"
    assert body["search_facets"]["frequency"]["items"] == [
        {"name": "monthly", "display_name": "毎月", "count": 1}]


def test_filters_quoted_values_ranges_and_boolean_operators(client, catalog):
    def names(**params):
        return sorted(d["name"] for d in result(client, "package_search", **params)["results"])

    assert names(fq="res_format:CSV") == ["jinko-shichoson", "kanko-kyaku"]
    assert names(fq='organization:"tokei" AND -tags:出生') == ["jinko-shichoson"]
    assert names(fq="tags:観光 OR license_id:PDL-1.0") == ["kanko-kyaku", "shussho"]
    assert names(fq="metadata_modified:[2000-01-01T00:00:00Z TO *]") == [
        "jinko-shichoson", "kanko-kyaku", "shussho"]
    assert names(fq="metadata_modified:[* TO 2000-01-01T00:00:00Z]") == []
    assert names(fq="groups:jinko") == ["jinko-shichoson"]
    assert names(fq="capacity:public", q="観光") == ["kanko-kyaku"]


def test_paging_and_sorting(client, catalog):
    first = result(client, "package_search", rows=2, sort="name asc")
    rest = result(client, "package_search", rows=2, start=2, sort="name asc")
    assert first["count"] == 3
    assert [d["name"] for d in first["results"] + rest["results"]] == [
        "jinko-shichoson", "kanko-kyaku", "shussho"]
    by_title = result(client, "package_search", sort="title_string desc")["results"]
    assert [d["title"] for d in by_title] == sorted((d["title"] for d in by_title), reverse=True)


def test_bad_parameters_are_clear_errors(client, catalog):
    for params in ({"fq": "nosuchfield:x"}, {"fq": "tags:(a"}, {"sort": "secret desc"},
                   {"q": "人" * 3000}):
        status, body = call(client, "package_search", **params)
        assert status == 409 and body["error"]["__type"] == "Search Query Error", params
    status, body = call(client, "package_search", rows="many")
    assert status == 409 and "rows" in body["error"]


def test_staff_see_internal_datasets_unless_include_private_is_false(client, catalog):
    token = make_token(make_user("staffer"))
    assert result(client, "package_search", token, q="人口")["count"] == 3
    assert result(client, "package_search", token, q="人口", include_private=False)["count"] == 2


def test_package_list_follows_the_policy_whatever_include_private_says(client, catalog):
    token = make_token(make_user("staffer"))
    assert "naibu-chosa" not in result(client, "package_list", include_private=True)
    assert "naibu-chosa" in result(client, "package_list", token, include_private=False)


def test_index_follows_changes_and_deletions(client, catalog):
    admin = make_token(make_user("root", sysadmin=True))
    result(client, "package_patch", admin, id="kanko-kyaku", title="観光客数と宿泊者数")
    assert [d["name"] for d in result(client, "package_search", q="宿泊者")["results"]] == [
        "kanko-kyaku"]
    result(client, "package_delete", admin, id="kanko-kyaku")
    assert result(client, "package_search", q="観光")["count"] == 0


def test_outbox_is_empty_after_commits(client, catalog, db):
    from catalog.search.models import SearchOutbox

    assert db.query(SearchOutbox).count() == 0


def test_autocomplete(client, catalog):
    suggestions = result(client, "package_autocomplete", _method="GET", q="観光")
    assert [s["name"] for s in suggestions] == ["kanko-kyaku"]
    assert result(client, "package_autocomplete", _method="GET", q="内部") == []


def test_field_clauses_inside_q_filter_like_solr(client, catalog):
    # frictionless' CKAN reader lists an organization with q=organization:<name>
    body = result(client, "package_search", _method="GET", q="organization:kanko")
    assert [d["name"] for d in body["results"]] == ["kanko-kyaku"]
    body = result(client, "package_search", _method="GET", q='人口 tags:"出生"')
    assert [d["name"] for d in body["results"]] == ["shussho"]
    # an unknown "field" stays a word of the query
    assert result(client, "package_search", _method="GET", q="http://x")["count"] == 0


def test_a_query_of_particles_finds_nothing_rather_than_everything(client, catalog):
    assert result(client, "package_search", q="の と")["count"] == 0
