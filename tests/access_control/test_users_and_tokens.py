"""user_* and api_token_* actions, and token authentication."""

from tests.factories import make_token, make_user
from tests.helpers import call, result


def test_sysadmin_creates_users_others_cannot(client):
    admin = make_token(make_user("root", sysadmin=True))
    created = result(client, "user_create", admin, name="suzuki", email="suzuki@example.jp",
                     password="long-enough-pass", fullname="鈴木")
    assert created["name"] == "suzuki" and created["staff"] is True
    assert "password_hash" not in created
    status, _ = call(client, "user_create", make_token(make_user()), name="x-user",
                     email="x@example.jp", password="long-enough-pass")
    assert status == 403


def test_user_create_validates(client):
    admin = make_token(make_user("root", sysadmin=True))
    status, body = call(client, "user_create", admin, name="root", email="bad",
                        password="short")
    assert status == 409
    assert set(body["error"]) >= {"name", "email", "password"}


def test_user_show_reveals_email_only_to_self_and_sysadmin(client):
    alice, bob = make_user("alice"), make_user("bob")
    alice_token, bob_token = make_token(alice), make_token(bob)
    assert "email" in result(client, "user_show", alice_token, id="alice")
    assert "email" not in result(client, "user_show", bob_token, id="alice")
    assert call(client, "user_show", id="alice")[0] == 403  # the public sees no staff


def test_user_list_is_for_staff(client):
    staff = make_token(make_user("staffer"))
    public = make_token(make_user("citizen", staff=False))
    assert [u["name"] for u in result(client, "user_list", staff)] == ["citizen", "staffer"]
    assert call(client, "user_list", public)[0] == 403


def test_token_lifecycle(client):
    user = make_user("alice")
    first = make_token(user)
    created = result(client, "api_token_create", first, user="alice", name="script")
    second = created["token"]
    assert second.startswith("cat_")
    assert result(client, "user_show", second)["name"] == "alice"
    listed = result(client, "api_token_list", second, user_id="alice")
    assert {t["name"] for t in listed} == {"test", "script"}
    assert all("token" not in t for t in listed)
    result(client, "api_token_revoke", first, jti=created["id"])
    assert call(client, "user_show", second)[0] == 403  # revoked


def test_cannot_create_tokens_for_someone_else(client):
    make_user("alice")
    token = make_token(make_user("mallory"))
    assert call(client, "api_token_create", token, user="alice", name="x")[0] == 403


def test_token_of_deactivated_user_is_refused(client, db):
    from access_control.models import User

    user = make_user("leaver")
    token = make_token(user)
    db.get(User, user.id).state = "deleted"
    db.commit()
    assert call(client, "package_list", token)[0] == 403


def test_token_accepted_in_ckan_header_and_as_bearer(client):
    token = make_token(make_user("alice"))
    for headers in ({"X-CKAN-API-Key": token}, {"Authorization": f"Bearer {token}"}):
        response = client.get("/api/3/action/user_show", headers=headers)
        assert response.get_json()["result"]["name"] == "alice"


def test_tokens_are_stored_hashed(db):
    from access_control.models import ApiToken

    secret = make_token(make_user("alice"))
    stored = db.query(ApiToken).one()
    assert secret not in stored.token_hash and len(stored.token_hash) == 64


def test_token_use_is_recorded(client, db):
    from access_control.models import ApiToken

    token = make_token(make_user("alice"))
    assert db.query(ApiToken).one().last_used is None
    result(client, "user_show", token)
    db.expire_all()
    assert db.query(ApiToken).one().last_used is not None
    listed = result(client, "api_token_list", token)
    assert listed[0]["last_access"] is not None
