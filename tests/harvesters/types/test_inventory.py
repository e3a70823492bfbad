"""The inventory harvester: the 棚卸 sheet (CSV in CP932, Excel) and the 06 オープンデータ一覧
standard layout, served from a local HTTP server."""

from __future__ import annotations

import io

from openpyxl import Workbook

from tests import factories
from tests.harvesters.conftest import FIXTURES, catalog_state, datasets_by_title, harvest, make_source

HEADER = ["管理番号", "データ名", "所管課", "概要", "根拠法令", "個人情報の有無", "データ形式",
          "更新頻度", "公開可否", "連絡先"]


def _source(app, url: str, **config) -> tuple[str, object]:
    org = factories.make_org("somu", title="総務課")
    return make_source(app, url=url, source_type="inventory", owner_org=org.id,
                       default_access_level="internal", default_license_id="CC-BY-4.0",
                       config={"retries": 0, **config}), org


def _xlsx(rows: list[list[str]]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "棚卸"
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_cp932_inventory_rows_become_datasets_with_the_right_access_level(app, file_server):
    url = file_server.serve("/tanaoroshi.csv", (FIXTURES / "inventory_cp932.csv").read_bytes(),
                            "text/csv")
    source, _org = _source(app, url)
    job = harvest(app, source)
    assert job["status"] == "Finished", job["reason"]
    assert job["stats"] == {"added": 5}
    datasets = datasets_by_title(app)
    population = datasets["市町村別人口推計"]
    assert population["access_level"] == "open" and population["license_id"] == "CC-BY-4.0"
    assert population["legal_basis"] == "統計法" and population["frequency"] == "monthly"
    assert population["maintainer_email"] == "tokei@example.jp"
    assert population["contact_phone"] == "092-643-3186"
    assert {"key": "department", "value": "統計調査課"} in population["extras"]
    assert datasets["児童手当受給者台帳"]["access_level"] == "restricted"
    assert datasets["児童手当受給者台帳"]["license_id"] == "not-published"
    assert datasets["庁舎エネルギー使用量"]["access_level"] == "internal"
    assert datasets["庁舎エネルギー使用量"]["frequency"] == "annual"
    assert datasets["観光施設入込客数"]["access_level"] == "open"
    # "要確認" is not a clear answer about personal data: treated as personal data.
    assert datasets["補助金交付実績"]["access_level"] == "restricted"
    assert "要確認" in job["objects"]["K-005"].message


def test_rows_that_disappear_are_reported_not_deleted(app, file_server):
    rows = [HEADER,
            ["1", "道路台帳", "道路維持課", "", "道路法", "無", "システム", "随時", "否", ""],
            ["2", "橋梁点検結果", "道路維持課", "", "", "無", "Excel", "毎年", "可", ""]]
    url = file_server.serve("/t.xlsx", _xlsx(rows), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    source, _org = _source(app, url)
    assert harvest(app, source)["stats"] == {"added": 2}
    before = catalog_state(app)
    file_server.serve("/t.xlsx", _xlsx(rows[:2]), "application/octet-stream")
    job = harvest(app, source)
    assert job["stats"] == {"unchanged": 1, "missing": 1}
    assert job["objects"]["2"].report_status == "missing"
    assert catalog_state(app) == before  # reported, nothing deleted
    file_server.serve("/t.xlsx", _xlsx(rows[:2] + [rows[2][:8] + ["否", ""]]), "application/octet-stream")
    job = harvest(app, source)
    assert job["stats"] == {"unchanged": 1, "updated": 1}
    assert datasets_by_title(app)["橋梁点検結果"]["access_level"] == "internal"


def test_column_names_mapped_through_config_and_departments_to_organizations(app, file_server):
    factories.make_org("doboku", title="土木部")
    rows = [["番号", "情報の名前", "担当", "公開してよいか", "個人情報"],
            ["A1", "河川水位観測", "河川課", "はい", "いいえ"]]
    url = file_server.serve("/custom.xlsx", _xlsx(rows), "application/octet-stream")
    source, _org = _source(app, url, columns={"title": "情報の名前", "publishable": "公開してよいか",
                                              "department": "担当"},
                           departments={"河川課": "doboku"})
    assert harvest(app, source)["stats"] == {"added": 1}
    dataset = datasets_by_title(app)["河川水位観測"]
    assert dataset["access_level"] == "open"
    assert dataset["organization"]["name"] == "doboku"


def test_the_06_open_data_list_layout_out_of_the_box(app, file_server):
    url = file_server.serve("/400009_open_data_list.csv",
                            (FIXTURES / "opendata_list.csv").read_bytes(), "text/csv")
    source, _org = _source(app, url, )
    job = harvest(app, source)
    assert job["stats"] == {"added": 2}
    datasets = datasets_by_title(app)
    aed = datasets["AED設置箇所一覧"]
    assert [r["name"] for r in aed["resources"]] == ["AED一覧CSV", "AED一覧Excel"]
    assert aed["license_id"] == "CC-BY-4.0" and aed["frequency"] == "continuous"
    assert {t["name"] for t in aed["tags"]} == {"AED", "医療"}
    assert aed["maintainer_email"] == "iryo@example.jp"
    # published data, but never more open than the source's default (internal here)
    assert aed["access_level"] == "internal"
    assert datasets["指定緊急避難場所一覧"]["license_id"] == "PDL-1.0"


def test_an_html_page_instead_of_a_spreadsheet_is_refused_clearly(app, file_server):
    url = file_server.serve("/list.csv", (FIXTURES / "html-saved-as-csv.csv").read_bytes(),
                            "text/csv")
    source, _org = _source(app, url)
    job = harvest(app, source)
    assert job["status"] == "Failed"
    assert "HTML" in job["reason"]
    assert catalog_state(app) == {}


def test_duplicate_and_nameless_rows_are_errored(app, file_server):
    rows = [HEADER, ["1", "同じ名前", "課A", "", "", "無", "", "", "可", ""],
            ["1", "同じ名前", "課A", "", "", "無", "", "", "可", ""],
            ["3", "", "課B", "説明だけ", "", "無", "", "", "可", ""]]
    url = file_server.serve("/dup.xlsx", _xlsx(rows), "application/octet-stream")
    job = harvest(app, _source(app, url)[0])
    assert job["stats"] == {"added": 1, "errored": 2}
