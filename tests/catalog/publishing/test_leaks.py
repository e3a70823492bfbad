"""No closed dataset appears in any public page, feed, sitemap, RDF output or use-case API.

Closed datasets carry unique marker strings in title, notes, tags, resource names and file
content. The test crawls the whole public site as an anonymous visitor, following every
link from the home page, and fetches every machine-readable output; no marker may appear.
(The access branch builds a leak-matrix registry in tests/access_control/test_leak_matrix.py;
these paths should be registered there once both are in main.)
"""

from __future__ import annotations

import re
from urllib.parse import urljoin, urlparse

import pytest

from tests import factories
from tests.catalog.showcase.conftest import make_showcase_admin
from tests.helpers import result

BROWSER = {"User-Agent": "Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0"}
MARKERS = ("ZQXINTERNAL", "ZQXRESTRICTED", "ZQXCLOSEDLATER")
MACHINE_READABLE = ("/catalog.ttl", "/catalog.rdf", "/catalog.jsonld", "/catalog.ttl?page=2",
                    "/sitemap.xml", "/feeds/dataset.atom", "/feeds/dataset.atom?lang=en",
                    "/robots.txt", "/dataset/jinko/datapackage.json")
CRAWL_LIMIT = 150
# Names carry no marker: a 404 page may echo the address that was asked for.
CLOSED_NAMES = ("closed-internal", "closed-restricted", "closed-later")


def closed_dataset(organization, marker: str, level: str):
    return factories.make_dataset(
        organization, name=f"closed-{level}", title=f"{marker} 題名", notes=f"{marker} 説明",
        tags=[f"{marker}tag"], access_level=level, license_id="CC-BY-4.0",
        files={f"{marker.lower()}.csv": f"列\n{marker}内容\n".encode()})


@pytest.fixture
def leaky_catalog(app):
    tokei = factories.make_org("tokei", "統計調査課")
    factories.make_group("jinko", "人口・世帯")
    opened = factories.make_dataset(tokei, name="jinko", title="市町村別人口",
                                    groups=[{"name": "jinko"}], tags=["人口"],
                                    files={"jinko.csv": "市町村,人口\n福岡市,1612392\n".encode()})
    closed_dataset(tokei, "ZQXINTERNAL", "internal")
    closed_dataset(tokei, "ZQXRESTRICTED", "restricted")
    later = factories.make_dataset(tokei, name="closed-later", title="ZQXCLOSEDLATER 題名",
                                   groups=[{"name": "jinko"}], tags=["ZQXCLOSEDLATERtag"])
    client = app.test_client()
    curator = factories.make_token(make_showcase_admin())
    sysadmin = factories.make_token(factories.make_user("root", sysadmin=True))
    showcase = result(client, "ckanext_showcase_create", curator, title="人口アプリ",
                      datasets=[opened.name, later.name], featured=True)
    # The linked dataset closes after it was linked; staff keep reading closed datasets.
    result(client, "package_patch", sysadmin, id=later.name, access_level="internal")
    for name in CLOSED_NAMES:
        for _ in range(5):
            client.get(f"/dataset/{name}", headers={"Authorization": sysadmin, **BROWSER})
    client.get("/dataset/jinko", headers=BROWSER)
    return {"showcase": showcase, "sysadmin": sysadmin}


def assert_no_marker(where: str, body: str) -> None:
    found = [marker for marker in MARKERS if marker.lower() in body.lower()]
    assert not found, f"{where} shows {found}"


def crawl(client, start: str = "/") -> set[str]:
    """Every same-site page reachable from ``start`` as an anonymous visitor."""
    seen, queue = set(), [start]
    while queue and len(seen) < CRAWL_LIMIT:
        path = queue.pop(0)  # breadth first: the pages one click away come first
        if path in seen:
            continue
        seen.add(path)
        with client.get(path, headers=BROWSER) as response:
            data = response.get_data()
        textual = response.mimetype.startswith("text") or "json" in response.mimetype \
            or "xml" in response.mimetype
        body = data.decode("utf-8", "replace") if textual else ""
        assert_no_marker(path, body + response.headers.get("Location", ""))
        if response.mimetype != "text/html":
            continue
        for href in re.findall(r'(?:href|src|action)="([^"#]+)"', body):
            url = urlparse(urljoin("http://localhost" + path, href.replace("&amp;", "&")))
            # Combinations of search filters would never end; one filter at a time is enough.
            if url.netloc == "localhost" and "lang=" not in url.query \
                    and url.query.count("&") < 1:
                queue.append(url.path + (f"?{url.query}" if url.query else ""))
    return seen


def test_the_public_site_shows_no_closed_dataset(client, leaky_catalog):
    seen = crawl(client)
    # The crawl did reach what matters (and so the test can fail).
    for path in ("/dataset/jinko", "/showcase", f"/showcase/{leaky_catalog['showcase']['name']}",
                 "/organization/tokei", "/group/jinko", "/about", "/api-guide"):
        assert path in seen, path
    assert any("/download/jinko.csv" in path for path in seen)
    assert len(seen) > 30


@pytest.mark.parametrize("path", MACHINE_READABLE)
def test_machine_readable_outputs_show_no_closed_dataset(client, leaky_catalog, path):
    for headers in (BROWSER, {"Authorization": leaky_catalog["sysadmin"], **BROWSER}):
        response = client.get(path, headers=headers)
        assert response.status_code == 200
        assert_no_marker(path, response.get_data(as_text=True))


@pytest.mark.parametrize("name", CLOSED_NAMES)
def test_closed_datasets_have_no_public_rdf_or_page(client, leaky_catalog, name):
    for path in (f"/dataset/{name}", f"/dataset/{name}.ttl", f"/dataset/{name}.jsonld",
                 f"/dataset/{name}/datapackage.json", f"/showcase/submit?dataset={name}"):
        response = client.get(path, headers=BROWSER)
        assert response.status_code == (200 if "submit" in path else 404)
        assert_no_marker(path, response.get_data(as_text=True))


def test_use_case_and_ranking_apis_show_no_closed_dataset(client, leaky_catalog):
    showcase = leaky_catalog["showcase"]
    for action, params in (("ckanext_showcase_list", {}), ("showcase_search", {}),
                           ("ckanext_showcase_show", {"id": showcase["id"]}),
                           ("ckanext_showcase_package_list", {"showcase_id": showcase["id"]}),
                           ("ckanext_package_showcase_list", {"package_id": "jinko"}),
                           ("ckanext_package_showcase_list", {"package_id": "closed-internal"}),
                           ("popular_package_list", {"limit": 100})):
        response = client.get(f"/api/3/action/{action}", query_string=params)
        assert_no_marker(action, response.get_data(as_text=True))
    shown = result(client, "ckanext_showcase_show", id=showcase["id"])
    assert shown["num_datasets"] == 1  # the closed one is not even counted
