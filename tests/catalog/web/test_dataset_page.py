"""The dataset page's additions from ingest: the 5-star rating and machine-readability
score, the preview of the first table and its bar chart (server-side SVG, no JavaScript).
Real files from tests/fixtures/real."""

from __future__ import annotations

import re

import sqlalchemy as sa

from catalog.web.dataset_page import chart_columns
from ingest.models import IngestReport
from tests import factories
from tests.ingest.conftest import fixture

CODES = ("全国地方公共団体コード,市区町村名,総人口,調査年\n"
         "401005,北九州市,939029,2020\n401307,福岡市,1612392,2020\n402036,久留米市,303316,2020\n")


def read(name: str) -> bytes:
    with open(fixture(name), "rb") as handle:
        return handle.read()


def stars_on(page: str) -> int:
    match = re.search(r'class="stars" role="img" aria-label="5つ星中 (\d)"', page)
    assert match, "no rating on the page"
    return int(match.group(1))


def test_stars_follow_the_five_star_scheme(client, app, db):
    organization = factories.make_org("tokei", "統計調査課")
    make = factories.make_dataset
    csv_codes = make(organization, name="codes", license_id="CC-BY-4.0",
                     files={"jinko.csv": CODES.encode()})
    make(organization, name="excel", license_id="CC-BY-4.0",
         files={"jinko.xlsx": read("takamatsu-population-201811.xlsx")})
    make(organization, name="closed-licence", license_id="not-published",
         files={"jinko.csv": CODES.encode()})
    make(organization, name="pdf", license_id="CC-BY-4.0", files={"r.pdf": b"%PDF-1.4\n%%EOF\n"})
    report = db.get(IngestReport, csv_codes.resources[0].id)
    assert report.stars == 4  # the file's own rating: local government codes inside
    pages = {name: client.get(f"/dataset/{name}").get_data(as_text=True)
             for name in ("codes", "excel", "closed-licence", "pdf")}
    assert stars_on(pages["codes"]) == 4
    assert stars_on(pages["excel"]) == 3  # Excel, but its table is offered as CSV too
    assert stars_on(pages["closed-licence"]) == 0  # no open licence, no star
    assert stars_on(pages["pdf"]) == 1  # open, but not machine-readable
    assert "未確認" in pages["pdf"]
    assert '<li class="met">星4：データの中で識別子' in pages["codes"]
    assert '<li class="unmet">星5：' in pages["codes"]


def test_score_is_the_mean_of_the_files_scores(client, app, db):
    organization = factories.make_org("tokei", "統計調査課")
    dataset = factories.make_dataset(organization, name="two", license_id="CC-BY-4.0", files={
        "jinko.csv": CODES.encode(), "units.csv": read("numbers-with-units.csv")})
    scores = [db.get(IngestReport, r.id).score for r in dataset.resources]
    assert len(set(scores)) == 2  # two different files, two different scores
    page = client.get("/dataset/two").get_data(as_text=True)
    assert f"<dd>{round(sum(scores) / 2)} / 100" in page and "2 件のファイルを確認" in page


def test_preview_and_chart_of_the_first_table(client, app):
    organization = factories.make_org("tokei", "統計調査課")
    factories.make_dataset(organization, name="jinko", files={"jinko.csv": CODES.encode()})
    page = client.get("/dataset/jinko").get_data(as_text=True)
    preview = page.split('class="dataset-preview"', 1)[1].split("</section>", 1)[0]
    assert "全 3 行）の先頭 3 行" in preview
    assert '<th scope="col">市区町村名</th>' in preview and "<td>北九州市</td>" in preview
    assert '<td class="number">1612392</td>' in preview
    assert '<th scope="col">_id</th>' not in preview
    chart = re.search(r'<svg class="bar-chart".*?</svg>', preview, re.S).group(0)
    assert "市区町村名 ごとの総人口" in preview  # the caption names both columns
    widths = [float(w) for w in re.findall(r'<rect x="\d+" y="0" width="([\d.]+)"', chart)]
    assert len(widths) == 3 and max(widths) == widths[1]  # 福岡市 is the largest
    assert widths[0] == round(widths[1] * 939029 / 1612392, 1)  # bars to scale
    assert "1,612,392" in chart and "福岡市" in chart
    assert "<script" not in page.split("<main", 1)[1]  # no JavaScript needed


def test_no_chart_without_an_amount_but_still_a_preview(client, app):
    organization = factories.make_org("bunka", "文化振興課")
    factories.make_dataset(organization, name="names",
                           files={"a.csv": "ID,名称,電話番号\nA1,図書館,092-000-0000\n".encode()})
    page = client.get("/dataset/names").get_data(as_text=True)
    assert "<td>図書館</td>" in page and 'class="bar-chart"' not in page


def test_chart_columns_skip_codes_years_identifiers_and_coordinates():
    fields = [{"name": "全国地方公共団体コード", "type": "string", "format": "code"},
              {"name": "ID", "type": "string"}, {"name": "年度", "type": "integer"},
              {"name": "市区町村名", "type": "string"}, {"name": "緯度", "type": "number"},
              {"name": "経度", "type": "number"}, {"name": "定員", "type": "integer"}]
    assert chart_columns(fields) == ("年度", "定員")
    assert chart_columns(fields[3:]) == ("市区町村名", "定員")
    assert chart_columns(fields[:6]) is None


def test_staff_preview_of_closed_data_is_audited(client, app, db):
    from access_control.audit.models import AuditRecord

    organization = factories.make_org("tokei", "統計調査課")
    closed = factories.make_dataset(organization, name="naibu", access_level="internal",
                                    files={"jinko.csv": CODES.encode()})
    staff = factories.make_token(factories.make_user("watanabe"))
    before = db.scalar(sa.select(sa.func.count()).select_from(AuditRecord))
    page = client.get("/dataset/naibu", headers={"Authorization": staff}).get_data(as_text=True)
    assert "<td>北九州市</td>" in page
    rows = db.scalars(sa.select(AuditRecord).order_by(AuditRecord.id)).all()[before:]
    assert any(row.resource_id == closed.resources[0].id for row in rows)
    assert client.get("/dataset/naibu").status_code in (403, 404)
