"""The dump route with the patch: column names as in the file, and XLSX refused whole."""

from __future__ import annotations

import io
import json

import openpyxl

from tests.catalog.datastore.test_column_names import BRIDGES  # noqa: F401 - the fixture's data
from tests.catalog.datastore.test_column_names import bridges  # noqa: F401 - fixture
from tests.factories import make_dataset


def test_the_dump_takes_fields_and_sort_as_written_in_the_file(client, bridges):  # noqa: F811
    dumped = client.get(f"/datastore/dump/{bridges}", query_string={
        "fields": "橋梁名,健全（I）", "sort": "健全（I） desc, 橋梁名",
        "filters": json.dumps({"予防保全（II）": [0, 2]}, ensure_ascii=False)})
    assert dumped.status_code == 200
    assert dumped.get_data(as_text=True).splitlines() == [
        '"橋梁名","健全(I)"', '"天神橋",5', '"香椎橋",5', '"姪浜橋",1']
    missing = client.get(f"/datastore/dump/{bridges}", query_string={"fields": "健全(III)"})
    assert missing.status_code == 400 and missing.get_data(as_text=True) == "列「健全(III)」はありません。"


def test_an_xlsx_dump_with_a_cell_too_long_is_refused_up_front(client, site):
    text = "あ" * 40000
    dataset = make_dataset(site["organization"], name="nagai",
                           files={"long.csv": f"名称,本文\n短い,ふつう\n長い,{text}\n".encode()})
    rid = dataset.resources[0].id
    refused = client.get(f"/datastore/dump/{rid}?format=xlsx")
    assert refused.status_code == 400 and refused.mimetype == "text/plain"
    message = refused.get_data(as_text=True)
    assert "本文" in message and "40,000" in message and "32,767" in message and "CSV" in message
    assert client.get(f"/datastore/dump/{rid}?format=csv").get_data(as_text=True).count("あ") == 40000
    # Someone who clicked the Excel button gets a page of the site, with the formats that work.
    page = client.get(f"/datastore/dump/{rid}?format=xlsx",
                      headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"})
    assert page.status_code == 400 and page.mimetype == "text/html"
    html = page.get_data(as_text=True)
    assert "32,767" in html and f'href="/datastore/dump/{rid}?format=csv"' in html
    assert f"/resource/{rid}" in html
    fits = client.get(f"/datastore/dump/{rid}", query_string={
        "format": "xlsx", "filters": json.dumps({"名称": "短い"}, ensure_ascii=False)})
    assert fits.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(fits.get_data()))
    assert [[c.value for c in row] for row in book.active.iter_rows()] == [
        ["_id", "名称", "本文"], [1, "短い", "ふつう"]]


def test_an_xlsx_dump_asking_more_rows_than_a_sheet_is_judged_by_its_rows(client, site):
    rid = site["population"]
    dumped = client.get(f"/datastore/dump/{rid}?format=xlsx&limit=2000000")
    assert dumped.status_code == 200  # six rows: the limit asked for is no row
    book = openpyxl.load_workbook(io.BytesIO(dumped.get_data()))
    assert book.active.max_row == 7
