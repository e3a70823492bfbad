"""package_revise: CKAN's match / filter / update / include, on real databases."""

import io
import json

import pytest

from tests.factories import make_dataset, make_org, make_token, make_user
from tests.helpers import call, result


@pytest.fixture
def editor(app):
    organization = make_org("tokei", "統計調査課")
    user = make_user("tanaka", orgs={organization: "editor"})
    make_dataset(organization, name="jinko", title="人口", notes="旧い説明",
                 tags=[{"name": "人口"}], extras=[{"key": "source", "value": "国勢調査"}],
                 resources=[{"url": "https://example.jp/a.csv", "name": "A"},
                            {"url": "https://example.jp/b.csv", "name": "B"}])
    return organization, make_token(user)


def test_match_then_update_changes_only_what_is_named(client, editor):
    _organization, token = editor
    revised = result(client, "package_revise", token, match={"name": "jinko",
                                                             "notes": "旧い説明"},
                     update={"notes": "新しい説明"})["package"]
    assert revised["notes"] == "新しい説明" and revised["title"] == "人口"
    # Everything else is sent back as it was: tags, extras and resources stay.
    assert [t["name"] for t in revised["tags"]] == ["人口"]
    assert revised["extras"] == [{"key": "source", "value": "国勢調査"}]
    assert [r["name"] for r in revised["resources"]] == ["A", "B"]


def test_a_value_that_no_longer_matches_refuses_the_change(client, editor):
    _organization, token = editor
    status, body = call(client, "package_revise", token,
                        match={"name": "jinko", "notes": "誰かが変えた",
                               "resources": [{"name": "A"}, {"name": "X"}]},
                        update={"notes": "上書き"})
    assert status == 409
    assert body["error"]["match"] == ["notes", "resources__1__name"]
    assert result(client, "package_show", id="jinko")["notes"] == "旧い説明"


def test_flattened_keys_by_index_and_by_id_prefix(client, editor):
    _organization, token = editor
    shown = result(client, "package_show", id="jinko")
    second = shown["resources"][1]["id"]
    revised = result(client, "package_revise", token, **{
        "match__name": "jinko",
        "match__resources__0__name": "A",
        "update__resources__-1__description": "最後の資料",
        f"update__resources__{second[:6]}__name": "B（改）",
        "update__title": "人口（改）",
    })["package"]
    assert revised["title"] == "人口（改）"
    assert revised["resources"][1]["name"] == "B（改）"
    assert revised["resources"][1]["description"] == "最後の資料"
    assert [r["id"] for r in revised["resources"]] == [r["id"] for r in shown["resources"]]


def test_an_unknown_path_is_a_validation_error(client, editor):
    _organization, token = editor
    status, body = call(client, "package_revise", token, match__name="jinko",
                        update__resources__7__name="x")
    assert status == 409 and "update__resources__7__name" in body["error"]


def test_filter_removes_fields_and_resources(client, editor):
    _organization, token = editor
    revised = result(client, "package_revise", token, match={"name": "jinko"},
                     filter=["-resources__0", "-notes"])["package"]
    assert revised["notes"] == ""
    assert [r["name"] for r in revised["resources"]] == ["B"]
    # "+" protects what the later globs would remove: only the title and resources stay.
    fresh = result(client, "package_revise", token, match={"name": "jinko"},
                   filter="+title,+resources,+name,-*",
                   update={"version": "2"})["package"]
    assert (fresh["title"], fresh["version"], fresh["tags"]) == ("人口", "2", [])
    assert [r["name"] for r in fresh["resources"]] == ["B"]


def test_extend_adds_a_resource_with_its_file_in_one_call(client, editor):
    """Multipart, as ckanapi sends files: the appended resource gets the upload."""
    _organization, token = editor
    response = client.post("/api/3/action/package_revise", headers={"Authorization": token},
                           content_type="multipart/form-data", data={
        "match__name": "jinko",
        "update__resources__extend": json.dumps([{"name": "人口表"}]),
        "update__resources__-1__upload": (io.BytesIO("市,人口\n福岡市,1600000\n".encode()),
                                          "jinko.csv"),
    })
    assert response.status_code == 200, response.get_json()
    added = response.get_json()["result"]["package"]["resources"][-1]
    assert (added["name"], added["url_type"], added["format"]) == ("人口表", "upload", "CSV")
    assert client.get(added["url"].removeprefix("http://localhost")).data == \
        "市,人口\n福岡市,1600000\n".encode()


def test_include_trims_the_answer(client, editor):
    _organization, token = editor
    answer = result(client, "package_revise", token, match={"name": "jinko"},
                    update={"notes": "x"}, include=["+package__name", "-package__*"])
    assert answer == {"package": {"name": "jinko"}}


def test_revise_needs_the_right_to_edit_and_hides_closed_datasets(client, editor):
    organization, token = editor
    make_dataset(organization, name="himitsu", title="秘密の調査", access_level="restricted",
                 legal_basis="personal_information")
    outsider = make_token(make_user("yoso"))
    assert call(client, "package_revise", outsider, match={"name": "jinko"},
                update={"notes": "x"})[0] == 403
    for token in (None, outsider):  # a closed dataset: not even its existence
        status, body = call(client, "package_revise", token, match={"name": "himitsu"},
                            update={"notes": "x"})
        assert status in (403, 404) and "秘密" not in json.dumps(body, ensure_ascii=False)
    assert call(client, "package_revise", None, match={"name": "himitsu"})[0] == 404
    status, body = call(client, "package_revise", token, update={"notes": "x"})
    assert status == 409 and "match__id" in body["error"]


def test_revise_cannot_open_a_dataset_without_the_right_to(client, editor):
    """The update goes through package_update's checks: an edit grant does not open."""
    organization, token = editor
    make_dataset(organization, name="naibu", access_level="internal")
    holder = make_user("kengen")
    result(client, "dataset_grant_create", make_token(make_user("root", sysadmin=True)),
           id="naibu", principal_type="user", principal="kengen", permission="edit")
    status, _body = call(client, "package_revise", make_token(holder),
                         match={"name": "naibu"},
                         update={"access_level": "open", "private": False})
    assert status == 403
    assert result(client, "package_show", token, id="naibu")["access_level"] == "internal"
