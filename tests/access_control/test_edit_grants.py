"""What an edit grant covers: a dataset's content, not who may see it, nor which
organization it belongs to (and so who may delete it)."""

from __future__ import annotations

import pytest

from access_control.models import User
from access_control.policy import Action, can
from access_control.principals import principal_for
from tests.factories import make_token, make_user
from tests.helpers import call, post_form, result, sign_in

MAY_NOT_CHANGE_ACCESS = ("公開範囲と根拠法令を変更できるのは、データセットの所属組織の編集者と"
                         "管理者だけです")
MAY_NOT_MOVE = "データセットを別の組織に移せるのは、所属組織の編集者と管理者だけです"


@pytest.fixture
def grantee(client, department) -> str:
    """An editor of kikaku (so free to create datasets there) holding an edit grant on
    tokei's restricted dataset; returns their token."""
    user = make_user("kikaku-henshu", orgs={department.other_organization: "editor"})
    result(client, "dataset_grant_create", department.tokens["kanri"],
           id="kojin-chosa", principal_type="user", principal="kikaku-henshu",
           permission="edit")
    return make_token(user)


def _shown(client, department, dataset="kojin-chosa") -> dict:
    return result(client, "package_show", department.tokens["kanri"], id=dataset)


def test_the_grantee_edits_the_content(client, department, grantee):
    assert result(client, "package_patch", grantee, id="kojin-chosa",
                  title="個人調査票（改訂）")["title"] == "個人調査票（改訂）"


def test_the_grantee_cannot_move_the_dataset_into_their_organization(client, department,
                                                                     grantee):
    status, body = call(client, "package_patch", grantee, id="kojin-chosa",
                        owner_org="kikaku")
    assert status == 403 and body["error"]["message"] == MAY_NOT_MOVE
    assert _shown(client, department)["organization"]["name"] == "tokei"
    # Which is what kept them from deleting it there afterwards.
    assert call(client, "package_delete", grantee, id="kojin-chosa")[0] == 403
    assert _shown(client, department)["state"] == "active"


def test_editors_of_both_organizations_move_datasets(client, department):
    both = make_token(make_user("ryoho", orgs={department.organization: "editor",
                                               department.other_organization: "editor"}))
    moved = result(client, "package_patch", both, id="kojin-chosa", owner_org="kikaku")
    assert moved["organization"]["name"] == "kikaku"
    assert call(client, "package_patch", department.tokens["henshu"], id="naibu-shukei",
                owner_org="kikaku")[0] == 403  # no right to create in the target


def test_package_owner_org_update_asks_the_same_as_a_move(client, department, grantee):
    """CKAN's way to move a dataset: the grantee may not, an editor of both may, and an
    editor of the source alone may not put it where they cannot create datasets."""
    status, body = call(client, "package_owner_org_update", grantee, id="kojin-chosa",
                        organization_id="kikaku")
    assert status == 403 and body["error"]["message"] == MAY_NOT_MOVE
    assert call(client, "package_owner_org_update", department.tokens["henshu"],
                id="naibu-shukei", organization_id="kikaku")[0] == 403
    assert call(client, "package_owner_org_update", None, id="naibu-shukei",
                organization_id="kikaku")[0] == 404
    both = make_token(make_user("ryoho", orgs={department.organization: "editor",
                                               department.other_organization: "editor"}))
    assert call(client, "package_owner_org_update", both, id="kojin-chosa",
                organization_id="nai-ka")[0] == 404
    assert result(client, "package_owner_org_update", both, id="kojin-chosa",
                  organization_id=department.other_organization.id) is None
    moved = result(client, "package_show", both, id="kojin-chosa")
    assert moved["organization"]["name"] == "kikaku"
    history = result(client, "package_activity_list", department.tokens["root"],
                     id="kojin-chosa")
    assert history[0]["data"]["package"]["owner_org"] == department.other_organization.id


@pytest.mark.parametrize("change", [
    {"access_level": "open"},
    {"private": False},
    {"access_level": "internal"},
    {"legal_basis": "個人情報保護法"},
    {"legal_basis_text": "第41条第2項"},
    {"access_note": "誰でも申請なしで使えます"},
])
def test_the_grantee_cannot_change_who_may_see_it(client, department, grantee, change):
    status, body = call(client, "package_patch", grantee, id="kojin-chosa", **change)
    assert status == 403 and body["error"]["message"] == MAY_NOT_CHANGE_ACCESS
    shown = _shown(client, department)
    assert (shown["access_level"], shown["legal_basis"]) == ("restricted", "統計法 第41条")
    assert shown["access_note"] == "" and shown["legal_basis_text"] == ""
    assert call(client, "package_show", None, id="kojin-chosa")[0] == 404


def test_the_grantee_may_send_back_the_access_fields_unchanged(client, department, grantee):
    # package_update replaces the dataset with what package_show gave, title changed.
    shown = result(client, "package_show", grantee, id="kojin-chosa")
    updated = result(client, "package_update", grantee, **{**shown, "title": "改訂版"})
    assert (updated["title"], updated["access_level"]) == ("改訂版", "restricted")
    assert [r["id"] for r in updated["resources"]] == [r["id"] for r in shown["resources"]]
    # The same legal basis by its code, and the level that is already there: no change.
    patched = result(client, "package_patch", grantee, id="kojin-chosa",
                     access_level="restricted", private=True, legal_basis="statistics_act_41")
    assert patched["legal_basis"] == "統計法 第41条"


