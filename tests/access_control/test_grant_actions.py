"""dataset_grant_create/list/delete: who may manage grants, and what grants give."""

from datetime import timedelta

from access_control.models import Grant, UserSiteRole
from access_control.roles import SiteRole
from catalog.db import utcnow
from tests.access_control.conftest import audit_events
from tests.factories import make_org, make_token, make_user
from tests.helpers import call, result


def can_read(client, token, dataset="kojin-chosa") -> bool:
    status, _body = call(client, "package_show", token, id=dataset)
    return status == 200


def test_admin_grants_a_user_read_until_a_date(client, db, department):
    admin, outsider = department.tokens["kanri"], department.tokens["tanin"]
    assert not can_read(client, outsider)
    grant = result(client, "dataset_grant_create", admin, id="kojin-chosa",
                   principal_type="user", principal="tanin", expires_at="2099-03-31")
    assert grant["principal_name"] == "tanin" and grant["permission"] == "read"
    assert grant["last_day"] == "2099-03-31" and grant["expired"] is False
    assert can_read(client, outsider)
    status, _ = call(client, "package_patch", outsider, id="kojin-chosa", title="x")
    assert status == 403  # read only
    listed = result(client, "dataset_grant_list", admin, id="kojin-chosa")
    assert [g["id"] for g in listed] == [grant["id"]]
    result(client, "dataset_grant_delete", admin, id=grant["id"])
    assert not can_read(client, outsider)
    created, deleted = (audit_events(db, event=kind)
                        for kind in ("grant_created", "grant_deleted"))
    assert created[0].subject == grant["id"] and created[0].actor_name == "kanri"
    assert created[0].details["principal_name"] == "tanin"
    assert deleted[0].subject == grant["id"] and deleted[0].dataset_name == "kojin-chosa"


def test_granting_again_replaces_the_grant(client, department):
    admin = department.tokens["kanri"]
    first = result(client, "dataset_grant_create", admin, id="kojin-chosa",
                   principal_type="user", principal="tanin")
    second = result(client, "dataset_grant_create", admin, id="kojin-chosa",
                    principal_type="user", principal="tanin", permission="edit")
    assert second["id"] == first["id"] and second["permission"] == "edit"
    assert len(result(client, "dataset_grant_list", admin, id="kojin-chosa")) == 1
    assert call(client, "package_patch", department.tokens["tanin"], id="kojin-chosa",
                title="編集できる")[0] == 200


def test_organization_and_role_grants(client, db, department):
    admin = department.tokens["kanri"]
    result(client, "dataset_grant_create", admin, id="kojin-chosa",
           principal_type="organization", principal="kikaku")
    assert can_read(client, department.tokens["tanin"])  # a member of kikaku
    curator = make_user("curator")
    db.add(UserSiteRole(user_id=curator.id, role=SiteRole.SHOWCASE_ADMIN.value))
    db.commit()
    curator_token = make_token(curator)
    assert not can_read(client, curator_token)
    result(client, "dataset_grant_create", admin, id="kojin-chosa", principal_type="role",
           principal="showcase_admin")
    assert can_read(client, curator_token)


def test_expired_grants_give_nothing(client, db, department):
    admin, outsider = department.tokens["kanri"], department.tokens["tanin"]
    grant = result(client, "dataset_grant_create", admin, id="kojin-chosa",
                   principal_type="user", principal="tanin", expires_at="2099-01-01")
    db.get(Grant, grant["id"]).expires_at = utcnow() - timedelta(seconds=1)
    db.commit()
    assert not can_read(client, outsider)
    assert result(client, "dataset_grant_list", admin, id="kojin-chosa")[0]["expired"] is True


def test_only_admins_manage_grants(client, department):
    # Staff may know the dataset exists (403); the public may not (404).
    expected = {"henshu": 403, "menba": 403, "tanin": 403, "shimin": 404, None: 404}
    for who, status in expected.items():
        token = department.tokens.get(who)
        assert call(client, "dataset_grant_create", token, id="kojin-chosa",
                    principal_type="user", principal="tanin")[0] == status, who
        assert call(client, "dataset_grant_list", token, id="kojin-chosa")[0] == status, who


def test_sysadmin_manages_any_grant(client, department):
    assert result(client, "dataset_grant_create", department.tokens["root"], id="kojin-chosa",
                  principal_type="user", principal="tanin")["principal_id"]


def test_admin_of_another_organization_cannot_delete_a_grant(client, department):
    grant = result(client, "dataset_grant_create", department.tokens["kanri"], id="kojin-chosa",
                   principal_type="user", principal="tanin")
    other_admin = make_token(make_user("other-admin", orgs={make_org("kenko"): "admin"}))
    assert call(client, "dataset_grant_delete", other_admin, id=grant["id"])[0] == 403


BAD_GRANTS = [
    ({"principal_type": "user", "principal": "nobody"}, "principal",
     "利用者が見つかりません: nobody"),
    ({"principal_type": "team", "principal": "x"}, "principal_type",
     "user、organization、role のいずれかを指定してください"),
    ({"principal_type": "role", "principal": "king"}, "principal",
     "不明なロールです。ロールは次のとおりです: showcase_admin"),
    ({"principal_type": "user", "principal": "tanin", "expires_at": "2000-01-01"},
     "expires_at", "期限には今日以降の日付を指定してください"),
    ({"principal_type": "user", "principal": "tanin", "expires_at": "来年"},
     "expires_at", None),
    ({"principal_type": "user", "principal": "tanin", "permission": "own"}, "permission",
     "read か edit を指定してください"),
]


def test_bad_grants_are_refused_in_japanese(client, department):
    for fields, field, message in BAD_GRANTS:
        status, body = call(client, "dataset_grant_create", department.tokens["kanri"],
                            id="kojin-chosa", **fields)
        assert status == 409 and field in body["error"], fields
        if message:
            assert body["error"][field] == [message]
    assert result(client, "dataset_grant_list", department.tokens["kanri"], id="kojin-chosa") == []
