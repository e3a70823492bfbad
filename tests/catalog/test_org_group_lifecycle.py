"""organization_show/group_show defaults, group_patch, group_delete, group_purge and
organization_purge."""

import json

import sqlalchemy as sa

from access_control.audit.models import AuditRecord
from access_control.models import Grant
from catalog.groups.models import Group
from catalog.organizations.models import Membership, Organization
from tests.factories import make_dataset, make_group, make_org, make_token, make_user
from tests.helpers import call, result


def test_organization_show_includes_users_unless_told_not_to_as_ckan(client):
    tokei = make_org("tokei")
    make_dataset(tokei, name="jinko")
    make_user("tanaka", orgs={tokei: "editor"})
    staff = make_token(make_user("shokuin"))

    shown = result(client, "organization_show", staff, id="tokei")
    assert [(u["name"], u["capacity"]) for u in shown["users"]] == [("tanaka", "editor")]
    assert "packages" not in shown  # include_datasets is false by default, as CKAN
    assert "users" not in result(client, "organization_show", staff, id="tokei",
                                 include_users=False)
    # Member lists are for staff: the public never gets them, asked or not.
    assert "users" not in result(client, "organization_show", id="tokei")
    assert "users" not in result(client, "organization_show", id="tokei", include_users=True)
    # Lists leave users out unless asked (CKAN's all_fields defaults).
    listed = result(client, "organization_list", staff, all_fields=True)
    assert "users" not in listed[0]
    assert "users" in result(client, "organization_list", staff, all_fields=True,
                             include_users=True)[0]


def test_group_show_defaults(client):
    make_group("kurashi")
    shown = result(client, "group_show", id="kurashi")
    assert shown["users"] == [] and "packages" not in shown
    assert "users" not in result(client, "group_show", id="kurashi", include_users=False)


def test_group_patch_changes_only_the_given_fields(client):
    make_group("kurashi", title="くらし")
    root = make_token(make_user("root", sysadmin=True))
    result(client, "group_update", root, id="kurashi", title="くらし", description="生活全般",
           extras=[{"key": "code", "value": "01"}])
    patched = result(client, "group_patch", root, id="kurashi", title="くらし・生活")
    assert (patched["title"], patched["description"], patched["name"]) == (
        "くらし・生活", "生活全般", "kurashi")
    assert patched["extras"] == [{"key": "code", "value": "01"}]
    renamed = result(client, "group_patch", root, id="kurashi", name="seikatsu")
    assert renamed["name"] == "seikatsu" and renamed["title"] == "くらし・生活"
    status, body = call(client, "group_patch", root, id="seikatsu", name="X Y")
    assert status == 409 and "name" in body["error"]
    assert call(client, "group_patch", make_token(make_user()), id="seikatsu",
                title="x")[0] == 403


def test_group_delete_takes_its_datasets_out_of_it(client):
    tokei = make_org("tokei")
    make_group("kurashi")
    make_group("sangyo")
    make_dataset(tokei, name="kouen", groups=[{"name": "kurashi"}, {"name": "sangyo"}])
    root = make_token(make_user("root", sysadmin=True))
    assert call(client, "group_delete", make_token(make_user()), id="kurashi")[0] == 403

    result(client, "group_delete", root, id="kurashi")
    assert call(client, "group_show", None, id="kurashi")[0] == 404
    assert result(client, "package_search", fq="groups:kurashi")["count"] == 0
    assert result(client, "package_search", fq="groups:sangyo")["count"] == 1
    assert result(client, "group_list") == ["sangyo"]
    assert [g["name"] for g in result(client, "package_show", id="kouen")["groups"]] == [
        "sangyo"]
    result(client, "group_delete", root, id="kurashi")  # again: nothing to do, as CKAN
    # A sysadmin still finds it, and restores it (its datasets are not filed again).
    assert result(client, "group_show", root, id="kurashi")["state"] == "deleted"
    assert call(client, "group_patch", root, id="sangyo", state="deleted")[0] == 409
    assert result(client, "group_patch", root, id="kurashi", state="active")["state"] == "active"
    assert result(client, "group_show", None, id="kurashi")["package_count"] == 0