def test_the_organizations_editor_changes_who_may_see_it(client, department):
    changed = result(client, "package_patch", department.tokens["henshu"], id="kojin-chosa",
                     access_level="internal", legal_basis="個人情報保護法")
    assert (changed["access_level"], changed["legal_basis"]) == ("internal", "個人情報保護法")


def test_a_grantee_may_not_open_a_resource(client, department):
    """A restricted file in an internal dataset: a grantee may not open it to all staff,
    but may keep a file they add closed."""
    editor, admin = department.tokens["henshu"], department.tokens["kanri"]
    summary = result(client, "resource_create", editor, package_id="naibu-shukei",
                     name="集計", url="https://example.jp/shukei.csv")
    resource = result(client, "resource_create", editor, package_id="naibu-shukei",
                      name="明細", url="https://example.jp/meisai.csv",
                      access_level="restricted")
    grantee = make_token(make_user("naibu-henshu"))
    result(client, "dataset_grant_create", admin, id="naibu-shukei", principal_type="user",
           principal="naibu-henshu", permission="edit")
    for action, fields in [("resource_patch", {"access_level": ""}),
                           ("resource_patch", {"access_level": "internal"}),
                           ("resource_update", {"name": "明細", "url": resource["url"]})]:
        status, body = call(client, action, grantee, id=resource["id"], **fields)
        assert status == 403 and body["error"]["message"] == MAY_NOT_CHANGE_ACCESS, fields
    shown = result(client, "package_show", grantee, id="naibu-shukei")
    opened = [{**item, "access_level": None} for item in shown["resources"]]
    status, _body = call(client, "package_update", grantee, **{**shown, "resources": opened})
    assert status == 403
    assert result(client, "resource_show", admin, id=resource["id"])["access_level"] == "restricted"
    # Content edits, the levels sent back as shown, are the grantee's; so is closing.
    result(client, "package_update", grantee, **{**shown, "notes": "明細を追加"})
    assert result(client, "resource_patch", grantee, id=resource["id"],
                  name="明細（訂正）")["access_level"] == "restricted"
    added = result(client, "resource_create", grantee, package_id="naibu-shukei",
                   url="https://example.jp/kojin.csv", access_level="restricted")
    assert call(client, "resource_show", department.tokens["tanin"], id=added["id"])[0] == 403
    assert result(client, "resource_patch", grantee, id=summary["id"],
                  access_level="restricted")["access_level"] == "restricted"
    # The organization's editor opens it again.
    assert result(client, "resource_patch", editor, id=resource["id"],
                  access_level="")["access_level"] is None


def test_the_policy_keeps_access_and_moves_with_the_organization(db, department, grantee):
    from catalog.datasets.models import Dataset

    def _principal(db, name):
        return principal_for(db, db.query(User).filter_by(name=name).one())

    dataset = db.get(Dataset, department.restricted.id)
    for action in (Action.CHANGE_ACCESS, Action.MOVE, Action.DELETE):
        decides = {name: can(_principal(db, name), action, dataset)
                   for name in ("kanri", "henshu", "menba", "kikaku-henshu", "tanin", "root")}
        assert decides == {"kanri": True, "henshu": True, "menba": False,
                           "kikaku-henshu": False, "tanin": False, "root": True}, action
    assert can(_principal(db, "kikaku-henshu"), Action.UPDATE, dataset)


def test_the_web_form_applies_the_same_rule(client, department, grantee):
    """The grant holder's form shows the level and the organization without offering
    them; values posted for them anyway are not applied."""
    sign_in(client, "kikaku-henshu")
    page = client.get("/dataset/kojin-chosa/edit").get_data(as_text=True)
    assert 'name="access_level"' not in page and 'name="owner_org"' not in page
    assert "所属組織の編集者と管理者だけです" in page
    as_shown = {"title": "個人調査票（Web）", "access_level": "restricted"}
    saved = post_form(client, "/dataset/kojin-chosa/edit", as_shown,
                      content_type="multipart/form-data")
    assert saved.status_code == 302
    forged = post_form(client, "/dataset/kojin-chosa/edit",
                       {**as_shown, "title": "改題", "access_level": "open", "owner_org": "kikaku",
                        "legal_basis": ""},
                       form_page="/dataset/kojin-chosa/edit", content_type="multipart/form-data")
    assert forged.status_code == 302
    shown = _shown(client, department)
    assert shown["title"] == "改題" and shown["access_level"] == "restricted"
    assert shown["organization"]["name"] == "tokei" and shown["legal_basis"]
    sign_in(client, "henshu")  # the organization's own editor is offered both
    page = client.get("/dataset/kojin-chosa/edit").get_data(as_text=True)
    assert 'name="access_level"' in page and 'name="owner_org"' in page


def test_the_grantee_cannot_restore_hide_or_publish_the_dataset(client, department, grantee):
    """Its state decides who sees it at all: the right to delete it, not an edit grant."""
    result(client, "package_delete", department.tokens["kanri"], id="kojin-chosa")
    for state in ("active", "draft"):
        status, body = call(client, "package_patch", grantee, id="kojin-chosa", state=state)
        assert status == 403, body
    status, body = call(client, "package_revise", grantee, match={"name": "kojin-chosa"},
                        update={"state": "active"})
    assert status == 403, body
    assert _shown(client, department)["state"] == "deleted"
    # The organization's editor restores it, and then the grantee edits it again.
    result(client, "package_patch", department.tokens["henshu"], id="kojin-chosa", state="active")
    assert call(client, "package_patch", grantee, id="kojin-chosa", state="draft")[0] == 403
    assert result(client, "package_patch", grantee, id="kojin-chosa", notes="改訂")["state"] == "active"
