"""member_list, member_create and member_delete on organizations and groups."""

import json

from tests.factories import make_dataset, make_group, make_org, make_token, make_user
from tests.helpers import call, result


def test_member_list_of_an_organization_shows_only_readable_datasets(client):
    tokei = make_org("tokei")
    opened = make_dataset(tokei, name="jinko", title="人口統計")
    closed = make_dataset(tokei, name="naibu", title="内部の集計", access_level="internal")
    secret = make_dataset(tokei, name="himitsu", title="秘密の台帳", access_level="restricted")
    make_user("tanaka", orgs={tokei: "editor"})
    staff = make_token(make_user("shokuin"))

    anonymous = result(client, "member_list", id="tokei")
    assert anonymous == [[opened.id, "package", "organization"]]
    assert closed.id not in json.dumps(anonymous) and secret.id not in json.dumps(anonymous)
    assert call(client, "member_list", None, id="tokei", object_type="user")[0] == 403

    packages = result(client, "member_list", staff, id="tokei", object_type="package")
    assert {row[0] for row in packages} == {opened.id, closed.id}  # not the restricted one
    users = result(client, "member_list", staff, id="tokei", object_type="user")
    assert [(row[1], row[2]) for row in users] == [("user", "editor")]
    assert result(client, "member_list", staff, id="tokei", capacity="admin") == []


def test_member_list_of_a_group_hides_closed_datasets_from_the_public(client):
    tokei = make_org("tokei")
    make_group("kurashi")
    opened = make_dataset(tokei, name="kouen", groups=[{"name": "kurashi"}])
    closed = make_dataset(tokei, name="naibu-kouen", access_level="internal",
                          groups=[{"name": "kurashi"}])
    staff = make_token(make_user("shokuin"))
    public_account = make_token(make_user("kenmin", staff=False))

    assert result(client, "member_list", id="kurashi") == [[opened.id, "package", "public"]]
    assert result(client, "member_list", public_account, id="kurashi",
                  object_type="package") == [[opened.id, "package", "public"]]
    assert {row[0] for row in result(client, "member_list", staff, id="kurashi")} == {
        opened.id, closed.id}
    assert result(client, "member_list", staff, id="kurashi", object_type="user") == []
    assert call(client, "member_list", None, id="no-such-group")[0] == 404


def test_member_list_shows_divisions_as_ckanext_hierarchy_does(client):
    kikaku = make_org("kikaku")
    division = make_org("tokei", parent=kikaku)
    assert result(client, "member_list", id="kikaku", object_type="group") == [
        [division.id, "group", "parent"]]


def test_dataset_editor_files_a_dataset_under_a_group_and_takes_it_out(client):
    tokei = make_org("tokei")
    group = make_group("kurashi")
    dataset = make_dataset(tokei, name="kouen")
    editor = make_token(make_user("tanaka", orgs={tokei: "editor"}))

    created = result(client, "member_create", editor, id="kurashi", object="kouen",
                     object_type="package", capacity="public")
    assert created == {"group_id": group.id, "table_name": "package", "table_id": dataset.id,
                       "capacity": "public", "state": "active"}
    shown = result(client, "package_show", id="kouen")
    assert [g["name"] for g in shown["groups"]] == ["kurashi"]
    # A change of the dataset's groups is a change of the dataset, recorded as one.
    history = result(client, "package_activity_list", id="kouen")
    assert [a["activity_type"] for a in history] == ["changed package", "new package"]
    assert result(client, "group_show", id="kurashi")["package_count"] == 1
    assert result(client, "package_search", fq="groups:kurashi")["count"] == 1

    # Adding it again changes nothing (CKAN updates the membership in place).
    result(client, "member_create", editor, id="kurashi", object="kouen",
           object_type="package", capacity="public")
    assert len(result(client, "package_activity_list", id="kouen")) == 2

    result(client, "member_delete", editor, id="kurashi", object=dataset.id,
           object_type="package")
    assert result(client, "package_show", id="kouen")["groups"] == []
    assert result(client, "member_list", id="kurashi") == []
    assert result(client, "package_search", fq="groups:kurashi")["count"] == 0


def test_filing_a_dataset_under_a_group_needs_the_right_to_edit_it(client):
    tokei, kankyo = make_org("tokei"), make_org("kankyo")
    make_group("kurashi")
    make_dataset(tokei, name="kouen")
    make_dataset(tokei, name="naibu", access_level="internal")
    make_dataset(tokei, name="himitsu", access_level="restricted")
    other_editor = make_token(make_user("suzuki", orgs={kankyo: "editor"}))
    public_account = make_token(make_user("kenmin", staff=False))

    def file_under_group(token, name):
        return call(client, "member_create", token, id="kurashi", object=name,
                    object_type="package", capacity="public")

    assert file_under_group(other_editor, "kouen")[0] == 403
    assert file_under_group(None, "kouen")[0] == 403
    # Closed datasets are not even confirmed to exist to those who may not know of them.
    for name in ("naibu", "himitsu"):
        status, body = file_under_group(public_account, name)
        assert status == 404 and name not in json.dumps(body)
    assert file_under_group(None, "himitsu")[0] == 404
    assert call(client, "member_delete", other_editor, id="kurashi", object="kouen",
                object_type="package")[0] == 403


