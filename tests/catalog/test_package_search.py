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
    """As CKAN: a query it cannot read is a Search Query Error with status 400; a bad
    parameter value is a Validation Error (409)."""
    for params in ({"fq": "tags:(a"}, {"q": "title:(人口"}, {"fq": "name:[a TO b]"},
                   {"fq": "num_resources:[1 TO"}, {"sort": "secret desc"},
                   {"q": "人" * 3000}):
        status, body = call(client, "package_search", **params)
        assert status == 400 and body["error"]["__type"] == "Search Query Error", params
        assert body["success"] is False and body["error"]["message"]
    for rows in ("many", "-1"):
        status, body = call(client, "package_search", rows=rows)
        assert status == 409 and "rows" in body["error"]


def test_rows_and_limits_over_the_maximum_are_capped_not_refused(client, catalog):
    """CKAN caps rows at ckan.search.rows_max (1000) rather than refusing more."""
    from catalog.search import actions

    body = result(client, "package_search", _method="GET", rows=1001)
    assert body["count"] == 3 and len(body["results"]) == 3
    assert actions.build_query({"rows": "1001"}).rows == actions.MAX_ROWS == 1000
    assert actions.build_query({"rows": 5000}).rows == 1000
    suggestions = result(client, "package_autocomplete", _method="GET", q="観光", limit=500)
    assert [s["name"] for s in suggestions] == ["kanko-kyaku"]
    status, body = call(client, "package_autocomplete", q="観光", limit="0")
    assert status == 409 and "limit" in body["error"]


def test_unknown_fields_match_nothing_as_in_ckan(client, catalog):
    """CKAN's catch-all dynamic field: an unknown field is no error, it matches nothing."""
    for params in ({"fq": "nosuchfield:x"}, {"fq": "extras_k1:x"}, {"q": "nosuchfield:x"},
                   {"fq": "nosuchfield:[1 TO 2]"}, {"q": "人口 nosuchfield:x"}):
        body = result(client, "package_search", **params)
        assert body["count"] == 0 and body["results"] == [], params
    assert result(client, "package_search", fq="-nosuchfield:x")["count"] == 3


def test_staff_see_internal_datasets_when_they_ask_with_include_private(client, catalog):
    """CKAN's default: open datasets only, whoever holds the token."""
    token = make_token(make_user("staffer"))
    assert result(client, "package_search", token, q="人口")["count"] == 2
    assert result(client, "package_search", token, q="人口", include_private=True)["count"] == 3
    assert result(client, "package_search", q="人口", include_private=True)["count"] == 2


def test_package_list_gives_open_datasets_unless_include_private(client, catalog):
    token = make_token(make_user("staffer"))
    assert "naibu-chosa" not in result(client, "package_list", include_private=True)
    assert "naibu-chosa" not in result(client, "package_list", token)
    assert "naibu-chosa" in result(client, "package_list", token, include_private=True)


def test_include_drafts_adds_the_drafts_the_caller_may_edit(client, catalog):
    """CKAN's include_drafts: drafts only when asked for, and only those the caller may
    edit (sysadmins: all). package_list, as in CKAN, never lists them.
    tests/catalog/search/test_drafts.py holds every engine to the same."""
    tokei, kanko = catalog
    make_dataset(tokei, name="jinko-soan", title="人口推計の草案", state="draft")
    editor = make_token(make_user("henshu", orgs={tokei: "editor"}))
    other = make_token(make_user("kanko-staff", orgs={kanko: "editor"}))
    admin = make_token(make_user("root", sysadmin=True))

    def names(token, **params):
        body = result(client, "package_search", token, q="人口", include_private=True, **params)
        assert body["count"] == len(body["results"])
        return {dataset["name"] for dataset in body["results"]}

    for token in (None, other, editor, admin):
        assert "jinko-soan" not in names(token)
        assert "jinko-soan" not in result(client, "package_list", token, include_private=True)
    for token in (None, other):
        assert "jinko-soan" not in names(token, include_drafts=True)
    for token in (editor, admin):
        assert "jinko-soan" in names(token, include_drafts="true")
        assert result(client, "package_search", token, fq="state:draft",
                      include_drafts=True)["results"][0]["state"] == "draft"


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
    # As CKAN: the URL name is matched too, and match_field says so.
    by_name = result(client, "package_autocomplete", _method="GET", q="KANKO")
    assert [(s["name"], s["match_field"], s["match_displayed"]) for s in by_name] == [
        ("kanko-kyaku", "name", "kanko-kyaku")]
    assert result(client, "package_autocomplete", _method="GET", q="naibu") == []  # internal
    staff = make_token(make_user("staffer"))
    assert [s["name"] for s in result(client, "package_autocomplete", staff, q="naibu")] == [
        "naibu-chosa"]


