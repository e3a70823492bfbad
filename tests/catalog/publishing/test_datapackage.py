"""Frictionless Data Packages of open datasets: built from the ingested tables and their
data dictionary, validated by the real ``frictionless`` against a real server."""

from __future__ import annotations

import copy
import csv
import io

import pytest
import requests
from frictionless import Package, validate

from tests import factories
from tests.helpers import result
from tests.ingest.conftest import fixture

CSV = "団体コード,市町村,人口,面積,調査日\n401307,福岡市,1612392,343.47,2020-10-01\n" \
      "401005,北九州市,939029,491.69,2020-10-01\n".encode()


def read(name: str) -> bytes:
    with open(fixture(name), "rb") as handle:
        return handle.read()


@pytest.fixture
def site(app):
    tokei = factories.make_org("tokei", "統計調査課")
    editor = factories.make_user("tanaka", orgs={tokei: "editor"})
    dataset = factories.make_dataset(
        tokei, name="jinko", title="市町村別人口", notes="市町村ごとの**人口**。",
        tags=["人口"], license_id="CC-BY-4.0", files={"jinko.csv": CSV})
    factories.make_dataset(tokei, name="himitsu", title="非公開", access_level="restricted",
                           files={"himitsu.csv": CSV})
    factories.make_dataset(tokei, name="pdf-only", title="報告書",
                           files={"report.pdf": b"%PDF-1.4\n%%EOF\n"})
    return {"dataset": dataset, "rid": dataset.resources[0].id,
            "editor": factories.make_token(editor),
            "admin": factories.make_token(factories.make_user("root", sysadmin=True))}


def test_package_describes_the_tables_with_their_schema_and_licence(client, site):
    rid = site["rid"]
    result(client, "datastore_dictionary_update", site["editor"], resource_id=rid,
           fields=[{"id": "人口", "info": {"label": "総人口", "notes": "国勢調査", "unit": "人"}}])
    response = client.get("/dataset/jinko/datapackage.json")
    assert response.status_code == 200 and response.mimetype == "application/json"
    package = response.get_json()
    assert package["name"] == "jinko" and package["title"] == "市町村別人口"
    assert package["description"] == "市町村ごとの人口。"  # Markdown made plain
    assert package["homepage"] == "http://localhost/dataset/jinko"
    assert package["licenses"][0]["name"] == "CC-BY-4.0"
    assert package["licenses"][0]["path"].startswith("https://creativecommons.org/")
    [resource] = package["resources"]
    assert resource["path"] == f"http://localhost/datastore/dump/{rid}?format=csv"
    assert (resource["format"], resource["encoding"]) == ("csv", "utf-8")
    fields = {field["name"]: field for field in resource["schema"]["fields"]}
    assert list(fields) == ["_id", "団体コード", "市町村", "人口", "面積", "調査日"]
    assert [fields[n]["type"] for n in fields] == ["integer", "string", "string", "integer",
                                                   "number", "date"]
    assert fields["人口"]["title"] == "総人口"
    assert fields["人口"]["description"] == "国勢調査（単位：人）"
    assert "format" not in fields["団体コード"]  # our "code" format is not a Frictionless one
    assert resource["schema"]["primaryKey"] == ["_id"]


def test_only_open_datasets_with_tables_have_a_package(client, site):
    staff = {"Authorization": site["admin"]}
    for name in ("himitsu", "pdf-only", "missing"):
        assert client.get(f"/dataset/{name}/datapackage.json").status_code == 404
        assert client.get(f"/dataset/{name}/datapackage.json", headers=staff).status_code == 404
    assert client.get(f"/dataset/{site['dataset'].id}/datapackage.json").status_code == 200


def test_closed_resources_of_an_open_dataset_are_left_out(client, site):
    staff = {"Authorization": site["admin"]}
    response = client.post("/api/3/action/resource_create", headers=staff,
                           data={"package_id": "jinko", "name": "個票", "access_level": "restricted",
                                 "upload": (io.BytesIO("個票\nkohyou-marker\n".encode()), "k.csv")},
                           content_type="multipart/form-data")
    assert response.status_code == 200
    secret_id = response.get_json()["result"]["id"]
    text = client.get("/dataset/jinko/datapackage.json", headers=staff).get_data(as_text=True)
    assert secret_id not in text and "個票" not in text
    assert "datapackage.json" in client.get("/dataset/jinko").get_data(as_text=True)


def test_messy_real_files_validate_with_frictionless(app, live_server):
    """Symbols, 和暦, times, Excel dates, many sheets, Shift_JIS: every table's CSV must
    match its schema when the real frictionless reads it over HTTP."""
    organization = factories.make_org("tokei", "統計調査課")
    files = {name: read(name) for name in (
        "jinko-dotai-h29_cp932.csv", "wareki-and-time-codes.csv", "excel-dates.xlsx",
        "numbers-with-units.csv", "fukuoka-city-subway-stations_cp932.csv",
        "takamatsu-hospitals.csv", "jnto-visitor-arrivals-merged-cells.xlsx")}
    factories.make_dataset(organization, name="messy", title="実データ", files=files,
                           license_id="CC-BY-4.0")
    url = f"{live_server}/dataset/messy/datapackage.json"
    package = requests.get(url, timeout=30).json()
    assert len(package["resources"]) > len(files)  # the workbook's sheets are tables too
    types = {field["type"] for r in package["resources"] for field in r["schema"]["fields"]}
    assert {"integer", "number", "string", "date"} <= types
    report = validate(url)
    errors = [error.message for task in report.tasks for error in task.errors] + \
             [error.message for error in report.errors]
    assert report.valid, errors[:5]
    rows = Package(url).resources[0].read_rows()
    assert rows and rows[0]["_id"] == 1


def test_frictionless_does_catch_a_schema_that_does_not_fit(app, live_server):
    """Guards the test above: the validator reads the data, not only the descriptor."""
    organization = factories.make_org("tokei", "統計調査課")
    factories.make_dataset(organization, name="jinko", files={"jinko.csv": CSV})
    descriptor = requests.get(f"{live_server}/dataset/jinko/datapackage.json", timeout=10).json()
    broken = copy.deepcopy(descriptor)
    for field in broken["resources"][0]["schema"]["fields"]:
        if field["name"] == "市町村":
            field["type"] = "integer"
    assert validate(descriptor).valid
    report = validate(broken)
    assert not report.valid
    assert {error.type for error in report.tasks[0].errors} == {"type-error"}
    text = requests.get(descriptor["resources"][0]["path"], timeout=10).text
    assert list(csv.reader(io.StringIO(text)))[1][:3] == ["1", "401307", "福岡市"]


def test_the_frictionless_example_on_the_page_really_works(app, live_server):
    """The copied frictionless snippet of the dataset page runs and prints the rows."""
    import html
    import subprocess
    import sys

    organization = factories.make_org("tokei", "統計調査課")
    factories.make_dataset(organization, name="jinko", files={"jinko.csv": CSV})
    page = requests.get(f"{live_server}/dataset/jinko", timeout=10).text
    code = page.split('aria-labelledby="frictionless-label">', 1)[1].split("</textarea>", 1)[0]
    completed = subprocess.run([sys.executable, "-c", html.unescape(code)], capture_output=True,
                               text=True, timeout=120)
    assert completed.returncode == 0, completed.stderr
    assert "jinko.csv" in completed.stdout and "'福岡市'" in completed.stdout
