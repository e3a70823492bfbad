"""organization_activity_list and group_activity_list: the history of the datasets in
an organization or group, as the caller may read it."""

import json
from datetime import datetime, timezone

from tests.factories import make_dataset, make_group, make_org, make_token, make_user
from tests.helpers import call, result


def _names(activities):
    return [(a["data"]["package"]["name"], a["activity_type"]) for a in activities]


def test_organization_activity_hides_closed_datasets_from_the_public(client):
    tokei, kankyo = make_org("tokei"), make_org("kankyo")
    make_dataset(tokei, name="jinko", title="人口統計")
    make_dataset(tokei, name="naibu", title="内部の人事資料", access_level="internal")
    make_dataset(tokei, name="himitsu", title="秘密の台帳", access_level="restricted")
    make_dataset(kankyo, name="suishitsu")
    editor = make_token(make_user("tanaka", orgs={tokei: "editor"}))
    result(client, "package_patch", editor, id="jinko", notes="更新しました")

    anonymous = result(client, "organization_activity_list", id="tokei")
    assert _names(anonymous) == [("jinko", "changed package"), ("jinko", "new package")]
    text = json.dumps(anonymous, ensure_ascii=False)
    for hidden in ("naibu", "内部の人事資料", "himitsu", "秘密の台帳"):
        assert hidden not in text
    # Through GET too, as ckanapi calls read-only actions.
    assert len(result(client, "organization_activity_list", id="tokei", _method="GET")) == 2

    staff = make_token(make_user("shokuin"))
    assert {name for name, _ in _names(result(client, "organization_activity_list", staff,
                                              id="tokei"))} == {"jinko", "naibu"}
    assert {name for name, _ in _names(result(client, "organization_activity_list", editor,
                                              id="tokei"))} == {"jinko", "naibu", "himitsu"}
    assert call(client, "organization_activity_list", None, id="no-such-org")[0] == 404


def test_history_from_before_a_dataset_was_opened_stays_hidden(client):
    tokei = make_org("tokei")
    make_dataset(tokei, name="junbi", title="公開前の仮題", access_level="internal")
    editor = make_token(make_user("tanaka", orgs={tokei: "editor"}))
    result(client, "package_patch", editor, id="junbi", title="人口の推移", access_level="open")

    anonymous = result(client, "organization_activity_list", id="tokei")
    assert _names(anonymous) == [("junbi", "changed package")]
    assert "公開前の仮題" not in json.dumps(anonymous, ensure_ascii=False)
    assert len(result(client, "organization_activity_list", editor, id="tokei")) == 2
    # The dataset's own history follows the same rule.
    own = result(client, "package_activity_list", id="junbi")
    assert [a["activity_type"] for a in own] == ["changed package"]
    assert "公開前の仮題" not in json.dumps(own, ensure_ascii=False)
    assert [a["revision"] for a in result(client, "package_activity_list", editor, id="junbi")] == [2, 1]


def test_deleted_datasets_activity_is_for_their_editors(client):
    tokei = make_org("tokei")
    make_dataset(tokei, name="haishi")
    editor = make_token(make_user("tanaka", orgs={tokei: "editor"}))
    result(client, "package_delete", editor, id="haishi")

    assert result(client, "organization_activity_list", id="tokei") == []
    assert _names(result(client, "organization_activity_list", editor, id="tokei")) == [
        ("haishi", "deleted package"), ("haishi", "new package")]


def test_organization_activity_pages_and_filters(client):
    tokei = make_org("tokei")
    for index in range(3):
        make_dataset(tokei, name=f"open-{index}")
        # Closed ones in between: paging must count only what the caller sees.
        make_dataset(tokei, name=f"closed-{index}", access_level="internal")
    editor = make_token(make_user("tanaka", orgs={tokei: "editor"}))
    result(client, "package_patch", editor, id="open-0", notes="変更")

    everything = result(client, "organization_activity_list", id="tokei")
    assert [name for name, _ in _names(everything)] == ["open-0", "open-2", "open-1", "open-0"]
    page = result(client, "organization_activity_list", id="tokei", limit=2, offset=1)
    assert page == everything[1:3]
    created = result(client, "organization_activity_list", id="tokei",
                     activity_types=["new package"])
    assert [name for name, _ in _names(created)] == ["open-2", "open-1", "open-0"]
    changed = result(client, "organization_activity_list", id="tokei",
                     exclude_activity_types=["new package"])
    assert _names(changed) == [("open-0", "changed package")]
    status, body = call(client, "organization_activity_list", None, id="tokei",
                        activity_types=["new package"], exclude_activity_types=["x"])
    assert status == 409
    assert len(result(client, "organization_activity_list", None, id="tokei", limit=101)) <= 100


