"""The public site: home, dataset page additions, about and API guide, in both languages
and without JavaScript (everything is in the HTML)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests import factories
from tests.catalog.showcase.conftest import make_showcase_admin
from tests.helpers import result

BROWSER = {"User-Agent": "Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0"}


@pytest.fixture
def site(app):
    tokei = factories.make_org("tokei", "統計調査課")
    factories.make_group("jinko", "人口・世帯")
    dataset = factories.make_dataset(
        tokei, name="jinko", title="市町村別人口", notes="市町村ごとの人口", tags=["人口"],
        groups=[{"name": "jinko"}], license_id="PDL-1.0", frequency="annual",
        maintainer="統計調査課", maintainer_email="tokei@example.jp",
        files={"jinko.csv": "市町村,人口\n".encode()})
    curator = factories.make_token(make_showcase_admin())
    result(factories_client(app), "ckanext_showcase_create", curator, title="人口マップ",
           datasets=["jinko"], featured=True)
    return dataset


def factories_client(app):
    return app.test_client()


def test_home_has_search_categories_new_popular_and_use_cases(client, site):
    client.get("/dataset/jinko", headers=BROWSER)
    page = client.get("/", headers=BROWSER).get_data(as_text=True)
    for expected in ('role="search"', "人口・世帯", "新着データセット", "アクセスランキング",
                     "人口マップ", "活用事例", "/feeds/dataset.atom"):
        assert expected in page, expected


def test_dataset_page_has_attribution_api_examples_used_in_and_contact(client, site):
    page = client.get("/dataset/jinko", headers=BROWSER).get_data(as_text=True)
    assert ("出典：福岡県「市町村別人口」（統計調査課）http://localhost/dataset/jinko"
            "（公共データ利用規約（第1.0版））") in page
    assert "curl 'http://localhost/api/3/action/package_show?id=jinko'" in page
    assert 'params={"id": "jinko"}' in page
    assert "このデータの活用事例" in page and "人口マップ" in page
    assert "mailto:tokei@example.jp?subject=" in page
    assert "毎年" in page  # update frequency
    assert "/download/jinko.csv" in page
    assert 'href="/dataset/jinko.ttl"' in page


def test_the_python_example_really_works(live_server, site):
    """The copied Python example runs and prints the dataset's files."""
    page = __import__("requests").get(f"{live_server}/dataset/jinko", timeout=10).text
    code = page.split('aria-labelledby="python-label">', 1)[1].split("</textarea>", 1)[0]
    import html

    completed = subprocess.run([sys.executable, "-c", html.unescape(code)], capture_output=True,
                               text=True, timeout=60)
    assert completed.returncode == 0, completed.stderr
    assert "jinko.csv CSV http://127.0.0.1" in completed.stdout


def test_english_pages(client, site):
    page = client.get("/dataset/jinko?lang=en", headers=BROWSER).get_data(as_text=True)
    assert '<html lang="en">' in page and "Use this data from a program" in page
    assert 'Source: Fukuoka Prefecture, "市町村別人口"' in page
    assert "Public Data License" in page
    assert "Use cases" in client.get("/showcase", headers=BROWSER).get_data(as_text=True)


@pytest.mark.parametrize("path, expected", [
    ("/about", "このサイトについて"), ("/api-guide", "package_search?q=人口"),
    ("/showcase", "人口マップ"), ("/showcase/submit", "活用事例を投稿する")])
def test_static_and_showcase_pages(client, site, path, expected):
    response = client.get(path, headers=BROWSER)
    assert response.status_code == 200 and expected in response.get_data(as_text=True)


def test_api_guide_uses_a_real_dataset_of_this_site(client, site):
    page = client.get("/api-guide", headers=BROWSER).get_data(as_text=True)
    assert "package_show?id=jinko" in page


def test_every_page_links_the_use_cases_and_the_guides(client, site):
    page = client.get("/organization", headers=BROWSER).get_data(as_text=True)
    for link in ('href="/showcase"', 'href="/about"', 'href="/api-guide"', 'href="/catalog.ttl"'):
        assert link in page