def test_organization_admin_adds_changes_and_removes_users(client):
    tokei = make_org("tokei")
    admin = make_token(make_user("boss", orgs={tokei: "admin"}))
    editor = make_token(make_user("tanaka", orgs={tokei: "editor"}))
    newcomer = make_user("newcomer")

    created = result(client, "member_create", admin, id="tokei", object="newcomer",
                     object_type="user", capacity="member")
    assert created == {"group_id": tokei.id, "table_name": "user", "table_id": newcomer.id,
                       "capacity": "member", "state": "active"}
    result(client, "member_create", admin, id="tokei", object=newcomer.id,
           object_type="user", capacity="editor")
    users = result(client, "member_list", admin, id="tokei", object_type="user",
                   capacity="editor")
    assert newcomer.id in [row[0] for row in users]

    assert call(client, "member_create", editor, id="tokei", object="newcomer",
                object_type="user", capacity="admin")[0] == 403
    assert call(client, "member_delete", editor, id="tokei", object="newcomer",
                object_type="user")[0] == 403
    status, body = call(client, "member_create", admin, id="tokei", object="newcomer",
                        object_type="user", capacity="owner")
    assert status == 409 and "capacity" in body["error"]
    status, body = call(client, "member_create", admin, id="tokei", object="nobody",
                        object_type="user", capacity="member")
    assert status == 404

    result(client, "member_delete", admin, id="tokei", object="newcomer", object_type="user")
    users = result(client, "member_list", admin, id="tokei", object_type="user")
    assert newcomer.id not in [row[0] for row in users]


def test_an_admin_cannot_lower_their_own_capacity(client):
    tokei = make_org("tokei")
    admin = make_token(make_user("boss", orgs={tokei: "admin"}))
    status, body = call(client, "member_create", admin, id="tokei", object="boss",
                        object_type="user", capacity="editor")
    assert status == 403
    assert call(client, "organization_member_create", admin, id="tokei", username="boss",
                role="member")[0] == 403
    # Confirming their own admin capacity is no change.
    result(client, "member_create", admin, id="tokei", object="boss", object_type="user",
           capacity="admin")


def test_a_dataset_belongs_to_its_organization_only(client):
    tokei, kankyo = make_org("tokei"), make_org("kankyo")
    own = make_dataset(tokei, name="jinko")
    make_dataset(kankyo, name="suishitsu")
    admin = make_token(make_user("boss", orgs={tokei: "admin"}))

    kept = result(client, "member_create", admin, id="tokei", object="jinko",
                  object_type="package", capacity="organization")
    assert kept["table_id"] == own.id and kept["capacity"] == "organization"
    status, body = call(client, "member_create", admin, id="tokei", object="suishitsu",
                        object_type="package", capacity="organization")
    assert status == 409 and "object" in body["error"]
    status, body = call(client, "member_delete", admin, id="tokei", object="jinko",
                        object_type="package")
    assert status == 409
    assert result(client, "package_show", id="jinko")["owner_org"] == tokei.id


def test_groups_have_no_user_members(client):
    make_group("kurashi")
    make_user("tanaka")
    root = make_token(make_user("root", sysadmin=True))
    status, body = call(client, "member_create", root, id="kurashi", object="tanaka",
                        object_type="user", capacity="member")
    assert status == 409 and "object_type" in body["error"]
    status, body = call(client, "member_create", root, id="kurashi", object="tanaka",
                        object_type="tag", capacity="member")
    assert status == 409 and "object_type" in body["error"]
    status, body = call(client, "member_create", root, id="kurashi", object="tanaka")
    assert status == 409 and "object_type" in body["error"]


def test_a_name_shared_by_an_organization_and_a_group(client):
    tokei = make_org("bousai")
    group = make_group("bousai")
    dataset = make_dataset(tokei, name="hinanjo")
    root = make_token(make_user("root", sysadmin=True))
    # Datasets are filed under groups; users belong to organizations.
    created = result(client, "member_create", root, id="bousai", object="hinanjo",
                     object_type="package", capacity="public")
    assert created["group_id"] == group.id
    assert result(client, "member_list", id="bousai", object_type="package") == [
        [dataset.id, "package", "public"]]
    assert result(client, "member_list", root, id="bousai")[0][2] == "organization"


def test_a_dataset_capacity_says_which_of_an_organization_and_a_group_of_one_name(client):
    # CKAN has one namespace for both; here a group may share an organization's name.
    kyouiku = make_org("kyouiku")
    make_group("kyouiku")
    dataset = make_dataset(kyouiku, name="gakkou")
    editor = make_token(make_user("tanaka", orgs={kyouiku: "editor"}))
    admin = make_token(make_user("kanri", orgs={kyouiku: "admin"}))

    assert result(client, "member_list", id="kyouiku", object_type="package",
                  capacity="organization") == [[dataset.id, "package", "organization"]]
    assert result(client, "member_list", id="kyouiku", object_type="package") == []  # the group
    # Adding a dataset to its own organization is a no-op there, not a filing in the group.
    result(client, "member_create", admin, id="kyouiku", object="gakkou",
           object_type="package", capacity="organization")
    assert result(client, "package_show", id="gakkou")["groups"] == []
    result(client, "member_create", editor, id="kyouiku", object="gakkou",
           object_type="package", capacity="public")
    assert [g["name"] for g in result(client, "package_show", id="gakkou")["groups"]] == ["kyouiku"]
