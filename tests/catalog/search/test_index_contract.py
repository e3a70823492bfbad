"""The contract every SearchIndex meets, run against each engine on each database:
SqlSearchIndex (SQLite FTS5, PostgreSQL tsvector) and ElasticsearchIndex (noida-db, and
a real cluster when CATALOG_TEST_ES_URL is set)."""

from __future__ import annotations

import uuid

import pytest

from catalog.search import elasticsearch as es
from tests import factories
from tests.catalog.search.conftest import make_app
from tests.conftest import empty_all_tables
from tests.factories import make_dataset, make_group, make_org, make_token, make_user
from tests.helpers import result


def names(client, token=None, **params) -> list[str]:
    params.setdefault("rows", 100)
    params.setdefault("include_private", True)  # whatever the caller may read
    body = result(client, "package_search", token, **params)
    return [dataset["name"] for dataset in body["results"]]


@pytest.fixture
def catalog(engine_app):
    tokei = make_org("tokei", "統計調査課")
    kanko = make_org("kanko", "観光政策課")
    kodomo = make_org("kodomo", "こども未来課")
    make_group("jinko", "人口・世帯")
    make_dataset(tokei, name="shichoson-jinko", title="市町村別人口と世帯数",
                 notes="住民基本台帳に基づく毎月の集計。", tags=[{"name": "人口"}],
                 groups=[{"name": "jinko"}], license_id="CC-BY-4.0",
                 resources=[{"url": "https://example.jp/a.csv", "format": "CSV"}])
    make_dataset(tokei, name="fukuoka-tokei-nenkan", title="福岡県統計年鑑 令和5年版",
                 notes="県の統計をまとめた年鑑。", tags=[{"name": "統計"}],
                 license_id="PDL-1.0",
                 resources=[{"url": "https://example.jp/b.xlsx", "format": "XLSX"}])
    make_dataset(kanko, name="kanko-irikomi", title="観光入込客数 2023年度",
                 notes="Tourist arrivals by municipality, fiscal year 2023.",
                 tags=[{"name": "観光"}], license_id="CC-BY-4.0",
                 resources=[{"url": "https://example.jp/c.csv", "format": "CSV"},
                            {"url": "https://example.jp/c.json", "format": "JSON"}])
    make_dataset(kodomo, name="ikuji-shien", title="育児支援施設の一覧",
                 notes="子育て世帯向けの施設。", tags=[{"name": "子育て"}])
    make_dataset(kodomo, name="aed", title="ＡＥＤ設置場所",
                 notes="自動体外式除細動器を設置している公共施設。", tags=[{"name": "医療"}])
    make_dataset(tokei, name="naibu-jinko", title="人口推計の内部資料", access_level="internal")
    make_dataset(kodomo, name="gentei-jido", title="児童相談の統計", access_level="restricted")
    return {"tokei": tokei, "kanko": kanko, "kodomo": kodomo}


