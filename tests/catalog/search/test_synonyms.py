"""Editing the synonym list: sysadmins only, through the actions and the admin page."""

from tests.factories import make_dataset, make_org, make_token, make_user
from tests.catalog.web.forms import csrf_token
from tests.helpers import call, result


def test_sysadmins_edit_the_list_and_search_follows_at_once(client):
    make_dataset(make_org("kenko"), name="kenshin", title="特定健診の受診率")
    admin = make_token(make_user("root", sysadmin=True))
    assert result(client, "package_search", q="メタボ健診")["count"] == 0
    group = result(client, "search_synonym_create", admin, terms=["特定健診", "メタボ健診"])
    assert group["terms"] == ["特定健診", "メタボ健診"]
    assert result(client, "package_search", q="メタボ健診")["count"] == 1
    result(client, "search_synonym_update", admin, id=group["id"], terms="特定健診、特定健康診査")
    assert result(client, "package_search", q="メタボ健診")["count"] == 0
    assert [g["terms"] for g in result(client, "search_synonym_list", admin)] == [
        ["特定健診", "特定健康診査"]]
    result(client, "search_synonym_delete", admin, id=group["id"])
    assert result(client, "search_synonym_list", admin) == []


def test_others_may_not_edit_and_bad_groups_are_refused(client):
    staff = make_token(make_user("staffer"))
    status, body = call(client, "search_synonym_create", staff, terms="a,b")
    assert status == 403 and body["error"]["__type"] == "Authorization Error"
    admin = make_token(make_user("root", sysadmin=True))
    for terms in ("育児", "育児,育児", ["x"] * 1, "," * 3, ["語"] * 0):
        status, body = call(client, "search_synonym_create", admin, terms=terms)
        assert status == 409 and "terms" in body["error"], terms
    status, body = call(client, "search_synonym_update", admin, id=999, terms="a,b")
    assert status == 404


def test_admin_page_lists_adds_and_removes_groups(client):
    make_user("root", sysadmin=True)
    assert client.get("/search/synonyms").status_code == 403
    with client.session_transaction() as session:
        session["user_id"] = _user_id("root")
    token = csrf_token(client, "/search/synonyms")
    added = client.post("/search/synonyms", data={"terms": "防災,危機管理", "csrf_token": token})
    assert added.status_code == 303
    assert "防災" in client.get("/search/synonyms").get_data(as_text=True)
    refused = client.post("/search/synonyms", data={"terms": "防災", "csrf_token": token})
    assert refused.status_code == 400
    assert "同義語グループには異なる語が2つ以上必要です" in refused.get_data(as_text=True)
    forged = client.post("/search/synonyms", data={"terms": "a,b"})  # no CSRF token
    assert forged.status_code == 400
    group = result(client, "search_synonym_list", make_token(make_user("root2", sysadmin=True)))[0]
    assert group["terms"] == ["防災", "危機管理"]
    removed = client.post("/search/synonyms", data={"delete": group["id"], "csrf_token": token})
    assert removed.status_code == 303 and "防災" not in client.get("/search/synonyms").get_data(as_text=True)


def _user_id(name: str) -> str:
    import sqlalchemy as sa

    from access_control.models import User
    from tests.factories import CURRENT_APP

    app = CURRENT_APP.get()
    with app.extensions["db_sessionmaker"]() as db:
        return db.scalar(sa.select(User.id).where(User.name == name))
