"""The estat harvester against a local e-Stat API v3 server serving the response files in
tests/fixtures/estat (written for this project in the documented structure, no real data)."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from werkzeug.wrappers import Response

from tests import factories
from tests.harvesters.conftest import catalog_state, datasets_by_title, harvest, make_source
from tests.helpers import call, result

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "estat"
APP_ID = "test-app-id"
BASE = "/rest/3.0/app/json"
ROOTS = {"getStatsList": "GET_STATS_LIST", "getMetaInfo": "GET_META_INFO",
         "getStatsData": "GET_STATS_DATA"}
POPULATION, OFFICES, TOURISM = "0000010101", "0000020202", "0000030303"


class EstatApi:
    """A local e-Stat API: documents by file stem, changed by the tests; every request is
    recorded as (api, params)."""

    def __init__(self, server):
        self.documents = {path.stem: json.loads(path.read_text(encoding="utf-8"))
                          for path in FIXTURES.glob("*.json")}
        self.requests: list[tuple[str, dict]] = []
        self.broken: dict[str, Response] = {}  # document key -> answer instead
        self.delay = 0.0
        for api in ROOTS:
            server.routes[f"{BASE}/{api}"] = lambda request, api=api: self.answer(api, request)
        self.url = server.url + BASE

    def answer(self, api: str, request) -> Response:
        params = dict(request.args)
        self.requests.append((api, params))
        time.sleep(self.delay)
        if params.get("appId") != APP_ID:
            return self.error(api, 100, "認証に失敗しました。アプリケーションIDを確認して下さい。")
        key = "_".join(filter(None, [api, params.get("statsDataId"),
                                     params.get("startPosition") if api != "getMetaInfo" else None]))
        if key in self.broken:
            return self.broken[key]
        if key not in self.documents:
            return self.error(api, 100, "指定された統計表IDは存在しません。")
        return Response(json.dumps(self.documents[key], ensure_ascii=False),
                        content_type="application/json; charset=utf-8")

    @staticmethod
    def error(api: str, status: int, message: str) -> Response:
        return Response(json.dumps({ROOTS[api]: {"RESULT": {"STATUS": status, "ERROR_MSG": message},
                                                 "PARAMETER": {}}}, ensure_ascii=False),
                        content_type="application/json")

    def calls(self, api: str) -> list[dict]:
        return [params for name, params in self.requests if name == api]


@pytest.fixture
def estat(file_server):
    return EstatApi(file_server)


def _source(app, estat, **config) -> str:
    org = factories.make_org("tokei", title="統計調査課")
    return make_source(app, url=estat.url, source_type="estat", owner_org=org.id,
                       default_access_level="open",
                       config={"appId": APP_ID, "statsCode": "90000001", "page_size": 2,
                               "data_page_size": 10, "retries": 0, **config})


def _rows(client, dataset: dict) -> list[dict]:
    table = result(client, "datastore_search", _method="GET",
                   resource_id=dataset["resources"][0]["id"], limit=1000)
    return table


def test_tables_become_datasets_with_metadata_and_a_tidy_table(app, client, estat):
    job = harvest(app, _source(app, estat))
    assert job["status"] == "Finished", job["reason"]
    assert job["stats"] == {"added": 3}
    # both pagings followed: the listing's and the values'
    assert [c["startPosition"] for c in estat.calls("getStatsList")] == ["1", "3"]
    assert [c["startPosition"] for c in estat.calls("getStatsData")
            if c["statsDataId"] == POPULATION] == ["1", "11"]

    datasets = datasets_by_title(app)
    population = datasets["令和7年福岡県人口調査 確定値 男女別人口（市区町村）"]
    extras = {e["key"]: e["value"] for e in population["extras"]}
    assert extras["統計名"] == "福岡県人口調査" and extras["表題"] == "男女別人口（市区町村）"
    assert extras["調査年月"] == "202510" and extras["公開日"] == "2026-03-01"
    assert extras["更新日"] == "2026-03-01" and extras["作成機関"] == "福岡県"
    assert extras["統計表ID"] == POPULATION and extras["政府統計コード"] == "90000001"
    assert "x: 秘匿" in extras["特殊記号"]
    assert population["name"] == "estat-0000010101" and population["frequency"] == "annual"
    assert population["url"] == "https://www.e-stat.go.jp/dbview?sid=0000010101"
    assert population["access_level"] == "open" and population["license_id"] == "gov-standard-2.0"
    assert {"福岡県人口調査", "人口・世帯", "e-Stat"} <= {t["name"] for t in population["tags"]}

    table = _rows(client, population)
    columns = [f["id"] for f in table["fields"] if f["id"] != "_id"]
    assert columns == ["tab_code", "表章項目", "cat01_code", "男女別", "area_code", "地域",
                       "time_code", "時間軸(年次)", "unit", "value", "special_symbol"]
    assert table["total"] == 18
    # the ingest reads e-Stat time codes as years (2020000000 -> 2020); the CSV keeps the code
    assert {f["id"]: f.get("schema", {}).get("type") for f in table["fields"]}["time_code"] == "year"
    rows = {(r["cat01_code"], r["area_code"], r["time_code"]): r for r in table["records"]}
    fukuoka_men = rows[("001", "40000", 2020)]
    assert fukuoka_men["男女別"] == "男" and fukuoka_men["地域"] == "福岡県"
    assert fukuoka_men["value"] == 2430000 and fukuoka_men["unit"] == "人"
    assert fukuoka_men["special_symbol"] in (None, "")
    for key, symbol in ((("001", "40000", 2025), "x"), (("002", "40000", 2025), "***"),
                        (("001", "40100", 2020), "-"), (("001", "40130", 2025), "…")):
        assert rows[key]["value"] is None and rows[key]["special_symbol"] == symbol
    assert rows[("000", "40130", 2020)]["時間軸(年次)"] == 2020  # the label "2020年", as a year

    # a single VALUE, NOTE and CLASS each (not lists); the unit comes from the tab class
    offices = _rows(client, datasets["福岡県事業所調査 事業所数"])
    assert offices["total"] == 1
    assert offices["records"][0]["value"] == 226415 and offices["records"][0]["unit"] == "事業所"
    # a single CLASS_OBJ; "98,765" is a number
    tourism = _rows(client, datasets["福岡県観光動態調査 観光入込客数（年次）"])
    assert [r["value"] for r in tourism["records"]] == [98765, 101234.5]


def test_a_rerun_with_no_change_reports_unchanged_and_downloads_nothing(app, estat):
    source = _source(app, estat)
    assert harvest(app, source)["stats"] == {"added": 3}
    before = catalog_state(app)
    data_calls = len(estat.calls("getStatsData"))
    job = harvest(app, source)
    assert job["status"] == "Finished" and job["stats"] == {"unchanged": 3}
    assert catalog_state(app) == before  # no revision
    assert len(estat.calls("getStatsData")) == data_calls  # same UPDATED_DATE: not fetched
    # a full run (incremental off) finds the same content: still unchanged
    full = make_source(app, url=estat.url, source_type="estat", name="estat-full",
                       owner_org=factories.make_org("other").id, default_access_level="open",
                       config={"appId": APP_ID, "statsCode": "90000001", "page_size": 2,
                               "data_page_size": 10, "incremental": False})
    assert harvest(app, full)["stats"] == {"added": 3}
    assert harvest(app, full)["stats"] == {"unchanged": 3}


def test_a_change_updates_only_that_table_and_a_deletion_withdraws(app, client, estat):
    source = _source(app, estat)
    assert harvest(app, source)["stats"] == {"added": 3}
    before = catalog_state(app)
    listing = estat.documents["getStatsList_1"]["GET_STATS_LIST"]["DATALIST_INF"]
    listing["TABLE_INF"][0]["UPDATED_DATE"] = "2026-04-15"
    listing["RESULT_INF"].pop("NEXT_KEY")  # the tourism table is gone from the listing
    page = estat.documents[f"getStatsData_{POPULATION}_1"]["GET_STATS_DATA"]
    page["STATISTICAL_DATA"]["DATA_INF"]["VALUE"][0]["$"] = "5135999"

    job = harvest(app, source)
    assert job["status"] == "Finished", job["reason"]
    assert job["stats"] == {"updated": 1, "unchanged": 1, "deleted": 1}
    assert job["objects"][TOURISM].report_status == "deleted"
    after = catalog_state(app)
    by_title = {data["title"]: (identifier, data) for identifier, (data, _r) in after.items()}
    assert by_title["福岡県観光動態調査 観光入込客数（年次）"][1]["state"] == "deleted"
    offices_id = by_title["福岡県事業所調査 事業所数"][0]
    assert after[offices_id] == before[offices_id]
    population = by_title["令和7年福岡県人口調査 確定値 男女別人口（市区町村）"][1]
    assert {"key": "更新日", "value": "2026-04-15"} in population["extras"]
    table = result(client, "datastore_search", _method="GET",
                   resource_id=population["resources"][0]["id"],
                   filters=json.dumps({"area_code": "40000", "cat01_code": "000",
                                       "time_code": 2020}))
    assert [r["value"] for r in table["records"]] == [5135999]


def test_explicit_table_ids_through_get_meta_info(app, estat):
    job = harvest(app, _source(app, estat, statsCode=None, statsDataId=[OFFICES, "0000099999"]))
    assert job["status"] == "Finished", job["reason"]
    assert job["stats"] == {"added": 1, "errored": 1}
    assert "指定された統計表IDは存在しません" in job["objects"]["0000099999"].error
    assert {c["statsDataId"] for c in estat.calls("getMetaInfo")} == {OFFICES, "0000099999"}
    assert not estat.calls("getStatsList")


def test_a_refused_app_id_fails_the_job_with_e_stats_message(app, estat):
    job = harvest(app, _source(app, estat, appId="wrong"))
    assert job["status"] == "Failed" and job["failed_stage"] == "gather"
    assert "認証に失敗しました" in job["reason"] and "100" in job["reason"]
    assert "wrong" not in job["reason"] and "wrong" not in json.dumps(job["log"])
    assert catalog_state(app) == {}


def test_garbage_a_time_out_or_a_source_dying_halfway_change_nothing(app, estat):
    source = _source(app, estat)
    assert harvest(app, source)["stats"] == {"added": 3}
    before = catalog_state(app)
    estat.documents["getStatsList_1"]["GET_STATS_LIST"]["DATALIST_INF"]["TABLE_INF"][0][
        "UPDATED_DATE"] = "2026-05-01"

    estat.broken["getStatsList_1"] = Response("<html><p>メンテナンス中です</p></html>",
                                              content_type="text/html")
    garbage = harvest(app, source)
    assert garbage["status"] == "Failed" and "JSON" in garbage["reason"]
    assert "メンテナンス中です" in garbage["reason"]
    del estat.broken["getStatsList_1"]

    # the values' second page fails: the table is half read, so the job fails
    estat.broken[f"getStatsData_{POPULATION}_11"] = Response("busy", status=503)
    halfway = harvest(app, source)
    assert halfway["status"] == "Failed" and halfway["failed_stage"] == "fetch"
    assert "503" in halfway["reason"]
    assert catalog_state(app) == before
    del estat.broken[f"getStatsData_{POPULATION}_11"]

    estat.delay = 0.7
    slow = make_source(app, url=estat.url, source_type="estat", name="estat-slow",
                       owner_org=factories.make_org("slow").id,
                       config={"appId": APP_ID, "statsCode": "90000001", "page_size": 2,
                               "time_limit": 1, "retries": 0})
    timed_out = harvest(app, slow)
    assert timed_out["status"] == "Failed" and "1" in timed_out["reason"]
    assert catalog_state(app) == before


def test_an_error_status_for_one_table_errors_only_that_table(app, estat):
    estat.documents[f"getStatsData_{TOURISM}_1"] = json.loads(EstatApi.error(
        "getStatsData", 1, "正常に終了しましたが、該当データはありませんでした。").get_data())
    job = harvest(app, _source(app, estat))
    assert job["status"] == "Finished"
    assert job["stats"] == {"added": 2, "errored": 1}
    line = job["objects"][TOURISM]
    assert line.stage == "fetch" and "該当データはありませんでした" in line.error


def test_config_is_checked_with_japanese_messages(app, client):
    org = factories.make_org("tokei")
    token = factories.make_token(factories.make_user(orgs={org: "admin"}))
    status, body = call(client, "harvest_source_create", token, url="ftp://api", name="bad-estat",
                        source_type="estat", owner_org="tokei",
                        config={"statsCode": "12", "surveyYears": "last year"})
    assert status == 409
    messages = " ".join(body["error"]["config"])
    assert "appId" in messages and "statsCode" in messages and "surveyYears" in messages
    assert "必須" in messages or "指定" in messages
    assert "url" in body["error"]
