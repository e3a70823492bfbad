"""schema.org Dataset JSON-LD embedded in dataset pages, for open datasets only."""

from __future__ import annotations

import json
import re

from tests import factories


def embedded_jsonld(page: str) -> list[dict]:
    return [json.loads(block) for block in
            re.findall(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)]


def test_open_dataset_page_embeds_a_schema_org_dataset(client, catalog):
    page = client.get("/dataset/jinko").get_data(as_text=True)
    [data] = embedded_jsonld(page)
    assert data["@type"] == "Dataset" and data["name"] == "市町村別人口"
    assert data["url"] == "http://localhost/dataset/jinko"
    assert data["license"] == "https://creativecommons.org/licenses/by/4.0/deed.ja"
    assert data["temporalCoverage"] == "2020-01-01/2024-12-31"
    assert data["creator"]["name"] == "福岡県 統計調査課"
    formats = {item["encodingFormat"] for item in data["distribution"]}
    assert "text/csv" in formats
    assert data["description"].startswith("概要 市町村ごとの人口")  # Markdown made plain


def test_no_jsonld_for_closed_datasets_or_closed_resources(client, catalog):
    sysadmin = factories.make_token(factories.make_user("root", sysadmin=True))
    staff = {"Authorization": sysadmin}
    assert embedded_jsonld(client.get("/dataset/himitsu", headers=staff).get_data(as_text=True)) == []
    client.post("/api/3/action/resource_create", headers=staff,
                json={"package_id": "jinko", "name": "個票", "url": "https://example.jp/k.csv",
                      "access_level": "internal"})
    page = client.get("/dataset/jinko", headers=staff).get_data(as_text=True)
    assert "個票" in page  # staff see the resource on the page...
    [data] = embedded_jsonld(page)
    assert "個票" not in json.dumps(data, ensure_ascii=False)  # ...but not in public metadata


def test_jsonld_cannot_break_out_of_its_script(client, app):
    organization = factories.make_org()
    factories.make_dataset(organization, name="evil", title="</script><script>alert(1)</script>")
    page = client.get("/dataset/evil").get_data(as_text=True)
    assert "</script><script>alert(1)" not in page
    assert embedded_jsonld(page)[0]["name"] == "</script><script>alert(1)</script>"