class TestSearchIndexContract:
    """One class, every engine (fixture ``search_url``) and database (``database_url``)."""

    def test_two_character_words_match_inside_longer_words(self, engine_client, catalog):
        assert names(engine_client, q="人口") == ["shichoson-jinko"]
        # 統計 is in one title, and in the organization (統計調査課) of another: ranked lower.
        assert names(engine_client, q="統計") == ["fukuoka-tokei-nenkan", "shichoson-jinko"]
        assert names(engine_client, q="観光") == ["kanko-irikomi"]
        assert names(engine_client, q="福岡") == ["fukuoka-tokei-nenkan"]

    def test_readings_widths_and_romaji(self, engine_client, catalog):
        assert names(engine_client, q="じんこう") == ["shichoson-jinko"]
        assert names(engine_client, q="ジンコウ") == ["shichoson-jinko"]
        assert names(engine_client, q="aed") == ["aed"]
        assert names(engine_client, q="ＡＥＤ") == ["aed"]
        assert names(engine_client, q="fukuoka") == ["fukuoka-tokei-nenkan"]
        assert names(engine_client, q="kanko") == ["kanko-irikomi"]

    def test_era_years_match_western_years(self, engine_client, catalog):
        assert names(engine_client, q="2023") == ["fukuoka-tokei-nenkan", "kanko-irikomi"] or \
            sorted(names(engine_client, q="2023")) == ["fukuoka-tokei-nenkan", "kanko-irikomi"]
        assert names(engine_client, q="令和5年 観光") == ["kanko-irikomi"]
        assert names(engine_client, q="令和元年") == []

    def test_english_words_and_plurals(self, engine_client, catalog):
        assert names(engine_client, q="tourist") == ["kanko-irikomi"]
        assert names(engine_client, q="municipalities") == ["kanko-irikomi"]

    def test_synonyms_from_the_editable_list(self, engine_client, catalog):
        admin = make_token(make_user("root", sysadmin=True))
        assert names(engine_client, q="育児") == ["ikuji-shien"]
        assert names(engine_client, q="子育て") == ["ikuji-shien"]  # in its tags and notes
        assert names(engine_client, q="自動体外式除細動器") == ["aed"]
        result(engine_client, "search_synonym_create", admin, terms="統計,スタティスティクス")
        assert names(engine_client, q="スタティスティクス") == ["fukuoka-tokei-nenkan", "shichoson-jinko"]

    def test_typos_are_forgiven_where_a_word_is_unknown(self, engine_client, catalog):
        assert names(engine_client, q="toursit") == ["kanko-irikomi"]
        assert names(engine_client, q="設置場書") == ["aed"]

    def test_field_weights_rank_title_above_description_above_organization(
            self, engine_client, catalog):
        make_dataset(catalog["kanko"], name="in-notes", title="宿泊者数", notes="観光統計の一部。")
        make_dataset(catalog["kanko"], name="in-title", title="観光統計の概要")
        ranked = names(engine_client, q="観光統計")
        assert ranked.index("in-title") < ranked.index("in-notes")
        # 観光政策課 owns kanko-irikomi: its title has 観光 but not 統計, so it is no match.
        assert "kanko-irikomi" not in ranked

    def test_visibility_applies_to_results_counts_and_facets(self, engine_client, catalog):
        facet = {"facet.field": '["organization","access_level"]'}
        anonymous = result(engine_client, "package_search", q="統計", **facet)
        assert anonymous["count"] == 2
        assert {i["name"]: i["count"] for i in anonymous["search_facets"]["access_level"]["items"]} == {"open": 2}
        staff = make_token(make_user("staffer"))
        body = result(engine_client, "package_search", staff, q="人口", include_private=True,
                      **facet)
        assert sorted(d["name"] for d in body["results"]) == ["naibu-jinko", "shichoson-jinko"]
        member = make_token(make_user("kodomo-member", orgs={catalog["kodomo"]: "member"}))
        body = result(engine_client, "package_search", member, q="統計", include_private=True,
                      **facet)
        # Staff see the internal one too, members the restricted one of their organization.
        assert body["count"] == 4
        assert {i["name"]: i["count"] for i in body["search_facets"]["organization"]["items"]} == {
            "tokei": 3, "kodomo": 1}

    def test_filters_sorting_and_paging(self, engine_client, catalog):
        assert names(engine_client, fq="res_format:csv", sort="name asc") == [
            "kanko-irikomi", "shichoson-jinko"]
        assert names(engine_client, fq='organization:"kodomo" AND -tags:医療') == ["ikuji-shien"]
        assert names(engine_client, fq="tags:観光 OR license_id:PDL-1.0", sort="name asc") == [
            "fukuoka-tokei-nenkan", "kanko-irikomi"]
        assert names(engine_client, fq="num_resources:[2 TO *]") == ["kanko-irikomi"]
        assert names(engine_client, fq="metadata_modified:[* TO 2000-01-01T00:00:00Z]") == []
        everything = names(engine_client, sort="title_string asc")
        assert everything == sorted(everything, key=lambda n: names_to_titles(engine_client)[n])
        first = names(engine_client, sort="name asc", rows=2)
        assert len(first) == 2
        body = result(engine_client, "package_search", sort="name asc", rows=2, start=2)
        assert body["count"] == 5 and first[-1] < body["results"][0]["name"]

    def test_facets_in_ckans_shape(self, engine_client, catalog):
        body = result(engine_client, "package_search", **{
            "facet.field": '["tags","res_format","license_id","groups","organization"]',
            "facet.limit": 2})
        formats = body["search_facets"]["res_format"]["items"]
        assert formats == [{"name": "CSV", "display_name": "CSV", "count": 2},
                           {"name": "JSON", "display_name": "JSON", "count": 1}]
        assert body["facets"]["license_id"] == {"CC-BY-4.0": 2, "PDL-1.0": 1}
        assert body["search_facets"]["groups"]["items"][0]["display_name"] == "人口・世帯"

    def test_changes_deletions_and_renames_reach_the_index(self, engine_client, catalog):
        admin = make_token(make_user("root", sysadmin=True))
        result(engine_client, "package_patch", admin, id="aed", title="救急医療機器の設置場所")
        assert names(engine_client, q="救急") == ["aed"]
        result(engine_client, "package_delete", admin, id="aed")
        assert names(engine_client, q="救急") == []
        result(engine_client, "organization_patch", admin, id="kanko", title="観光振興課")
        assert names(engine_client, q="振興") == ["kanko-irikomi"]
        result(engine_client, "group_update", admin, id="jinko", name="jinko", title="世帯構成")
        assert names(engine_client, q="世帯構成") == ["shichoson-jinko"]


