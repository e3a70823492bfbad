"""Atom feed, sitemap and robots.txt."""

from __future__ import annotations

from xml.etree import ElementTree as ET

from tests import factories
from tests.helpers import result

ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def test_atom_feed_lists_open_datasets_newest_change_first(client, catalog):
    sysadmin_token = factories.make_token(factories.make_user("root", sysadmin=True))
    result(client, "package_patch", sysadmin_token, id="jinko", notes="更新しました")
    response = client.get("/feeds/dataset.atom")
    assert response.mimetype == "application/atom+xml"
    feed = ET.fromstring(response.data)
    titles = [entry.find(f"{ATOM}title").text for entry in feed.iter(f"{ATOM}entry")]
    assert titles == ["市町村別人口", "避難所一覧"]
    first = next(feed.iter(f"{ATOM}entry"))
    assert first.find(f"{ATOM}link").get("href") == "http://localhost/dataset/jinko"
    assert first.find(f"{ATOM}summary").text == "更新しました"
    assert {c.get("term") for c in first.iter(f"{ATOM}category")} == {"人口", "統計"}
    assert feed.find(f"{ATOM}updated").text.endswith("Z")
    english = ET.fromstring(client.get("/feeds/dataset.atom?lang=en").data)
    assert "new and updated" in english.find(f"{ATOM}title").text


def test_sitemap_lists_public_pages_only(client, catalog):
    sitemap = ET.fromstring(client.get("/sitemap.xml").data)
    locations = {url.find(f"{SITEMAP}loc").text for url in sitemap.iter(f"{SITEMAP}url")}
    assert {"http://localhost/", "http://localhost/dataset/jinko",
            "http://localhost/dataset/hinanjo", "http://localhost/organization/tokei",
            "http://localhost/group/jinko", "http://localhost/showcase"} <= locations
    assert "http://localhost/dataset/himitsu" not in locations
    lastmods = [url.find(f"{SITEMAP}lastmod") for url in sitemap.iter(f"{SITEMAP}url")
                if url.find(f"{SITEMAP}loc").text == "http://localhost/dataset/jinko"]
    assert lastmods[0] is not None and len(lastmods[0].text) == 10


def test_robots_points_to_the_sitemap_and_keeps_crawlers_off_forms(client):
    text = client.get("/robots.txt").get_data(as_text=True)
    assert "Sitemap: http://localhost/sitemap.xml" in text
    assert "Disallow: /api/" in text and "Disallow: /showcase/submit" in text
