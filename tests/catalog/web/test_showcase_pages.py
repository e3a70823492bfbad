"""Use-case pages: the public form (CSRF, honeypot, rate limit, errors kept), moderation
by use-case administrators, and the pages people read."""

from __future__ import annotations

import io

import pytest

from tests import factories
from tests.catalog.showcase.conftest import image_bytes, make_showcase_admin
from tests.catalog.web.forms import csrf_token
from tests.helpers import result

BROWSER = {"User-Agent": "Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0"}


@pytest.fixture
def dataset(app):
    organization = factories.make_org("kanko", "観光振興課")
    return factories.make_dataset(organization, title="観光入込客数", name="kanko",
                                  license_id="CC-BY-4.0")


@pytest.fixture
def curator(app):
    return factories.make_token(make_showcase_admin())


def submit(client, **fields):
    token = csrf_token(client, "/showcase/submit")
    data = {"csrf_token": token, "title": "観光マップ", "showcase_type": "app",
            "notes": "観光地の地図", "datasets": "http://localhost/dataset/kanko", **fields}
    return client.post("/showcase/submit", data=data, headers=BROWSER,
                       content_type="multipart/form-data")


def test_the_public_submits_and_a_curator_approves(client, dataset, curator):
    response = submit(client, image_upload=(io.BytesIO(image_bytes("PNG")), "map.png"))
    assert response.status_code == 302 and response.location.endswith("/showcase/submitted")
    assert client.get("/showcase", headers=BROWSER).get_data(as_text=True).count("観光マップ") == 0

    staff = {"Authorization": curator, **BROWSER}
    queue = client.get("/showcase/moderation", headers=staff).get_data(as_text=True)
    assert "観光マップ" in queue and "観光入込客数" in queue
    name = result(client, "showcase_search", curator, state="pending")["results"][0]["name"]
    token = csrf_token(client, "/showcase/moderation", headers=staff)
    response = client.post(f"/showcase/{name}/moderate", headers=staff,
                           data={"csrf_token": token, "decision": "approve", "featured": "y"})
    assert response.status_code == 302

    page = client.get(f"/showcase/{name}", headers=BROWSER).get_data(as_text=True)
    assert "観光マップ" in page and "観光入込客数" in page and f"/showcase/{name}/image" in page
    dataset_page = client.get("/dataset/kanko", headers=BROWSER).get_data(as_text=True)
    assert "このデータの活用事例" in dataset_page and f"/showcase/{name}" in dataset_page
    home = client.get("/", headers=BROWSER).get_data(as_text=True)
    assert "観光マップ" in home


def test_a_form_without_its_csrf_token_is_refused(client, dataset):
    response = client.post("/showcase/submit", data={"title": "x"}, headers=BROWSER)
    assert response.status_code == 400
    assert "有効期限" in response.get_data(as_text=True)
    assert result(client, "showcase_search", factories.make_token(
        make_showcase_admin()), state="pending")["count"] == 0


def test_a_filled_honeypot_is_thanked_and_dropped(client, dataset, curator):
    response = submit(client, website="http://spam.example")
    assert response.status_code == 302
    assert result(client, "showcase_search", curator, state="pending")["count"] == 0


def test_errors_are_shown_in_japanese_and_the_input_is_kept(client, dataset, curator):
    response = submit(client, title="", url="ftp://x", datasets="kanko\nnaibu-himitsu")
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "入力してください" in page or "値がありません" in page or "必須" in page
    assert "http:// または https://" in page
    assert "naibu-himitsu" in page and "観光地の地図" in page  # nothing typed is lost
    assert 'aria-invalid="true"' in page
    assert result(client, "showcase_search", curator, state="pending")["count"] == 0


def test_rate_limit_on_the_form(client, dataset):
    for number in range(3):
        assert submit(client, title=f"投稿 {number}").status_code == 302
    response = submit(client, title="4件目")
    assert response.status_code == 400 and "1時間" in response.get_data(as_text=True)


def test_staff_pages_are_for_curators_only(client, dataset):
    other_staff = factories.make_token(factories.make_user("ippan"))
    for path in ("/showcase/moderation", "/showcase/new"):
        assert client.get(path, headers={"Authorization": other_staff, **BROWSER}).status_code == 403
        anonymous = client.get(path, headers=BROWSER)  # sent to sign in, then back here
        assert anonymous.status_code == 302
        assert anonymous.headers["Location"] == f"/user/login?next={path}"


def test_curator_creates_edits_and_deletes(client, dataset, curator):
    staff = {"Authorization": curator, **BROWSER}
    token = csrf_token(client, "/showcase/new", headers=staff)
    response = client.post("/showcase/new", headers=staff, data={
        "csrf_token": token, "title": "観光レポート", "showcase_type": "report",
        "datasets": "kanko", "tag_string": "観光, 統計", "featured": "y"})
    assert response.status_code == 302
    name = response.location.rsplit("/", 1)[-1]
    edit_page = client.get(f"/showcase/{name}/edit", headers=staff).get_data(as_text=True)
    assert "統計, 観光" in edit_page and "kanko" in edit_page  # tags in name order
    token = csrf_token(client, f"/showcase/{name}/edit", headers=staff)
    client.post(f"/showcase/{name}/edit", headers=staff, data={
        "csrf_token": token, "title": "観光レポート2026", "showcase_type": "report",
        "datasets": "kanko", "tag_string": "観光"})
    shown = result(client, "ckanext_showcase_show", id=name)
    assert shown["title"] == "観光レポート2026" and [t["name"] for t in shown["tags"]] == ["観光"]
    client.post(f"/showcase/{name}/delete", headers=staff, data={"csrf_token": token})
    assert client.get(f"/showcase/{name}", headers=BROWSER).status_code == 404


def test_list_filters_by_type_and_pages(client, curator):
    for number in range(14):
        result(client, "ckanext_showcase_create", curator, title=f"事例{number:02d}",
               showcase_type="app" if number < 13 else "research")
    first = client.get("/showcase", headers=BROWSER).get_data(as_text=True)
    assert "事例13" in first and "事例01" not in first and "rel=\"next\"" in first
    second = client.get("/showcase?page=2", headers=BROWSER).get_data(as_text=True)
    assert "事例01" in second
    research = client.get("/showcase?type=research", headers=BROWSER).get_data(as_text=True)
    assert "事例13" in research and "事例12" not in research