def test_field_clauses_inside_q_filter_like_solr(client, catalog):
    # frictionless' CKAN reader lists an organization with q=organization:<name>
    body = result(client, "package_search", _method="GET", q="organization:kanko")
    assert [d["name"] for d in body["results"]] == ["kanko-kyaku"]
    body = result(client, "package_search", _method="GET", q='人口 tags:"出生"')
    assert [d["name"] for d in body["results"]] == ["shussho"]
    # an unknown "field" stays a word of the query
    assert result(client, "package_search", _method="GET", q="http://x")["count"] == 0


def test_fielded_terms_and_boolean_operators_in_q_match_as_in_fq(client, catalog):
    """CKAN hands a q with a colon to Solr's query parser: fielded clauses and AND/OR/NOT
    work there as in fq."""
    def names(**params):
        return sorted(d["name"] for d in result(client, "package_search", _method="GET",
                                                **params)["results"])

    for clauses, expected in (
            ("title:人口", ["jinko-shichoson"]),
            ("notes:動態", ["shussho"]),
            ("name:jinko-shichoson OR name:kanko-kyaku", ["jinko-shichoson", "kanko-kyaku"]),
            ("tags:人口 AND organization:tokei", ["jinko-shichoson", "shussho"]),
            ("tags:人口 AND NOT tags:出生", ["jinko-shichoson"]),
            ("(tags:観光 OR tags:出生) -license_id:PDL-1.0", ["kanko-kyaku"]),
            ("text:観光", ["kanko-kyaku"]),
    ):
        assert names(q=clauses) == expected, clauses
        assert names(fq=clauses) == expected, clauses
    # Free words beside fielded clauses keep the full-text search (and its ranking).
    body = result(client, "package_search", q="人口 organization:tokei")
    assert [d["name"] for d in body["results"]] == ["jinko-shichoson", "shussho"]
    assert body["sort"] == "score desc, metadata_modified desc"
    # A free word inside OR is searched in every field.
    assert names(q="観光 OR tags:出生") == ["kanko-kyaku", "shussho"]
    # Only what the caller may read: the internal dataset's title has 人口 too.
    assert names(q="title:人口 OR title:内部") == ["jinko-shichoson"]
    staff = make_token(make_user("staffer"))
    assert sorted(d["name"] for d in result(client, "package_search", staff, include_private=True,
                                            q="title:人口 OR title:内部")["results"]) == [
        "jinko-shichoson", "naibu-chosa"]


def test_fielded_words_use_the_synonym_list(client, catalog):
    admin = make_token(make_user("root", sysadmin=True))
    result(client, "search_synonym_create", admin, terms="観光,ツーリズム")
    assert [d["name"] for d in result(client, "package_search", q="title:ツーリズム")[
        "results"]] == ["kanko-kyaku"]


def test_ckan_fields_and_wildcards(client, catalog):
    make_dataset(catalog[1], name="kanko-shisetsu", title="観光施設", author="観光政策課",
                 maintainer="施設係", url="https://example.jp/shisetsu",
                 extras=[{"key": "theme", "value": "tourism"}],
                 resources=[{"name": "施設一覧", "description": "所在地と営業時間",
                             "url": "https://example.jp/shisetsu.csv"}])

    def names(**params):
        return sorted(d["name"] for d in result(client, "package_search", **params)["results"])

    assert names(fq="name:kanko*") == ["kanko-kyaku", "kanko-shisetsu"]
    assert names(fq="name:kanko-s*") == ["kanko-shisetsu"]
    assert names(fq="tags:人*") == ["jinko-shichoson", "shussho"]
    assert names(fq="author:観光政策課") == ["kanko-shisetsu"]
    assert names(fq="maintainer:施設*") == ["kanko-shisetsu"]
    assert names(fq='url:"https://example.jp/shisetsu"') == ["kanko-shisetsu"]
    assert names(fq="res_url:https://example.jp/a.csv") == ["jinko-shichoson"]
    assert names(fq="res_name:施設一覧") == ["kanko-shisetsu"]
    assert names(fq="res_description:営業時間") == ["kanko-shisetsu"]
    assert names(fq="extras_theme:tourism") == ["kanko-shisetsu"]
    assert names(fq="extras_theme:tour*") == ["kanko-shisetsu"]
    assert names(fq="private:true") == []  # the internal one is not the public's
    assert names(fq="private:false AND organization:kanko") == ["kanko-kyaku", "kanko-shisetsu"]
    assert len(names(fq="site_id:default")) == 4


def test_highlighted_words_leave_field_names_out(app):
    from catalog.search.highlight import highlight

    with app.test_request_context():
        assert str(highlight("市町村別人口", "title:人口")) == "市町村別<mark>人口</mark>"
        assert str(highlight("name の title", "title:x")) == "name の title"
        assert str(highlight("人口", "人口")) == "<mark>人口</mark>"


def test_a_query_of_particles_finds_nothing_rather_than_everything(client, catalog):
    assert result(client, "package_search", q="の と")["count"] == 0
