"""A real browser walks the site as a member of the public (JavaScript off: every step
must work without it) and as a use-case administrator, saving screenshots; axe-core
checks the key pages for serious accessibility problems."""

from __future__ import annotations

import re

import pytest

from tests import factories
from tests.catalog.showcase.conftest import image_bytes, make_showcase_admin
from tests.e2e.conftest import serious_violations

pytestmark = pytest.mark.slow
CSV = "市町村,人口\n福岡市,1612392\n北九州市,939029\n".encode()


@pytest.fixture
def site(app, live_server):
    tokei = factories.make_org("tokei", "統計調査課")
    factories.make_group("jinko", "人口・世帯")
    factories.make_dataset(
        tokei, name="jinko", title="市町村別人口", notes="県内市町村の**人口**です。",
        tags=["人口"], groups=[{"name": "jinko"}], license_id="CC-BY-4.0", frequency="monthly",
        maintainer="統計調査課", maintainer_email="tokei@example.jp", files={"jinko.csv": CSV})
    factories.make_dataset(tokei, name="setai", title="世帯数の推移", tags=["人口"],
                           license_id="PDL-1.0")
    curator = make_showcase_admin()
    token = factories.make_token(curator)
    client = app.test_client()
    import io

    client.post("/api/3/action/ckanext_showcase_create", headers={"Authorization": token},
                data={"title": "人口ダッシュボード", "showcase_type": "visualization",
                      "notes": "市町村の人口をグラフで比べられます。", "datasets": "jinko",
                      "featured": "true", "author": "福岡オープンデータ部",
                      "image_upload": (io.BytesIO(image_bytes("PNG", (640, 360))), "d.png")})
    return {"url": live_server, "token": token}


@pytest.fixture
def demo_site(app, live_server):
    """The demo catalog (`catalog demo`: datasets with ingested tables, use cases, and the
    demo accounts) behind a real server."""
    from catalog.demo import load_demo

    with app.app_context():
        load_demo()
    return live_server


