"""The dcat harvester: Turtle, RDF/XML, JSON-LD and DCAT-US documents written for this
project, served from a local HTTP server; Hydra paging followed."""

from __future__ import annotations

from tests import factories
from tests.harvesters.conftest import FIXTURES, catalog_state, datasets_by_title, harvest, make_source


def _serve(server, name: str, content_type: str) -> str:
    return server.serve(f"/{name}", (FIXTURES / name).read_bytes(), content_type)


def _source(app, url: str, **config) -> str:
    org = factories.make_org()
    return make_source(app, url=url, source_type="dcat", owner_org=org.id,
                       default_access_level="open", config={"retries": 0, **config})


def test_turtle_catalog_with_hydra_paging(app, file_server):
    url = _serve(file_server, "catalog.ttl", "text/turtle")
    _serve(file_server, "catalog-page2.ttl", "text/turtle")
    source = _source(app, url)
    job = harvest(app, source)
    assert job["status"] == "Finished", job["reason"]
    assert job["stats"] == {"added": 3}
    datasets = datasets_by_title(app)
    shelters = datasets["指定避難所一覧"]  # the Japanese title is preferred
    assert shelters["notes"] == "市内の指定避難所の名称、所在地、収容人数。"
    assert {t["name"] for t in shelters["tags"]} == {"防災", "避難所"}
    assert shelters["license_id"] == "CC-BY-4.0" and shelters["frequency"] == "annual"
    assert shelters["maintainer"] == "危機管理課"
    assert shelters["maintainer_email"] == "kiki@example.jp"
    assert shelters["author"] == "北九州市危機管理課"
    assert (shelters["temporal_start"], shelters["temporal_end"]) == ("2024-04-01", "2025-03-31")
    assert shelters["url"] == "https://example.jp/dataset/shelters.html"
    resource = shelters["resources"][0]
    assert (resource["url"], resource["format"], resource["size"]) == (
        "https://example.jp/files/shelters.csv", "CSV", 2048)
    assert datasets["公衆無線LANアクセスポイント"]["access_level"] == "open"
    assert datasets["職員向け内部資料"]["access_level"] == "restricted"
    before = catalog_state(app)
    assert harvest(app, source)["stats"] == {"unchanged": 3}
    assert catalog_state(app) == before


def test_rdf_xml_and_json_ld(app, file_server):
    rdf = _source(app, _serve(file_server, "catalog.rdf", "application/rdf+xml"))
    assert harvest(app, rdf)["stats"] == {"added": 1}
    parks = datasets_by_title(app)["都市公園一覧"]
    assert parks["license_id"] == "CC-BY-4.0" and parks["resources"][0]["format"] == "CSV"
    jsonld = _source(app, _serve(file_server, "catalog.jsonld", "application/ld+json"))
    assert harvest(app, jsonld)["stats"] == {"added": 1}
    bus = datasets_by_title(app)["バス停留所"]
    assert {t["name"] for t in bus["tags"]} == {"交通", "バス"}
    assert bus["resources"][0]["url"] == "https://example.jp/files/bus.zip"


def test_dcat_us_data_json(app, file_server):
    source = _source(app, _serve(file_server, "data.json", "application/json"))
    assert harvest(app, source)["stats"] == {"added": 2}
    datasets = datasets_by_title(app)
    kanko = datasets["観光入込客数"]
    assert kanko["access_level"] == "open" and kanko["frequency"] == "annual"
    assert kanko["maintainer_email"] == "kanko@example.jp"
    assert kanko["temporal_start"] == "2020-01-01"
    assert datasets["補助金交付先（個人を含む）"]["access_level"] == "restricted"


def test_a_remote_change_and_a_removal(app, file_server):
    turtle = (FIXTURES / "catalog.ttl").read_text()
    file_server.serve("/c.ttl", turtle.replace("hydra:next <catalog-page2.ttl>", "hydra:next <p2.ttl>"),
                      "text/turtle")
    file_server.serve("/p2.ttl", (FIXTURES / "catalog-page2.ttl").read_bytes(), "text/turtle")
    source = _source(app, file_server.url + "/c.ttl")
    assert harvest(app, source)["stats"] == {"added": 3}
    page2 = (FIXTURES / "catalog-page2.ttl").read_text()
    without_internal = page2.split("<https://example.jp/dataset/staff-only>")[0]
    file_server.serve("/p2.ttl", without_internal.replace("公共施設の無料Wi-Fi。", "無料Wi-Fi（更新）"),
                      "text/turtle")
    job = harvest(app, source)
    assert job["stats"] == {"updated": 1, "unchanged": 1, "deleted": 1}
    assert datasets_by_title(app)["職員向け内部資料"]["state"] == "deleted"


def test_garbage_is_a_failed_job_with_the_reason(app, file_server):
    url = file_server.serve("/broken.ttl", "@prefix dcat: <http://www.w3.org/ns/dcat#> .\nthis is not turtle",
                            "text/turtle")
    job = harvest(app, _source(app, url))
    assert job["status"] == "Failed" and "Turtle" in job["reason"]
    assert catalog_state(app) == {}