def test_group_purge_removes_the_group_and_keeps_its_datasets(client, db):
    tokei = make_org("tokei")
    group = make_group("kurashi")
    make_dataset(tokei, name="kouen", groups=[{"name": "kurashi"}])
    make_dataset(tokei, name="naibu", access_level="internal", groups=[{"name": "kurashi"}])
    root = make_token(make_user("root", sysadmin=True))
    assert call(client, "group_purge", make_token(make_user()), id="kurashi")[0] == 403
    assert call(client, "group_purge", None, id="kurashi")[0] == 403

    result(client, "group_purge", root, id="kurashi")
    assert db.get(Group, group.id) is None
    assert result(client, "package_show", root, id="naibu")["groups"] == []
    assert result(client, "package_show", id="kouen")["groups"] == []
    assert call(client, "group_purge", root, id="kurashi")[0] == 404

    deleted_first = make_group("sangyo")
    result(client, "group_delete", root, id="sangyo")
    result(client, "group_purge", root, id=deleted_first.id)
    assert db.get(Group, deleted_first.id) is None


def test_organization_purge_refuses_while_it_owns_datasets_as_ckan(client, db):
    tokei = make_org("tokei")
    make_dataset(tokei, name="jinko")
    make_dataset(tokei, name="naibu", access_level="internal")
    root = make_token(make_user("root", sysadmin=True))

    status, body = call(client, "organization_purge", root, id="tokei")
    assert status == 409 and "2" in json.dumps(body["error"])
    result(client, "package_delete", root, id="jinko")
    result(client, "dataset_purge", root, id="naibu")
    # A deleted dataset must still have an organization: purge it first.
    status, body = call(client, "organization_purge", root, id="tokei")
    assert status == 409 and "dataset_purge" in json.dumps(body["error"])
    result(client, "dataset_purge", root, id="jinko")
    result(client, "organization_purge", root, id="tokei")
    assert db.get(Organization, tokei.id) is None


def test_organization_purge_refuses_while_it_has_harvest_sources(client):
    make_org("tokei")
    root = make_token(make_user("root", sysadmin=True))
    result(client, "harvest_source_create", root, url="https://example.jp/catalog.ttl",
           name="kitakyushu", title="北九州市", source_type="dcat", owner_org="tokei")
    status, body = call(client, "organization_purge", root, id="tokei")
    assert status == 409 and "収集元" in json.dumps(body["error"], ensure_ascii=False)


def test_organization_purge_is_for_sysadmins_and_takes_memberships_and_grants(client, db):
    kikaku = make_org("kikaku")
    tokei = make_org("tokei", parent=kikaku)
    kankyo = make_org("kankyo")
    make_dataset(kankyo, name="himitsu", access_level="restricted")
    member = make_user("tanaka", orgs={kikaku: "admin"})
    org_admin = make_token(member)
    root = make_token(make_user("root", sysadmin=True))
    kankyo_admin = make_token(make_user("kankyo-kanri", orgs={kankyo: "admin"}))
    result(client, "dataset_grant_create", kankyo_admin, id="himitsu",
           principal_type="organization", principal="kikaku")

    assert call(client, "organization_purge", org_admin, id="kikaku")[0] == 403
    assert call(client, "organization_purge", None, id="kikaku")[0] == 403
    result(client, "organization_delete", root, id="kikaku")
    assert call(client, "organization_purge", org_admin, id="kikaku")[0] == 404

    result(client, "organization_purge", root, id="kikaku")
    assert db.get(Organization, kikaku.id) is None
    assert db.scalars(sa.select(Membership).where(Membership.user_id == member.id)).all() == []
    assert db.scalars(sa.select(Grant).where(Grant.principal_id == kikaku.id)).all() == []
    assert result(client, "organization_show", id="tokei")["parent"] is None
    assert db.get(Organization, tokei.id).parent_id is None
    assert result(client, "dataset_grant_list", kankyo_admin, id="himitsu") == []
    revoked = db.scalars(sa.select(AuditRecord).where(AuditRecord.event == "grant_deleted"))
    assert [(r.actor_name, r.dataset_name, r.details["principal_id"]) for r in revoked] == [
        ("root", "himitsu", kikaku.id)]
