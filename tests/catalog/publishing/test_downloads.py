"""Every ingested table downloadable as CSV (UTF-8, optional BOM), JSON, Parquet, XLSX, and
GeoJSON when it has coordinates; per-format buttons on the dataset page; the same
downloads as DCAT-AP distributions. Real files from tests/fixtures/real."""

from __future__ import annotations

import csv
import io
import json
import re

import duckdb
import openpyxl
import pytest

from tests import factories
from tests.helpers import result
from tests.ingest.conftest import fixture

SUBWAY = "fukuoka-city-subway-stations_cp932.csv"
HOSPITALS = "takamatsu-hospitals.csv"


def read(name: str) -> bytes:
    with open(fixture(name), "rb") as handle:
        return handle.read()


def subway_rows() -> list[list[str]]:
    return list(csv.reader(io.StringIO(read(SUBWAY).decode("cp932"))))


@pytest.fixture
def site(app):
    organization = factories.make_org("kotsu", "交通局")
    stations = factories.make_dataset(organization, name="eki", title="地下鉄駅",
                                      license_id="CC-BY-4.0", files={"eki.csv": read(SUBWAY)})
    hospitals = factories.make_dataset(organization, name="byouin", title="病院",
                                       files={"hospitals.csv": read(HOSPITALS)})
    units = factories.make_dataset(organization, name="tani", title="単位つきの数",
                                   files={"units.csv": read("numbers-with-units.csv")})
    return {"stations": stations.resources[0].id, "hospitals": hospitals.resources[0].id,
            "units": units.resources[0].id}


class Body:
    """A downloaded body, read at once."""

    def __init__(self, data: bytes):
        self.data = data

    def get_data(self, as_text=False):
        return self.data.decode() if as_text else self.data


def geojson(client, rid: str) -> dict:
    response = client.get(f"/datastore/dump/{rid}?format=geojson")
    assert response.status_code == 200 and response.mimetype == "application/geo+json"
    return json.loads(response.data)


def test_stations_as_geojson_points(client, site):
    rows = subway_rows()
    header, body = rows[0], rows[1:]
    collection = geojson(client, site["stations"])
    assert collection["type"] == "FeatureCollection" and collection["skipped_rows"] == 0
    assert len(collection["features"]) == len(body)
    first = collection["features"][0]
    latitude, longitude = float(body[0][header.index("緯度")]), float(body[0][header.index("経度")])
    assert first["geometry"] == {"type": "Point", "coordinates": [longitude, latitude]}
    assert first["id"] == 1
    assert first["properties"]["名称"] == body[0][header.index("名称")].strip()
    assert "緯度" not in first["properties"] and "経度" not in first["properties"]
    assert set(first["properties"]) == set(header) - {"緯度", "経度"}


def test_english_latitude_longitude_headers(client, site):
    """The real list has a hospital without coordinates: it is skipped and counted."""
    rows = list(csv.reader(io.StringIO(read(HOSPITALS).decode("utf-8-sig"))))
    body = rows[1:]
    without = [row for row in body if not row[1] or not row[2]]
    assert len(without) == 1
    collection = geojson(client, site["hospitals"])
    assert collection["skipped_rows"] == len(without)
    assert len(collection["features"]) == len(body) - len(without)
    point = collection["features"][0]["geometry"]["coordinates"]
    assert point == [float(body[0][2]), float(body[0][1])]  # longitude first


def test_rows_without_valid_coordinates_are_skipped_and_counted(app, client):
    """The real file plus three rows whose coordinates are missing, text, or impossible."""
    text = read(SUBWAY).decode("cp932").rstrip("\r\n") + (
        "\r\n座標なし駅,810-0001,福岡市,,,http://example.jp/"
        "\r\n文字の駅,810-0001,福岡市,北緯33度,東経130度,http://example.jp/"
        "\r\n範囲外の駅,810-0001,福岡市,133.5,130.4,http://example.jp/\r\n")
    organization = factories.make_org("kotsu", "交通局")
    dataset = factories.make_dataset(organization, name="eki2",
                                     files={"eki.csv": text.encode("cp932")})
    collection = geojson(client, dataset.resources[0].id)
    assert collection["skipped_rows"] == 3
    names = [feature["properties"]["名称"] for feature in collection["features"]]
    assert len(names) == len(subway_rows()) - 1
    assert not {"座標なし駅", "文字の駅", "範囲外の駅"} & set(names)


def test_geojson_is_refused_for_tables_without_coordinates(client, site):
    response = client.get(f"/datastore/dump/{site['units']}?format=geojson")
    assert response.status_code == 400
    assert "緯度・経度の列がない" in response.get_data(as_text=True)


