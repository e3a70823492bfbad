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


def test_public_walk_and_staff_approval(browser, site, artifacts, tmp_path):
    base = site["url"]
    public = browser.new_context(java_script_enabled=False, accept_downloads=True,
                                 locale="ja-JP")
    page = public.new_page()
    page.goto(base + "/")
    page.screenshot(path=artifacts / "01-home.png", full_page=True)

    page.get_by_label("データセットを検索").fill("人口")
    page.get_by_role("button", name="検索").click()
    page.wait_for_url(re.compile(r"/dataset\?q="))
    assert page.get_by_role("link", name="市町村別人口").is_visible()
    page.screenshot(path=artifacts / "02-search.png", full_page=True)

    page.get_by_role("link", name="市町村別人口").click()
    page.wait_for_url(base + "/dataset/jinko")
    assert "出典：福岡県「市町村別人口」" in page.locator("textarea.attribution").input_value()
    page.screenshot(path=artifacts / "03-dataset.png", full_page=True)
    with page.expect_download() as download_info:
        page.get_by_role("link", name=re.compile("ダウンロード")).first.click()
    download = download_info.value
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    assert saved.name == "jinko.csv" and saved.read_bytes() == CSV

    page.get_by_role("link", name="人口ダッシュボード").click()
    page.wait_for_url(base + "/showcase/*")
    assert page.get_by_role("heading", name="人口ダッシュボード").is_visible()
    page.screenshot(path=artifacts / "04-showcase.png", full_page=True)

    page.goto(base + "/dataset/jinko")
    page.get_by_role("link", name=re.compile("活用事例をお知らせください")).click()
    page.get_by_label("タイトル").fill("通学路の人口マップ")
    page.get_by_label("種類").select_option("app")
    page.get_by_label("説明").fill("市町村別人口を地図にしました。")
    page.get_by_label("URL", exact=True).fill("https://example.jp/map")
    page.get_by_label("作成者").fill("市民エンジニア")
    assert page.get_by_label(re.compile("使用したデータセット")).input_value() == "jinko"
    page.screenshot(path=artifacts / "05-submit.png", full_page=True)
    page.get_by_role("button", name="確認を依頼して送信").click()
    page.wait_for_url(base + "/showcase/submitted")
    assert page.get_by_role("heading", name="ありがとうございました").is_visible()
    public.close()

    # Staff: the sign-in page is being built on the access branch; until then the
    # curator's browser sends an API token, which the site accepts on every page.
    staff = browser.new_context(java_script_enabled=False, locale="ja-JP",
                                extra_http_headers={"Authorization": site["token"]})
    page = staff.new_page()
    page.goto(base + "/showcase/moderation")
    assert page.get_by_role("heading", name="通学路の人口マップ").is_visible()
    page.screenshot(path=artifacts / "06-moderation.png", full_page=True)
    page.get_by_role("button", name=re.compile("承認して公開 通学路の人口マップ")).click()
    page.wait_for_url(base + "/showcase/moderation")
    assert page.get_by_text("公開しました：通学路の人口マップ").is_visible()
    staff.close()

    visitor = browser.new_context(java_script_enabled=False).new_page()
    visitor.goto(base + "/showcase")
    assert visitor.get_by_role("link", name="通学路の人口マップ").is_visible()
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
