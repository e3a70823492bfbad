"""Drafts in search, on every engine and database: indexed, but listed only with
``include_drafts=true`` and only to those who may edit them (CKAN's rule; sysadmins: all).
Without it, or for anyone else, a draft is in no result, count, facet, autocomplete
suggestion or "did you mean"."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from catalog.cli import main
from tests.factories import make_dataset, make_org, make_token, make_user
from tests.helpers import result

PUBLIC = {"jinko-kohyo", "setai-kohyo"}
DRAFTS = {"jinko-soan", "naibu-soan", "kanko-soan"}
FACETS = {"facet.field": json.dumps(["organization", "tags", "res_format"]), "facet.limit": -1}


@pytest.fixture
def people(engine_app, engine_client) -> dict[str, str | None]:
    """Two open datasets of tokei; drafts of tokei (one open, one internal) and of kanko;
    a token for each kind of caller (None: anonymous)."""
    tokei, kanko = make_org("tokei", "統計調査課"), make_org("kanko", "観光政策課")
    make_dataset(tokei, name="jinko-kohyo", title="人口の公表資料 sakana",
                 tags=[{"name": "人口"}],
                 resources=[{"url": "https://example.jp/a.csv", "format": "CSV"}])
    make_dataset(tokei, name="setai-kohyo", title="世帯数の公表資料", tags=[{"name": "世帯"}])
    make_dataset(tokei, name="jinko-soan", title="人口推計の草案 sakuma", state="draft",
                 tags=[{"name": "草案タグ"}],
                 resources=[{"url": "https://example.jp/soan.json", "format": "JSON"}])
    make_dataset(tokei, name="naibu-soan", title="人口の内部草案", state="draft",
                 access_level="internal")
    make_dataset(kanko, name="kanko-soan", title="観光の草案", state="draft")
    tokens = {
        "anonymous": None,
        "henshu": make_token(make_user("henshu", orgs={tokei: "editor"})),  # edits tokei
        "menba": make_token(make_user("menba", orgs={tokei: "member"})),  # reads, no edit
        "tanin": make_token(make_user("tanin", orgs={kanko: "member"})),  # other org's staff
        "root": make_token(make_user("root", sysadmin=True)),
    }
    grantee = make_user("kyoryoku")  # staff of no organization, with an edit grant
    result(engine_client, "dataset_grant_create", tokens["root"], id="kanko-soan",
           principal_type="user", principal="kyoryoku", permission="edit")
    tokens["kyoryoku"] = make_token(grantee)
    return tokens


def search(client, token, **params) -> dict:
    params = {"rows": 100, "include_private": True, **params}
    return result(client, "package_search", token, **params)


def names(client, token, **params) -> set[str]:
    return {dataset["name"] for dataset in search(client, token, **params)["results"]}


def facet_counts(body: dict) -> dict:
    return {field: {item["name"]: item["count"] for item in facet["items"]}
            for field, facet in body["search_facets"].items()}


class TestDraftsContract:
    """One class, every engine (fixture ``search_url``) and database (``database_url``)."""

    def test_without_include_drafts_no_one_finds_a_draft(self, engine_client, people):
        for caller, token in people.items():
            for _ in range(2):  # the second match-all is answered from cached counts
                body = search(engine_client, token, **FACETS)
                found = {dataset["name"] for dataset in body["results"]}
                assert found & DRAFTS == set(), caller
                assert body["count"] == len(found), caller
                counts = facet_counts(body)
                assert "kanko" not in counts["organization"], caller
                assert "草案タグ" not in counts["tags"] and "JSON" not in counts["res_format"]
            assert names(engine_client, token, q="草案") == set(), caller
            assert names(engine_client, token, fq="state:draft") == set(), caller
            assert names(engine_client, token, fq="tags:草案タグ") == set(), caller
            assert search(engine_client, token, q="人口", rows=0)["count"] == 1, caller

    def test_include_drafts_adds_only_the_drafts_the_caller_may_edit(self, engine_client,
                                                                   people):
        may_edit = {"anonymous": set(), "menba": set(), "tanin": set(),
                    "henshu": {"jinko-soan", "naibu-soan"}, "kyoryoku": {"kanko-soan"},
                    "root": DRAFTS}
        for caller, token in people.items():
            without = names(engine_client, token)
            body = search(engine_client, token, include_drafts=True, **FACETS)
            found = {dataset["name"] for dataset in body["results"]}
            assert found == without | may_edit[caller], caller
            assert body["count"] == len(found), caller
            assert names(engine_client, token, q="草案", include_drafts=True) == may_edit[caller]
            assert names(engine_client, token, fq="state:draft",
                         include_drafts=True) == may_edit[caller]
            counts = facet_counts(body)
            tokei_drafts = len(may_edit[caller] - {"kanko-soan"})
            assert counts["organization"].get("tokei", 0) == \
                len(without & PUBLIC) + tokei_drafts, caller
            assert counts["organization"].get("kanko", 0) == len(may_edit[caller] & {"kanko-soan"})
            edits_jinko_soan = "jinko-soan" in may_edit[caller]
            assert ("草案タグ" in counts["tags"]) == edits_jinko_soan, caller
            assert ("JSON" in counts["res_format"]) == edits_jinko_soan, caller

    def test_include_private_false_keeps_only_open_drafts(self, engine_client, people):
        for caller, expected in (("henshu", {"jinko-soan"}),
                                 ("root", {"jinko-soan", "kanko-soan"})):
            found = names(engine_client, people[caller], include_drafts=True,
                          include_private=False)
            assert found == PUBLIC | expected, caller

    def test_publishing_and_withdrawing_a_draft(self, engine_client, people):
        henshu = people["henshu"]
        result(engine_client, "package_patch", henshu, id="jinko-soan", state="active")
        assert names(engine_client, None, q="草案") == {"jinko-soan"}
        assert search(engine_client, None)["count"] == 3
        result(engine_client, "package_patch", henshu, id="jinko-soan", state="draft")
        assert names(engine_client, None, q="草案") == set()
        assert search(engine_client, None)["count"] == 2
        assert names(engine_client, henshu, q="草案", include_drafts=True) == {
            "jinko-soan", "naibu-soan"}
        result(engine_client, "package_delete", henshu, id="jinko-soan")
        assert names(engine_client, henshu, q="草案", include_drafts=True) == {"naibu-soan"}

    def test_a_drafts_words_are_not_offered_to_others(self, engine_client, people):
        """Typo correction and "did you mean" take words from the vocabulary, which holds
        only active datasets' words: "sakuma", in a draft's title, is unknown to it."""
        for caller in ("anonymous", "tanin", "henshu"):
            for q in ("sakuta", "sakuma"):  # one edit from the draft's word, two from sakana
                body = search(engine_client, people[caller], q=q)
                assert body["count"] == 0 and body["did_you_mean"] == "sakana", (caller, q)
                assert "sakuma" not in json.dumps(body, ensure_ascii=False).replace(q, "")
        # Its editor still finds it by that word.
        assert names(engine_client, people["henshu"], q="sakuma", include_drafts=True) == {
            "jinko-soan"}

    def test_autocomplete_never_offers_a_draft(self, engine_client, people):
        for caller in ("anonymous", "henshu", "root"):
            for q in ("草案", "soan", "sakuma"):
                offered = result(engine_client, "package_autocomplete", people[caller], q=q)
                assert offered == [], (caller, q)

    def test_a_rebuild_indexes_drafts_and_still_keeps_their_words_private(
            self, engine_app, engine_client, people):
        outcome = CliRunner().invoke(main, ["search", "rebuild"], obj=engine_app)
        assert outcome.exit_code == 0, outcome.output
        assert "rebuilt the index: 5 datasets" in outcome.output
        assert names(engine_client, people["root"], q="草案", include_drafts=True) == DRAFTS
        assert names(engine_client, people["root"], q="草案") == set()
        assert search(engine_client, None, q="sakuma")["did_you_mean"] == "sakana"
