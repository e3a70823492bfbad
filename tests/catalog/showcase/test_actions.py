"""Use-case actions: ckanext-showcase compatibility, permissions, and open datasets only."""

from __future__ import annotations

from tests import factories
from tests.catalog.showcase.conftest import image_bytes, make_showcase_admin
from tests.helpers import call, result


def create(client, token, **fields):
    return result(client, "ckanext_showcase_create", token,
                  **{"title": "人口ダッシュボード", "showcase_type": "visualization", **fields})


def test_admin_creates_and_everyone_sees_it(client, admin_token, open_dataset):
    created = create(client, admin_token, notes="**見える化**", url="https://example.jp/app",
                     author="福岡太郎", tags=["人口", "グラフ"], datasets=["jinko"])
    assert created["type"] == "showcase" and created["state"] == "active"
    assert created["name"] == "jinkou-dasshuboodo"
    shown = result(client, "ckanext_showcase_show", _method="GET", id=created["name"])
    assert shown["title"] == "人口ダッシュボード" and shown["num_datasets"] == 1
    assert [tag["name"] for tag in shown["tags"]] == ["グラフ", "人口"]
    assert "author_email" not in shown  # moderator-only
    packages = result(client, "ckanext_showcase_package_list", _method="GET",
                      showcase_id=created["id"])
    assert [package["name"] for package in packages] == ["jinko"]
    used_in = result(client, "ckanext_package_showcase_list", _method="GET", package_id="jinko")
    assert [showcase["id"] for showcase in used_in] == [created["id"]]


def test_only_showcase_admins_may_change(client, admin_token, staff_token, open_dataset):
    for token in (None, staff_token):
        status, body = call(client, "ckanext_showcase_create", token, title="x")
        assert status == 403 and body["error"]["__type"] == "Authorization Error"
    showcase = create(client, admin_token)
    for name, data in (("ckanext_showcase_update", {"id": showcase["id"], "title": "y"}),
                       ("ckanext_showcase_delete", {"id": showcase["id"]}),
                       ("ckanext_showcase_package_association_create",
                        {"showcase_id": showcase["id"], "package_id": "jinko"})):
        status, _body = call(client, name, staff_token, **data)
        assert status == 403, name
    assert result(client, "ckanext_showcase_show", id=showcase["id"])["title"] == showcase["title"]


def test_closed_datasets_cannot_be_linked(client, admin_token, open_dataset, internal_dataset):
    status, body = call(client, "ckanext_showcase_create", admin_token, title="x",
                        datasets=["jinko", "naibu"])
    assert status == 409 and "naibu" in body["error"]["datasets"][0]
    showcase = create(client, admin_token)
    status, body = call(client, "ckanext_showcase_package_association_create", admin_token,
                        showcase_id=showcase["id"], package_id="naibu")
    assert status == 409 and "package_id" in body["error"]
    assert result(client, "ckanext_showcase_show", id=showcase["id"])["num_datasets"] == 0


def test_a_dataset_that_closes_disappears_from_its_use_cases(
        client, app, admin_token, open_dataset):
    showcase = create(client, admin_token, datasets=["jinko"])
    sysadmin = factories.make_token(factories.make_user("root", sysadmin=True))
    result(client, "package_patch", sysadmin, id="jinko", access_level="internal")
    assert result(client, "ckanext_showcase_package_list", showcase_id=showcase["id"]) == []
    assert result(client, "ckanext_showcase_show", id=showcase["id"])["num_datasets"] == 0
    # Editing the use case meanwhile keeps the hidden link; it comes back when reopened.
    result(client, "ckanext_showcase_update", admin_token, id=showcase["id"], title="改題",
           datasets=[])
    result(client, "package_patch", sysadmin, id="jinko", access_level="open")
    packages = result(client, "ckanext_showcase_package_list", showcase_id=showcase["id"])
    assert [package["name"] for package in packages] == ["jinko"]


def test_associations(client, admin_token, open_dataset):
    showcase = create(client, admin_token)
    link = {"showcase_id": showcase["name"], "package_id": "jinko"}
    result(client, "ckanext_showcase_package_association_create", admin_token, **link)
    result(client, "ckanext_showcase_package_association_create", admin_token, **link)
    assert len(result(client, "ckanext_showcase_package_list", showcase_id=showcase["id"])) == 1
    result(client, "ckanext_showcase_package_association_delete", admin_token, **link)
    assert result(client, "ckanext_showcase_package_list", showcase_id=showcase["id"]) == []
    status, _ = call(client, "ckanext_showcase_package_association_delete", admin_token, **link)
    assert status == 404


