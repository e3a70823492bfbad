"""Resource pages: preview, column statistics and charts, the machine-readability report,
the ingest job, the data dictionary form, dumps and the cleaned CSV."""

from __future__ import annotations

import csv
import io
import json

import duckdb
import openpyxl
import pytest

from tests.factories import make_dataset, make_org, make_token, make_user
from tests.helpers import post_form, sign_in
from tests.ingest.conftest import fixture

CSV = ("市区町村名,人口,備考\n福岡市,\"1,612,392\",=1+1\n北九州市,939029,@SUM(A1)\n"
       "久留米市,303316,\n").encode("cp932")


@pytest.fixture
def site(app):
    organization = make_org("tokei", "統計調査課")
    editor = make_token(make_user("tanaka", orgs={organization: "editor"}))
    dataset = make_dataset(organization, name="jinkou", title="市区町村別人口",
                           files={"jinko.csv": CSV})
    with open(fixture("numbers-with-units.csv"), "rb") as handle:
        units = make_dataset(organization, name="tani", files={"units.csv": handle.read()})
    return {"dataset": dataset, "rid": dataset.resources[0].id, "editor": editor,
            "units": units.resources[0].id}


def get(client, url, token=None):
    response = client.get(url, headers={"Authorization": token} if token else {})
    return response.status_code, response.get_data(as_text=True)


def test_dataset_page_links_to_the_preview_with_the_readability_badge(client, site):
    status, html = get(client, "/dataset/jinkou")
    assert status == 200
    assert f'/dataset/jinkou/resource/{site["rid"]}' in html
    assert "プレビューとデータ品質" in html and "機械可読性" in html and "★" in html


def test_resource_page_shows_rows_types_statistics_chart_report_and_job(client, site):
    status, html = get(client, f"/dataset/jinkou/resource/{site['rid']}")
    assert status == 200
    assert "<caption>先頭 3 行</caption>" in html and "<td>福岡市</td>" in html
    assert "<td>1612392</td>" in html  # the thousands separators are gone
    assert "<td>integer</td>" in html and "<svg class=\"histogram\"" in html
    assert "<td>303316</td>\n          <td>1612392</td>" in html  # min and max of 人口
    assert "スコア:" in html and "L3-01" in html and "Shift_JIS" in html  # the report
    assert "完了" in html and "<progress" in html  # the ingest job
    assert "データ辞書を編集" not in html  # only for staff who may edit
    assert "<script" not in html.split("<main", 1)[1]  # works without JavaScript


def test_staff_edit_the_data_dictionary_from_the_page(client, site):
    page = f"/dataset/jinkou/resource/{site['rid']}"
    url = f"{page}/dictionary"
    form = {"table": "data", "column": ["市区町村名", "人口", "備考"], "title-1": "総人口",
            "unit-1": "人", "description-1": "令和2年国勢調査"}
    assert client.post(url, data=form).status_code == 400  # no CSRF token: refused
    sign_in(client, "tanaka")
    response = post_form(client, url, form, form_page=page)
    assert response.status_code == 302
    status, html = get(client, page)
    assert "データ辞書を保存しました。" in html
    assert "<td>人</td><td>令和2年国勢調査</td>" in html


def test_staff_ingest_again_from_the_page(client, site, db):
    import sqlalchemy as sa

    from catalog.jobs import Job

    page = f"/dataset/jinkou/resource/{site['rid']}"
    sign_in(client, "tanaka")
    assert "もう一度取り込む" in get(client, page)[1]
    assert post_form(client, f"{page}/ingest", {}, form_page=page).status_code == 302
    statuses = db.scalars(sa.select(Job.status).where(Job.resource_id == site["rid"])
                          .order_by(Job.created)).all()
    assert statuses == ["succeeded", "succeeded"]  # forced: the same file ingested again


def test_dumps_in_every_format_neutralise_formulas(client, site, tmp_path):
    rid = site["rid"]
    status, text = get(client, f"/datastore/dump/{rid}?format=csv&bom=true")
    assert status == 200 and text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert rows[0] == ["_id", "市区町村名", "人口", "備考"]
    assert rows[1] == ["1", "福岡市", "1612392", "'=1+1"] and rows[2][3] == "'@SUM(A1)"
    status, text = get(client, f"/datastore/dump/{rid}?format=tsv&fields=市区町村名,人口"
                               f"&filters={json.dumps({'人口': {'lt': 1000000}})}&sort=人口")
    assert list(csv.reader(io.StringIO(text), delimiter="\t")) == [
        ["市区町村名", "人口"], ["久留米市", "303316"], ["北九州市", "939029"]]
    dumped = json.loads(client.get(f"/datastore/dump/{rid}?format=json").data)
    assert [f["id"] for f in dumped["fields"]] == ["_id", "市区町村名", "人口", "備考"]
    assert dumped["records"][1] == [2, "北九州市", 939029, "@SUM(A1)"]  # JSON is data, not a sheet
    book = openpyxl.load_workbook(io.BytesIO(client.get(f"/datastore/dump/{rid}?format=xlsx").data))
    sheet = list(book.active.values)
    assert sheet[0] == ("_id", "市区町村名", "人口", "備考") and sheet[1] == (1, "福岡市", 1612392, "'=1+1")
    parquet = client.get(f"/datastore/dump/{rid}?format=parquet&q=北九州").data
    path = tmp_path / "dump.parquet"
    path.write_bytes(parquet)
    with duckdb.connect() as con:
        assert con.execute("SELECT 市区町村名, 人口 FROM read_parquet(?)",
                           [str(path)]).fetchall() == [("北九州市", 939029)]
    assert client.get(f"/datastore/dump/{rid}?format=pdf").status_code == 400


def test_cleaned_csv_for_staff(client, site):
    url = f"/dataset/tani/resource/{site['units']}/cleaned.csv"
    assert client.get(url).status_code in (403, 404)
    response = client.get(url, headers={"Authorization": site["editor"]})
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert rows[0] == ["数値のみ", "数値間違いあり", "単位揃い（円）", "単位揃わず"]
    assert rows[1] == ["1", "1", "10", "1人"] and rows[7] == ["7", "10000円", "1000", "1人"]
    assert len(rows) == 20  # one header row, 19 data rows


def test_a_refused_file_shows_why_on_its_page(client, app):
    with open(fixture("html-saved-as-csv.csv"), "rb") as handle:
        dataset = make_dataset(make_org(), name="html", files={"page.csv": handle.read()})
    status, html = get(client, f"/dataset/html/resource/{dataset.resources[0].id}")
    assert status == 200 and "失敗" in html and "Web ページ（HTML）" in html
    assert "スコア: 0 / 100" in html and "L1-01" in html