def test_geojson_properties_follow_fields_and_filters(client, site):
    rid = site["stations"]
    response = client.get(f"/datastore/dump/{rid}?format=geojson&fields=名称&q=博多")
    features = json.loads(response.data)["features"]
    assert features and all(set(f["properties"]) == {"名称"} for f in features)
    matching = [row for row in subway_rows()[1:] if any("博多" in cell for cell in row)]
    assert len(features) == len(matching)  # q searched every column, fields kept one


def test_dataset_page_buttons_download_every_format(client, site, tmp_path):
    page = client.get("/dataset/eki").get_data(as_text=True)
    links = dict(re.findall(r'<a class="button secondary" href="([^"]+)" download>([^<]+)<', page))
    by_label = {label.strip(): href.replace("&amp;", "&") for href, label in links.items()}
    assert set(by_label) == {"CSV", "CSV（Excel向け）", "JSON", "Parquet", "XLSX", "GeoJSON"}
    rows = subway_rows()
    responses = {}
    for label, href in by_label.items():  # each streamed body read before the next request
        response = client.get(href)
        assert response.status_code == 200, label
        responses[label] = Body(response.get_data())
    text = responses["CSV"].get_data(as_text=True)
    assert not text.startswith("\ufeff")
    dumped = list(csv.reader(io.StringIO(text)))
    assert dumped[0] == ["_id"] + rows[0] and len(dumped) == len(rows)
    assert responses["CSV（Excel向け）"].get_data(as_text=True) == "\ufeff" + text
    records = json.loads(responses["JSON"].data)["records"]
    assert len(records) == len(rows) - 1
    book = openpyxl.load_workbook(io.BytesIO(responses["XLSX"].data))
    assert list(book.active.values)[0] == ("_id", *rows[0])
    parquet = tmp_path / "eki.parquet"
    parquet.write_bytes(responses["Parquet"].data)
    with duckdb.connect() as con:
        assert con.execute("SELECT count(*) FROM read_parquet(?)",
                           [str(parquet)]).fetchone()[0] == len(rows) - 1
    assert len(json.loads(responses["GeoJSON"].data)["features"]) == len(rows) - 1
    # No coordinates, no GeoJSON button.
    assert ">GeoJSON<" not in client.get("/dataset/tani").get_data(as_text=True)


def test_each_sheet_of_a_workbook_has_its_own_buttons(client, app):
    organization = factories.make_org("kanko", "観光局")
    dataset = factories.make_dataset(
        organization, name="jnto", files={"visitors.xlsx": read("jnto-visitor-arrivals-merged-cells.xlsx")})
    rid = dataset.resources[0].id
    tables = result(client, "datastore_info", _method="GET", id=rid)
    page = client.get("/dataset/jnto").get_data(as_text=True)
    sheets = re.findall(r'href="(/datastore/dump/[^"]+format=csv&amp;table=[^"]+)" download>CSV <small>', page)
    assert len(sheets) >= 2  # one CSV button per sheet after the first
    second = client.get(sheets[0].replace("&amp;", "&"))
    assert second.status_code == 200
    second = second.get_data()
    first = client.get(f"/datastore/dump/{rid}?format=csv").get_data()
    assert second != first
    assert tables["meta"]["count"] > 0


def test_downloads_are_dcat_distributions(client, site):
    from rdflib import Graph, URIRef
    from rdflib.namespace import DCAT, DCTERMS

    graph = Graph().parse(data=client.get("/dataset/eki.ttl").data, format="turtle")
    dataset = next(graph.subjects(DCAT.landingPage, URIRef("http://localhost/dataset/eki")))
    urls = {str(graph.value(d, DCAT.downloadURL)): graph.value(d, DCTERMS.format)
            for d in graph.objects(dataset, DCAT.distribution)}
    dump = f"http://localhost/datastore/dump/{site['stations']}?format="
    authority = "http://publications.europa.eu/resource/authority/file-type/"
    for dump_format, code in (("csv", "CSV"), ("json", "JSON"), ("parquet", "PARQUET"),
                              ("xlsx", "XLSX"), ("geojson", "GEOJSON")):
        assert urls[dump + dump_format] == URIRef(authority + code)
    package = "http://localhost/dataset/eki/datapackage.json"
    assert urls[package] == URIRef(authority + "JSON")
    node = next(d for d in graph.objects(dataset, DCAT.distribution)
                if str(graph.value(d, DCAT.downloadURL)) == package)
    assert graph.value(node, DCTERMS.conformsTo) == URIRef(
        "https://datapackage.org/standard/data-package/")


def test_table_downloads_count_in_the_access_ranking(client, site):
    browser = {"User-Agent": "Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0"}
    for dump_format in ("csv", "geojson"):
        client.get(f"/datastore/dump/{site['stations']}?format={dump_format}", headers=browser)
    [ranked] = [d for d in result(client, "popular_package_list", _method="GET")
                if d["name"] == "eki"]
    assert ranked["downloads"] == 2