def test_group_activity_hides_closed_datasets_from_the_public(client):
    tokei = make_org("tokei")
    make_group("kurashi")
    make_group("sangyo")
    make_dataset(tokei, name="kouen", groups=[{"name": "kurashi"}])
    make_dataset(tokei, name="naibu-kouen", title="内部の公園台帳", access_level="internal",
                 groups=[{"name": "kurashi"}])
    make_dataset(tokei, name="kojo", groups=[{"name": "sangyo"}])
    staff = make_token(make_user("shokuin"))

    anonymous = result(client, "group_activity_list", id="kurashi")
    assert _names(anonymous) == [("kouen", "new package")]
    assert "内部の公園台帳" not in json.dumps(anonymous, ensure_ascii=False)
    assert {name for name, _ in _names(result(client, "group_activity_list", staff,
                                              id="kurashi"))} == {"kouen", "naibu-kouen"}
    assert call(client, "group_activity_list", None, id="no-such-group")[0] == 404


def test_activity_follows_a_dataset_into_a_group(client):
    tokei = make_org("tokei")
    make_group("kurashi")
    make_dataset(tokei, name="kouen")
    editor = make_token(make_user("tanaka", orgs={tokei: "editor"}))
    assert result(client, "group_activity_list", id="kurashi") == []
    result(client, "member_create", editor, id="kurashi", object="kouen",
           object_type="package", capacity="public")
    activities = result(client, "group_activity_list", id="kurashi")
    # As CKAN: the stream of the datasets the group holds now, their whole history.
    assert _names(activities) == [("kouen", "changed package"), ("kouen", "new package")]
    assert [g["name"] for g in activities[0]["data"]["package"]["groups"]] == ["kurashi"]


def test_history_of_a_draft_or_of_another_organization_stays_hidden(client):
    tokei, kikaku = make_org("tokei"), make_org("kikaku")
    editor = make_token(make_user("tanaka", orgs={tokei: "editor", kikaku: "editor"}))
    result(client, "package_create", editor, name="shitagaki", owner_org="tokei",
           title="下書きの仮題", access_level="open", state="draft")
    result(client, "package_patch", editor, id="shitagaki", title="公開版", state="active")
    public = result(client, "package_activity_list", id="shitagaki")
    assert [a["revision"] for a in public] == [2]
    assert "下書きの仮題" not in json.dumps(public, ensure_ascii=False)

    result(client, "package_create", editor, name="ikan", owner_org="tokei", title="統計課の内部資料",
           access_level="restricted", legal_basis="personal_information")
    result(client, "package_patch", editor, id="ikan", title="移管後")
    result(client, "package_owner_org_update", editor, id="ikan", organization_id="kikaku")
    member = make_token(make_user("kikaku-in", orgs={kikaku: "member"}))
    seen = result(client, "package_activity_list", member, id="ikan")
    assert [a["revision"] for a in seen] == [3]  # recorded since it is kikaku's
    assert "統計課の内部資料" not in json.dumps(seen, ensure_ascii=False)


def test_activity_pages_by_time_and_caps_the_limit_as_ckan(client):
    tokei = make_org("tokei")
    make_dataset(tokei, name="jikan")
    editor = make_token(make_user("tanaka", orgs={tokei: "editor"}))
    for number in range(3):
        result(client, "package_patch", editor, id="jikan", notes=f"版{number}")
    newest_first = result(client, "package_activity_list", id="jikan", limit=1000)
    assert [a["revision"] for a in newest_first] == [4, 3, 2, 1]  # 1000 asks for the most
    moments = {a["revision"]: datetime.fromisoformat(a["timestamp"]).replace(
        tzinfo=timezone.utc).timestamp() for a in newest_first}
    older = result(client, "package_activity_list", id="jikan", before=moments[3], limit=1)
    assert [a["revision"] for a in older] == [2]
    newer = result(client, "package_activity_list", id="jikan", after=moments[1], limit=2)
    assert [a["revision"] for a in newer] == [3, 2]  # the next two after it, newest first
    assert call(client, "package_activity_list", None, id="jikan", before="kinou")[0] == 409