def names_to_titles(client) -> dict[str, str]:
    body = result(client, "package_search", rows=100)
    return {dataset["name"]: dataset["title"] for dataset in body["results"]}


def test_sorting_by_recent_use(engine_app, engine_client, catalog):
    from catalog import db
    from catalog.publishing.popularity import Hit, record_hit
    from catalog.search import mark_stale

    with engine_app.app_context():
        session = db.session()
        ids = dict(session.execute(sa_select_names()).all())
        for _ in range(3):
            record_hit(session, ids["aed"], Hit.VIEW)
        record_hit(session, ids["kanko-irikomi"], Hit.DOWNLOAD)  # a download weighs 3 views
        record_hit(session, ids["kanko-irikomi"], Hit.VIEW)
        for dataset_id in ids.values():
            mark_stale(session, dataset_id)  # the Elasticsearch index keeps a copy of the counts
        session.commit()
    ranked = names(engine_client, sort="views_recent desc")
    assert ranked[:2] == ["kanko-irikomi", "aed"]


def sa_select_names():
    import sqlalchemy as sa

    from catalog.datasets.models import Dataset

    return sa.select(Dataset.name, Dataset.id)


@pytest.fixture
def ckan_fields(engine_app):
    """Datasets with the values CKAN's Solr schema indexes beside the text: author,
    maintainer, url, extras, resource names, descriptions and URLs."""
    doboku = make_org("doboku", "道路維持課")
    bunka = make_org("bunka", "文化財保護課")
    make_dataset(doboku, name="douro-kyouryou", title="道路橋梁の点検結果",
                 notes="県が管理する橋の点検。", tags=[{"name": "道路"}],
                 author="土木部 道路維持課", maintainer="橋梁係", url="https://example.jp/douro",
                 extras=[{"key": "k1", "value": "v1"}, {"key": "theme", "value": "インフラ"}],
                 resources=[{"name": "点検結果一覧", "description": "年度ごとの集計",
                             "url": "https://example.jp/douro.csv", "format": "CSV"},
                            {"name": "損傷台帳", "url": "https://example.jp/daicho.csv",
                             "format": "CSV", "access_level": "internal"}])
    make_dataset(bunka, name="bunkazai", title="指定文化財の一覧", notes="市町村の指定文化財。",
                 tags=[{"name": "文化"}], author="教育庁", extras=[{"key": "k1", "value": "v2"}],
                 resources=[{"name": "文化財リスト", "url": "https://example.jp/bunkazai.xlsx",
                             "format": "XLSX"}])
    make_dataset(doboku, name="douro-naibu", title="道路の内部資料", notes="県の内部向け。",
                 author="土木部 道路維持課", extras=[{"key": "k1", "value": "v1"}],
                 access_level="internal",
                 resources=[{"name": "内部の点検結果", "url": "https://example.jp/naibu.csv"}])
    return make_token(make_user("shokuin"))  # staff: sees internal datasets