def test_public_walk_and_staff_approval(browser, demo_site, artifacts, tmp_path):
    """The acceptance walk, on the demo catalog: search 人口, open a dataset, preview,
    download CSV, open a use case, submit one; then a use-case administrator signs in
    through the login form with a demo account and approves it."""
    import csv
    import io

    import requests

    base = demo_site
    public = browser.new_context(java_script_enabled=False, accept_downloads=True,
                                 locale="ja-JP")
    page = public.new_page()
    page.goto(base + "/")
    page.screenshot(path=artifacts / "01-home.png", full_page=True)

    page.get_by_label("データセットを検索").fill("人口")
    page.get_by_role("button", name="検索").click()
    page.wait_for_url(re.compile(r"/dataset\?q="))
    page.screenshot(path=artifacts / "02-search.png", full_page=True)
    page.get_by_role("link", name="市区町村別人口・世帯数", exact=True).click()
    page.wait_for_url(base + "/dataset/shichouson-betsu-jinkou")
    assert "出典：福岡県「市区町村別人口・世帯数」" in page.locator("textarea.attribution").input_value()
    assert page.locator(".rating .stars").get_attribute("aria-label").startswith("5つ星中")

    # Preview: the first rows and their chart are on the page; the full preview one click on.
    preview = page.locator("section.dataset-preview")
    assert preview.get_by_role("heading", name="データのプレビュー").is_visible()
    assert preview.locator("tbody tr").count() == 10
    assert preview.locator("svg.bar-chart rect").count() == 10
    page.screenshot(path=artifacts / "03-dataset.png", full_page=True)
    page.get_by_role("link", name="プレビューとデータ品質").first.click()
    page.wait_for_url(re.compile(r"/dataset/shichouson-betsu-jinkou/resource/"))
    assert page.locator("table.preview tbody tr").count() == 10
    page.screenshot(path=artifacts / "04-preview.png", full_page=True)
    page.go_back()

    # Download the first table as CSV with its button, and compare with the API's rows.
    resource = page.locator("li.resource").first
    with page.expect_download() as download_info:
        resource.get_by_role("link", name=re.compile(r"^CSV ")).click()
    saved = tmp_path / "table.csv"
    download_info.value.save_as(saved)
    rows = list(csv.reader(io.StringIO(saved.read_text(encoding="utf-8"))))
    resource_id = download_info.value.url.split("/datastore/dump/")[1].split("?")[0]
    found = requests.get(f"{base}/api/3/action/datastore_search",
                         params={"resource_id": resource_id, "limit": 1000}, timeout=10).json()
    assert rows[0] == [field["id"] for field in found["result"]["fields"]]
    assert len(rows) - 1 == found["result"]["total"] == 60  # the 60 市区町村
    assert rows[1] == [str(value) for value in found["result"]["records"][0].values()]

    page.get_by_role("link", name="福岡県 人口ダッシュボード").click()
    page.wait_for_url(base + "/showcase/jinkou-dashboard")
    assert page.get_by_role("heading", name="福岡県 人口ダッシュボード").is_visible()
    page.screenshot(path=artifacts / "05-showcase.png", full_page=True)

    page.goto(base + "/dataset/shichouson-betsu-jinkou")
    page.get_by_role("link", name=re.compile("活用事例をお知らせください")).click()
    page.get_by_label("タイトル").fill("通学路の人口マップ")
    page.get_by_label("種類").select_option("app")
    page.get_by_label("説明").fill("市区町村別人口を地図にしました。")
    page.get_by_label("URL", exact=True).fill("https://example.jp/map")
    page.get_by_label("作成者").fill("市民エンジニア")
    assert page.get_by_label(re.compile("使用したデータセット")).input_value() == \
        "shichouson-betsu-jinkou"
    page.screenshot(path=artifacts / "06-submit.png", full_page=True)
    page.get_by_role("button", name="確認を依頼して送信").click()
    page.wait_for_url(base + "/showcase/submitted")
    assert page.get_by_role("heading", name="ありがとうございました").is_visible()
    public.close()

    # Staff: the demo's use-case administrator signs in through the real login form.
    staff = browser.new_context(java_script_enabled=False, locale="ja-JP")
    page = staff.new_page()
    page.goto(base + "/showcase/moderation")
    assert "/user/login" in page.url  # the queue is not for the public
    page.get_by_label("ユーザー名またはメールアドレス").fill("nakamura")
    page.get_by_label("パスワード").fill("demo-password")
    page.screenshot(path=artifacts / "07-login.png", full_page=True)
    page.get_by_role("button", name="サインイン").click()
    page.wait_for_url(base + "/showcase/moderation")
    assert page.get_by_role("heading", name="通学路の人口マップ").is_visible()
    page.screenshot(path=artifacts / "08-moderation.png", full_page=True)
    page.get_by_role("button", name=re.compile("承認して公開 通学路の人口マップ")).click()
    page.wait_for_url(base + "/showcase/moderation")
    assert page.get_by_text("公開しました：通学路の人口マップ").is_visible()
    staff.close()

    visitor = browser.new_context(java_script_enabled=False).new_page()
    visitor.goto(base + "/showcase")
    assert visitor.get_by_role("link", name="通学路の人口マップ").is_visible()
    visitor.screenshot(path=artifacts / "09-showcase-published.png", full_page=True)
    visitor.context.close()


@pytest.mark.parametrize("path", ["/", "/dataset?q=人口", "/dataset/jinko", "/showcase",
                                  "/showcase/jinkou-dasshuboodo", "/showcase/submit",
                                  "/about", "/api-guide"])
def test_no_serious_accessibility_violations(browser, site, path):
    context = browser.new_context(bypass_csp=True)
    page = context.new_page()
    page.goto(site["url"] + path)
    assert page.title()
    assert serious_violations(page) == []
    context.close()


def test_readable_on_a_phone(browser, site, artifacts):
    context = browser.new_context(viewport={"width": 375, "height": 740}, device_scale_factor=2,
                                  is_mobile=True, has_touch=True)
    page = context.new_page()
    for name, path in (("home", "/"), ("dataset", "/dataset/jinko"), ("showcase", "/showcase")):
        page.goto(site["url"] + path)
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{path} scrolls sideways by {overflow}px"
        page.screenshot(path=artifacts / f"phone-{name}.png", full_page=True)
    context.close()


def test_copy_buttons_appear_with_javascript(browser, site):
    context = browser.new_context()
    page = context.new_page()
    page.goto(site["url"] + "/dataset/jinko")
    assert page.get_by_role("button", name="コピー").count() >= 3
    context.close()