def test_list_pages_and_filters(client, admin_token):
    for number in range(5):
        create(client, admin_token, title=f"事例 {number}",
               showcase_type="app" if number % 2 else "report")
    names = [s["title"] for s in result(client, "ckanext_showcase_list", _method="GET")]
    assert names == ["事例 4", "事例 3", "事例 2", "事例 1", "事例 0"]
    page = result(client, "ckanext_showcase_list", _method="GET", limit=2, page=2)
    assert [s["title"] for s in page] == ["事例 2", "事例 1"]
    apps = result(client, "showcase_search", _method="GET", showcase_type="app")
    assert apps["count"] == 2
    status, body = call(client, "showcase_search", _method="GET", showcase_type="game")
    assert status == 409 and "showcase_type" in body["error"]
    status, _ = call(client, "showcase_search", _method="GET", state="pending")
    assert status == 403  # the moderation queue is for moderators


def test_update_replaces_fields_and_validates(client, admin_token):
    showcase = create(client, admin_token, url="https://example.jp", author="A")
    updated = result(client, "ckanext_showcase_update", admin_token, id=showcase["id"],
                     title="新しい題", showcase_type="article")
    assert updated["author"] == "" and updated["url"] == "" and updated["title"] == "新しい題"
    status, body = call(client, "ckanext_showcase_update", admin_token, id=showcase["id"],
                        title="", url="javascript:alert(1)", showcase_type="game",
                        author_email="not-an-address")
    assert status == 409
    assert set(body["error"]) >= {"title", "url", "showcase_type", "author_email"}
    assert result(client, "ckanext_showcase_show", id=showcase["id"])["title"] == "新しい題"


def test_image_upload_through_the_api(client, admin_token, app):
    response = client.post("/api/3/action/ckanext_showcase_create",
                           headers={"Authorization": admin_token},
                           data={"title": "画像つき", "image_upload": (
                               __import__("io").BytesIO(image_bytes("JPEG")), "shot.jpg")})
    created = response.get_json()["result"]
    assert created["image_url"] == f"http://localhost/showcase/{created['name']}/image"
    image = client.get(f"/showcase/{created['name']}/image")
    assert image.status_code == 200 and image.mimetype == "image/jpeg"
    result(client, "ckanext_showcase_delete", admin_token, id=created["id"])
    assert client.get(f"/showcase/{created['name']}/image").status_code == 404
    files = list((app.config["SETTINGS"].instance_dir / "files").rglob("*.jpg"))
    assert files == []  # the image went with the use case


def test_showcase_admins_are_managed_by_sysadmins(client, staff_token):
    sysadmin = factories.make_token(factories.make_user("root", sysadmin=True))
    factories.make_user("hanako")
    status, _ = call(client, "ckanext_showcase_admin_add", staff_token, username="hanako")
    assert status == 403
    result(client, "ckanext_showcase_admin_add", sysadmin, username="hanako")
    assert [u["name"] for u in result(client, "ckanext_showcase_admin_list", sysadmin)] == \
        ["hanako"]
    public = factories.make_user("kouhou", staff=False)
    status, _ = call(client, "ckanext_showcase_admin_add", sysadmin, username=public.name)
    assert status == 409  # the public may not curate
    result(client, "ckanext_showcase_admin_remove", sysadmin, username="hanako")
    assert result(client, "ckanext_showcase_admin_list", sysadmin) == []


def test_submission_waits_for_moderation(client, admin_token, open_dataset):
    submitted = result(client, "showcase_submit", title="私の分析", datasets=["jinko"],
                       author_email="me@example.jp", featured=True)
    assert submitted["state"] == "pending"
    status, _ = call(client, "ckanext_showcase_show", id=submitted["id"])
    assert status == 404  # not public yet
    assert result(client, "ckanext_showcase_list") == []
    queue = result(client, "showcase_search", admin_token, state="pending")
    assert queue["count"] == 1 and queue["results"][0]["author_email"] == "me@example.jp"
    assert queue["results"][0]["featured"] is False  # the public cannot feature itself
    approved = result(client, "showcase_approve", admin_token, id=submitted["id"])
    assert approved["state"] == "active"
    assert [s["id"] for s in result(client, "ckanext_showcase_list")] == [submitted["id"]]


def test_rejection_keeps_the_reason_for_moderators(client, admin_token):
    submitted = result(client, "showcase_submit", title="宣伝")
    rejected = result(client, "showcase_reject", admin_token, id=submitted["id"],
                      reason="広告のため")
    assert rejected["state"] == "rejected" and rejected["moderation_note"] == "広告のため"
    assert result(client, "ckanext_showcase_list") == []


def test_submissions_are_rate_limited(client):
    for number in range(3):
        result(client, "showcase_submit", title=f"投稿 {number}")
    status, body = call(client, "showcase_submit", title="4件目")
    assert status == 409 and "__rate_limit" in body["error"]


def test_reserved_and_taken_names(client, admin_token):
    make_showcase_admin("second")
    first = create(client, admin_token, title="submit")
    assert first["name"] == "submit-case"
    status, body = call(client, "ckanext_showcase_create", admin_token, title="x", name="new")
    assert status == 409 and "name" in body["error"]
    status, body = call(client, "ckanext_showcase_create", admin_token, title="x",
                        name=first["name"])
    assert status == 409 and "name" in body["error"]