class TestCkanFieldsContract:
    """CKAN's fielded q, its other Solr fields and wildcards: the same datasets on every
    engine, and never one the caller may not read."""

    def test_fielded_q_filters_like_fq(self, engine_client, ckan_fields):
        staff = ckan_fields
        assert names(engine_client, q="title:道路") == ["douro-kyouryou"]
        assert sorted(names(engine_client, staff, q="title:道路")) == [
            "douro-kyouryou", "douro-naibu"]
        assert names(engine_client, q="notes:県") == ["douro-kyouryou"]
        assert names(engine_client, q="title:文化財") == ["bunkazai"]
        assert sorted(names(engine_client, q="name:douro-kyouryou OR name:bunkazai")) == [
            "bunkazai", "douro-kyouryou"]
        assert names(engine_client, q="tags:道路 AND organization:doboku") == ["douro-kyouryou"]
        assert names(engine_client, q="tags:道路 AND organization:bunka") == []
        assert names(engine_client, q="点検 organization:doboku") == ["douro-kyouryou"]
        # A free word inside OR searches every field; NOT excludes.
        assert sorted(names(engine_client, q="文化財 OR tags:道路")) == [
            "bunkazai", "douro-kyouryou"]
        assert names(engine_client, q="-title:道路 site_id:default") == ["bunkazai"]

    def test_text_fields_of_the_dataset_and_its_shared_resources(self, engine_client, ckan_fields):
        staff = ckan_fields
        assert names(engine_client, fq="text:文化財") == ["bunkazai"]
        assert names(engine_client, fq="res_name:点検結果") == ["douro-kyouryou"]
        assert sorted(names(engine_client, staff, fq="res_name:点検結果")) == [
            "douro-kyouryou", "douro-naibu"]
        assert names(engine_client, fq="res_description:年度") == ["douro-kyouryou"]
        assert names(engine_client, fq="notes:内部") == []
        assert names(engine_client, staff, fq="notes:内部") == ["douro-naibu"]
        # A resource stricter than its dataset is not searched by its words or URL.
        assert names(engine_client, fq="res_name:損傷台帳") == []
        assert names(engine_client, fq='res_url:"https://example.jp/daicho.csv"') == []

    def test_exact_values_extras_private_and_site_id(self, engine_client, ckan_fields):
        staff = ckan_fields
        assert names(engine_client, fq='author:"土木部 道路維持課"') == ["douro-kyouryou"]
        assert sorted(names(engine_client, staff, fq='author:"土木部 道路維持課"')) == [
            "douro-kyouryou", "douro-naibu"]
        assert names(engine_client, fq="maintainer:橋梁係") == ["douro-kyouryou"]
        assert names(engine_client, fq='url:"https://example.jp/douro"') == ["douro-kyouryou"]
        assert names(engine_client, fq="res_url:https://example.jp/douro.csv") == [
            "douro-kyouryou"]
        assert names(engine_client, fq="extras_k1:v1") == ["douro-kyouryou"]
        assert sorted(names(engine_client, staff, fq="extras_k1:v1")) == [
            "douro-kyouryou", "douro-naibu"]
        assert names(engine_client, fq="extras_theme:インフラ") == ["douro-kyouryou"]
        assert names(engine_client, fq="extras_k1:v3") == []
        assert names(engine_client, fq="-extras_theme:インフラ") == ["bunkazai"]  # has none
        assert names(engine_client, fq="private:true") == []
        assert names(engine_client, staff, fq="private:true") == ["douro-naibu"]
        assert sorted(names(engine_client, staff, fq="private:false")) == [
            "bunkazai", "douro-kyouryou"]
        assert len(names(engine_client, fq="site_id:default")) == 2
        assert names(engine_client, fq="site_id:elsewhere") == []

    def test_unknown_fields_match_nothing(self, engine_client, ckan_fields):
        assert names(engine_client, fq="extras_k9:v1") == []
        assert names(engine_client, fq="nosuchfield:x") == []
        assert names(engine_client, q="nosuchfield:x") == []
        assert len(names(engine_client, fq="-nosuchfield:x")) == 2

    def test_trailing_wildcards_match_prefixes(self, engine_client, ckan_fields):
        staff = ckan_fields
        assert names(engine_client, fq="name:douro*") == ["douro-kyouryou"]
        assert sorted(names(engine_client, staff, fq="name:douro*")) == [
            "douro-kyouryou", "douro-naibu"]
        assert names(engine_client, fq="name:DOURO*") == []  # case counts, as in CKAN
        assert names(engine_client, fq='name:"douro*"') == []  # quoted: no wildcard
        assert names(engine_client, fq="tags:文*") == ["bunkazai"]
        assert names(engine_client, fq="author:土木部*") == ["douro-kyouryou"]
        assert names(engine_client, fq="res_format:xl*") == ["bunkazai"]
        assert names(engine_client, fq="res_url:https\\://example.jp/bunkazai*") == ["bunkazai"]
        assert sorted(names(engine_client, fq="extras_k1:v*")) == ["bunkazai", "douro-kyouryou"]
        assert names(engine_client, q="organization:bun*") == ["bunkazai"]


def test_an_elasticsearch_index_made_before_the_filter_fields_gets_them(
        database_url, tmp_path, noida_es_url):
    """An index made by an older release (strict mapping without author, extras, ...) is
    not refused new documents: the missing fields are added to its mapping."""
    empty_all_tables(database_url)
    alias = f"catalog-old-{uuid.uuid4().hex[:8]}"
    application = make_app(database_url, tmp_path, f"{noida_es_url}/{alias}")
    index = application.extensions["search_index"]
    old = es._mappings()
    for name in es._FILTER_KEYWORDS:
        del old["properties"][name]
    name = f"{index.alias}-old"
    index.client.indices.create(index=name, settings=es._SETTINGS, mappings=old)
    index.client.indices.update_aliases(actions=[{"add": {"index": name, "alias": index.alias}}])
    token = factories.CURRENT_APP.set(application)
    try:
        make_dataset(make_org("doboku"), name="douro", author="道路維持課")
        assert names(application.test_client(), fq="author:道路維持課") == ["douro"]
    finally:
        factories.CURRENT_APP.reset(token)
        index.client.indices.delete(index=name)
        index.client.close()
        application.extensions["db_engine"].dispose()
