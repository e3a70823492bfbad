"""Columns named as written in the source file: ingest stores headers NFKC-normalised
(健全（I） as 健全(I)), and a caller may use either spelling. Through the real HTTP API."""

from __future__ import annotations

import json

import pytest

from tests.factories import make_dataset
from tests.helpers import call, result

BRIDGES = (
    "橋梁名,健全（I）,予防保全（II）,点検日\n"
    "博多橋,3,1,2023-04-01\n"
    "天神橋,5,0,2023-05-01\n"
    "姪浜橋,1,2,2023-06-01\n"
    "香椎橋,5,2,2023-07-01\n"
).encode()


@pytest.fixture
def bridges(site):
    dataset = make_dataset(site["organization"], name="kyouryou", files={"bridges.csv": BRIDGES})
    return dataset.resources[0].id


def search(client, **data):
    return result(client, "datastore_search", _method="GET",
                  **{k: json.dumps(v, ensure_ascii=False) if isinstance(v, (dict, list)) else v
                     for k, v in data.items()})


def test_the_stored_names_are_nfkc(client, bridges):
    found = search(client, resource_id=bridges, limit=1)
    assert [f["id"] for f in found["fields"]] == ["_id", "橋梁名", "健全(I)", "予防保全(II)", "点検日"]


def test_filters_fields_and_sort_take_the_name_as_written_in_the_file(client, bridges):
    found = search(client, resource_id=bridges, filters={"健全（I）": 5},
                   fields="橋梁名,予防保全（II）", sort="予防保全（II） desc")
    assert found["records"] == [{"橋梁名": "香椎橋", "予防保全(II)": 2},
                                {"橋梁名": "天神橋", "予防保全(II)": 0}]
    assert [f["id"] for f in found["fields"]] == ["橋梁名", "予防保全(II)"]
    assert found["total"] == 2
    ranged = search(client, resource_id=bridges, filters={"健全（I）": {"lt": 4}},
                    fields=["橋梁名"], sort=["健全（I）"])
    assert [r["橋梁名"] for r in ranged["records"]] == ["姪浜橋", "博多橋"]


def test_q_per_column_and_distinct_take_it_too(client, bridges):
    assert search(client, resource_id=bridges, q={"予防保全（II）": "2"},
                  fields="橋梁名")["records"] == [{"橋梁名": "姪浜橋"}, {"橋梁名": "香椎橋"}]
    found = search(client, resource_id=bridges, fields="健全（I）", distinct="true",
                   sort="健全（I） desc")
    assert found["records"] == [{"健全(I)": 5}, {"健全(I)": 3}, {"健全(I)": 1}]
    assert found["total"] == 3


def test_both_spellings_of_one_column_are_two_conditions(client, bridges):
    found = search(client, resource_id=bridges, filters={"健全（I）": 5, "健全(I)": {"gt": 4}},
                   fields="橋梁名")
    assert found["records"] == [{"橋梁名": "天神橋"}, {"橋梁名": "香椎橋"}]


def test_a_name_nfkc_does_not_find_is_still_refused(client, bridges):
    status, body = call(client, "datastore_search", _method="GET", resource_id=bridges,
                        filters=json.dumps({"健全（Ｉ）X": 1}))
    assert status == 409 and body["error"]["query"] == ["列「健全（Ｉ）X」はありません。"]
    status, body = call(client, "datastore_search", _method="GET", resource_id=bridges,
                        sort="予防保全(III)")
    assert status == 409 and body["error"]["query"] == ["並べ替えの列「予防保全(III)」はありません。"]


def test_an_exact_name_wins_and_an_ambiguous_one_is_refused(client, site):
    token = site["editor"]
    created = result(client, "datastore_create", token,
                     resource={"package_id": "chiiki", "name": "幅の違う列名"},
                     fields=[{"id": "Ａ", "type": "int"}, {"id": "A", "type": "int"}],
                     records=[{"Ａ": 1, "A": 2}, {"Ａ": 3, "A": 4}])
    rid = created["resource_id"]
    assert search(client, resource_id=rid, filters={"Ａ": 3}, fields="A")["records"] == [{"A": 4}]
    assert search(client, resource_id=rid, filters={"A": 2}, fields="Ａ")["records"] == [{"Ａ": 1}]
    # 𝐀 (mathematical bold) is A after NFKC, as are both columns: no guessing.
    status, body = call(client, "datastore_search", _method="GET", resource_id=rid, fields="𝐀")
    assert status == 409 and "𝐀" in body["error"]["query"][0]
    assert "Ａ, A" in body["error"]["query"][0]


def test_the_data_dictionary_takes_the_name_as_written_in_the_file(client, site, bridges):
    updated = result(client, "datastore_dictionary_update", site["editor"], resource_id=bridges,
                     fields=[{"id": "健全（I）", "info": {"label": "健全度I", "unit": "橋"}}])
    (field,) = [f for f in updated["fields"] if f["id"] == "健全(I)"]
    assert (field["info"]["label"], field["info"]["unit"]) == ("健全度I", "橋")


def test_the_dump_filters_by_the_name_as_written_in_the_file(client, bridges):
    dumped = client.get(f"/datastore/dump/{bridges}", query_string={
        "filters": json.dumps({"健全（I）": 5}, ensure_ascii=False), "q": json.dumps({"橋梁名": "香椎"},
                                                                             ensure_ascii=False)})
    assert dumped.status_code == 200
    assert dumped.get_data(as_text=True).splitlines() == [
        '"_id","橋梁名","健全(I)","予防保全(II)","点検日"', '4,"香椎橋",5,2,2023-07-01']
