"""HTML pages: what the public and staff see."""

import pytest

from tests.factories import make_dataset, make_group, make_org, make_token, make_user


@pytest.fixture
def site(app):
    tokei = make_org("toukei-chousa", "統計調査課")
    make_group("jinkou-setai", "人口・世帯")
    make_dataset(tokei, name="jinkou", title="市区町村別人口", tags=[{"name": "人口"}],
                 groups=[{"name": "jinkou-setai"}], license_id="CC-BY-4.0",
                 notes="# 概要\n\n市区町村別の**人口**。<script>alert(1)</script>"
                       "[リンク](javascript:alert(1))",
                 files={"jinko.csv": "団体コード,人口\n401005,939029\n".encode()})
    make_dataset(tokei, name="naibu", title="庁内の集計", access_level="internal")
    make_dataset(tokei, name="gentei", title="限定の調査票", access_level="restricted",
                 legal_basis="統計法 第41条")
    return tokei


def page(client, url, token=None):
    response = client.get(url, headers={"Authorization": token} if token else {})
    return response.status_code, response.get_data(as_text=True)


def test_home_lists_categories_and_recent_open_datasets(client, site):
    status, html = page(client, "/")
    assert status == 200
    assert '<html lang="ja">' in html and "福岡県データカタログ" in html
    assert "人口・世帯" in html and "市区町村別人口" in html
    assert "庁内の集計" not in html and "限定の調査票" not in html


def test_every_asset_a_page_links_is_served(client, site):
    """Stylesheets, scripts and the icon in the page head resolve (a browser asks for
    /favicon.ico, a 404, when the page names no icon)."""
    import re

    _status, html = page(client, "/")
    head = html.split("</head>")[0]
    assets = re.findall(r'<(?:link|script)[^>]+(?:href|src)="(/static/[^"]+)"', head)
    assert any(asset.endswith("favicon.svg") for asset in assets)
    assert 'rel="icon"' in head
    for asset in assets:
        response = client.get(asset)
        assert response.status_code == 200, asset
        response.close()


def test_search_page_with_facets_and_shareable_url(client, site):
    status, html = page(client, "/dataset?q=人口&tags=人口")
    assert status == 200
    assert "市区町村別<mark>人口</mark>" in html  # the match is highlighted
    assert "1 件のデータセット" in html
    assert 'aria-current="true"' in html  # the selected facet is marked


def test_licence_and_frequency_facets_read_in_the_page_language(client, site):
    make_dataset(site, name="geppo", title="推計人口（月報）", license_id="CC-BY-4.0",
                 frequency="monthly")
    _status, html = page(client, "/dataset")
    facets = html.split('class="facets"')[1].split("</aside>")[0]
    assert "クリエイティブ・コモンズ 表示 4.0 国際" in facets and "毎月" in facets
    assert "monthly" not in facets.replace("frequency=monthly", "")
    _status, html = page(client, "/dataset?lang=en")
    facets = html.split('class="facets"')[1].split("</aside>")[0]
    assert "Creative Commons Attribution 4.0" in facets and "Monthly" in facets


def test_dataset_page_renders_sanitised_markdown_and_attribution(client, site):
    status, html = page(client, "/dataset/jinkou")
    assert status == 200
    assert "<h2>概要</h2>" in html and "<strong>人口</strong>" in html
    assert "<script>alert(1)</script>" not in html and 'href="javascript:' not in html
    assert 'content="概要 市区町村別の人口。<script>' not in html  # meta text escaped once
    assert "&amp;lt;" not in html
    assert "出典：福岡県「市区町村別人口」（統計調査課）" in html
    assert "/download/jinko.csv" in html


def test_dataset_page_by_id_redirects_to_its_name(client, site):
    dataset_id = client.get("/api/3/action/package_show?id=jinkou").get_json()["result"]["id"]
    response = client.get(f"/dataset/{dataset_id}")
    assert response.status_code == 301 and response.location.endswith("/dataset/jinkou")


def test_closed_datasets_are_not_found_for_the_public(client, site):
    assert page(client, "/dataset/naibu")[0] == 404
    assert page(client, "/dataset/gentei")[0] == 404
    status, html = page(client, "/organization/toukei-chousa")
    assert "庁内の集計" not in html and "1 件" in html


def test_staff_see_internal_datasets_with_a_label(client, site):
    token = make_token(make_user("staffer"))
    status, html = page(client, "/dataset/naibu", token)
    assert status == 200 and "庁内限定" in html
    status, html = page(client, "/dataset?q=集計", token)
    assert "庁内の<mark>集計</mark>" in html and "庁内限定" in html  # the match is highlighted
    # a restricted dataset of another department: staff may know it exists, not read it
    assert page(client, "/dataset/gentei", token)[0] == 403


def test_members_see_restricted_datasets_with_the_legal_basis(client, site):
    token = make_token(make_user("member", orgs={site: "member"}))
    status, html = page(client, "/dataset/gentei", token)
    assert status == 200 and "限定公開" in html and "統計法 第41条" in html


def test_english_on_request(client, site):
    status, html = page(client, "/dataset/jinkou?lang=en")
    assert '<html lang="en">' in html and "Data and resources" in html
    status, html = page(client, "/")  # the choice is remembered
    assert '<html lang="en">' in html


def test_download_of_an_uploaded_file(client, site):
    resource = client.get("/api/3/action/package_show?id=jinkou").get_json()["result"]["resources"][0]
    response = client.get(resource["url"].removeprefix("http://localhost"))
    assert response.status_code == 200
    assert response.data == "団体コード,人口\n401005,939029\n".encode()
    assert "attachment" in response.headers["Content-Disposition"]


def test_unknown_page_is_a_friendly_404(client, site):
    status, html = page(client, "/no/such/page")
    assert status == 404 and "ページが見つかりません" in html


def test_pages_send_security_headers(client, site):
    response = client.get("/")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
