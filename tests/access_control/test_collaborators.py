"""CKAN's package_collaborator_* actions over grants, and user_autocomplete."""

from __future__ import annotations

import json
from datetime import timedelta

from access_control.models import Grant
from catalog.db import utcnow
from tests.access_control.conftest import audit_events
from tests.factories import make_token, make_user
from tests.helpers import call, result


def test_collaborators_are_user_grants_with_ckan_capacities(client, department, db):
    admin = department.tokens["kanri"]
    make_user("kyoryoku")
    created = result(client, "package_collaborator_create", admin, id="kojin-chosa",
                     user_id="kyoryoku", capacity="member")
    assert created["capacity"] == "member" and created["package_id"] == \
        department.restricted.id
    grants = result(client, "dataset_grant_list", admin, id="kojin-chosa")
    assert [(g["principal_name"], g["permission"]) for g in grants] == [("kyoryoku", "read")]
    # Creating again changes the capacity; "admin" is an edit grant, listed as editor.
    result(client, "package_collaborator_create", admin, id="kojin-chosa",
           user_id="kyoryoku", capacity="admin")
    listed = result(client, "package_collaborator_list", admin, id="kojin-chosa")
    assert [(c["user_id"], c["capacity"]) for c in listed] == [(created["user_id"], "editor")]
    assert result(client, "package_collaborator_list", admin, id="kojin-chosa",
                  capacity="member") == []
    # Grants to an organization's members are not collaborators.
    result(client, "dataset_grant_create", admin, id="kojin-chosa",
           principal_type="organization", principal="kikaku")
    assert len(result(client, "package_collaborator_list", admin, id="kojin-chosa")) == 1
    assert result(client, "package_collaborator_delete", admin, id="kojin-chosa",
                  user_id="kyoryoku") is None
    assert result(client, "package_collaborator_list", admin, id="kojin-chosa") == []
    assert call(client, "package_collaborator_delete", admin, id="kojin-chosa",
                user_id="kyoryoku")[0] == 404
    kinds = [event.event for event in audit_events(db, dataset_id=department.restricted.id)]
    assert kinds.count("grant_created") == 3 and kinds.count("grant_deleted") == 1


def test_only_those_who_manage_grants_see_or_change_collaborators(client, department):
    make_user("kyoryoku")
    # Staff may know the dataset exists (403); the public may not (404).
    for name, refusal in (("henshu", 403), ("menba", 403), ("tanin", 403), ("shimin", 404)):
        token = department.tokens[name]
        assert call(client, "package_collaborator_list", token, id="kojin-chosa")[0] == refusal
        assert call(client, "package_collaborator_create", token, id="kojin-chosa",
                    user_id="kyoryoku", capacity="editor")[0] == refusal
    status, body = call(client, "package_collaborator_list", None, id="kojin-chosa")
    assert status == 404 and "個人調査票" not in json.dumps(body, ensure_ascii=False)
    status, body = call(client, "package_collaborator_create", department.tokens["kanri"],
                        id="kojin-chosa", user_id="kyoryoku", capacity="owner")
    assert status == 409 and "capacity" in body["error"]
    assert call(client, "package_collaborator_create", department.tokens["kanri"],
                id="kojin-chosa", user_id="nobody", capacity="member")[0] == 404


def test_collaborations_of_a_user_for_themselves_and_sysadmins(client, department, app):
    user = make_user("kyoryoku")
    token = make_token(user)
    admin = department.tokens["kanri"]
    result(client, "package_collaborator_create", admin, id="kojin-chosa",
           user_id="kyoryoku", capacity="editor")
    result(client, "package_collaborator_create", admin, id="naibu-shukei",
           user_id="kyoryoku", capacity="member")
    own = result(client, "package_collaborator_list_for_user", token, id="kyoryoku")
    assert sorted((c["package_id"], c["capacity"]) for c in own) == sorted([
        (department.restricted.id, "editor"), (department.internal.id, "member")])
    assert len(result(client, "package_collaborator_list_for_user", department.tokens["root"],
                      id=user.id, capacity="editor")) == 1
    for other in (department.tokens["tanin"], department.tokens["kanri"]):
        assert call(client, "package_collaborator_list_for_user", other,
                    id="kyoryoku")[0] == 403
    assert call(client, "package_collaborator_list_for_user", None, id="kyoryoku")[0] == 403
    # An expired grant is no collaboration: the restricted dataset drops out.
    with app.app_context():
        from catalog import db as database

        session = database.session()
        for grant in session.query(Grant).filter_by(dataset_id=department.restricted.id):
            grant.expires_at = utcnow() - timedelta(days=1)
        session.commit()
    own = result(client, "package_collaborator_list_for_user", token, id="kyoryoku")
    assert [c["package_id"] for c in own] == [department.internal.id]


def test_user_autocomplete_is_for_staff(client, department):
    make_user("yamada-hanako")
    staff = department.tokens["tanin"]
    found = result(client, "user_autocomplete", staff, q="yamada")
    assert [(u["name"], sorted(u)) for u in found] == [("yamada-hanako",
                                                        ["fullname", "id", "name"])]
    assert result(client, "user_autocomplete", staff, q="%") == []
    assert len(result(client, "user_autocomplete", staff, q="a", limit=2)) == 2
    assert result(client, "user_autocomplete", staff, q="example.jp") == []  # not e-mail
    assert [u["name"] for u in result(client, "user_autocomplete", staff, q="tanin")] == ["tanin"]
    assert result(client, "user_autocomplete", staff, q="tanin", ignore_self=True) == []
    for token in (None, department.tokens["shimin"]):
        assert call(client, "user_autocomplete", token, q="yamada")[0] == 403
