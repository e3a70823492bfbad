"""The ckan harvester against a second instance of this application on 127.0.0.1."""

from __future__ import annotations

import requests
import sqlalchemy as sa

from harvesters.models import HarvestRecord
from tests import factories
from tests.harvesters.conftest import catalog_state, datasets_by_title, harvest, make_source


def _source(app, remote, **config) -> str:
    org = factories.make_org("shichoson", title="市町村連携課")
    return make_source(app, url=remote.url, source_type="ckan", owner_org=org.id,
                       default_access_level="open", config=config)


def test_harvests_a_second_instance_and_a_rerun_changes_nothing(app, remote_catalog):
    population = remote_catalog.dataset("tokei", name="jinko", title="市町村別人口",
                                        notes="毎月1日現在", tags=[{"name": "人口"}],
                                        resources=[{"name": "CSV", "url": "https://example.jp/p.csv",
                                                    "format": "CSV"}])
    remote_catalog.dataset("kikaku", name="aed", title="AED設置場所", frequency="monthly")
    source = _source(app, remote_catalog, default_tags=["市町村"],
                     default_extras={"harvest_note": "連携"})

    first = harvest(app, source)
    assert first["status"] == "Finished", first["reason"]
    assert first["stats"] == {"added": 2}
    datasets = datasets_by_title(app)
    jinko = datasets["市町村別人口"]
    assert jinko["name"] == "jinko" and jinko["notes"] == "毎月1日現在"
    assert {t["name"] for t in jinko["tags"]} == {"人口", "市町村"}
    assert {"key": "harvest_note", "value": "連携"} in jinko["extras"]
    assert jinko["resources"][0]["url"] == "https://example.jp/p.csv"
    assert jinko["organization"]["name"] == "shichoson"
    assert jinko["license_id"] == "CC-BY-4.0"
    assert datasets["AED設置場所"]["frequency"] == "monthly"
    with app.app_context():
        record = factories.system_context().db.scalar(
            sa.select(HarvestRecord).where(HarvestRecord.remote_id == population["id"]))
        assert record.remote_url == f"{remote_catalog.url}/dataset/jinko"

    before = catalog_state(app)
    second = harvest(app, source)
    assert second["status"] == "Finished"
    assert second["stats"] == {"unchanged": 2}
    assert catalog_state(app) == before  # no revision, no change at all


def test_a_remote_change_updates_only_that_dataset_and_a_deletion_withdraws(app, remote_catalog):
    changed = remote_catalog.dataset("tokei", name="births", title="出生数")
    kept = remote_catalog.dataset("tokei", name="deaths", title="死亡数")
    gone = remote_catalog.dataset("tokei", name="marriages", title="婚姻数")
    source = _source(app, remote_catalog)
    assert harvest(app, source)["stats"] == {"added": 3}
    before = catalog_state(app)

    remote_catalog.call("package_patch", id=changed["id"], notes="令和5年分を追加")
    remote_catalog.call("package_delete", id=gone["id"])
    job = harvest(app, source)

    assert job["stats"] == {"updated": 1, "unchanged": 1, "deleted": 1}
    after = catalog_state(app)
    by_title = {data["title"]: (data, revisions) for data, revisions in after.values()}
    assert by_title["出生数"][0]["notes"] == "令和5年分を追加"
    assert by_title["婚姻数"][0]["state"] == "deleted"
    kept_local = next(i for i, (d, _r) in before.items() if d["title"] == kept["title"])
    assert after[kept_local] == before[kept_local]


def test_private_datasets_only_with_a_token(app, remote_catalog):
    remote_catalog.dataset("tokei", name="open-one", title="公開データ")
    remote_catalog.dataset("tokei", name="staff-one", title="庁内データ", access_level="internal")
    remote_catalog.dataset("tokei", name="closed-one", title="限定データ",
                           access_level="restricted", legal_basis="個人情報保護法")
    anonymous = _source(app, remote_catalog)
    assert harvest(app, anonymous)["stats"] == {"added": 1}

    org = factories.make_org("token-org")
    with_token = make_source(app, url=remote_catalog.url, source_type="ckan", owner_org=org.id,
                             default_access_level="open",
                             config={"api_key": remote_catalog.token})
    job = harvest(app, with_token)
    assert job["stats"] == {"added": 3}
    levels = {d["title"]: d["access_level"] for d in datasets_by_title(app).values()
              if d["organization"]["name"] == "token-org"}
    assert levels == {"公開データ": "open", "庁内データ": "internal", "限定データ": "restricted"}


def test_organization_filters(app, remote_catalog):
    remote_catalog.dataset("tokei", title="統計A")
    remote_catalog.dataset("kikaku", title="企画B")
    included = _source(app, remote_catalog, organizations_filter_include=["kikaku"])
    job = harvest(app, included)
    assert [o.title for o in job["objects"].values()] == ["企画B"]
    org = factories.make_org("other")
    excluded = make_source(app, url=remote_catalog.url, source_type="ckan", owner_org=org.id,
                           config={"organizations_filter_exclude": ["kikaku"]})
    job = harvest(app, excluded)
    assert [o.title for o in job["objects"].values()] == ["統計A"]


def test_resources_copied_into_the_catalog(app, remote_catalog, live_server):
    remote = remote_catalog.dataset("tokei", name="copied", title="コピー")
    remote_catalog.upload(remote["id"], "data.csv", "市町村,人口\n福岡市,1612392\n".encode())
    source = _source(app, remote_catalog, resources="copy")
    assert harvest(app, source)["stats"] == {"added": 1}
    local = datasets_by_title(app)["コピー"]
    resource = local["resources"][0]
    assert resource["url_type"] == "upload"
    assert resource["url"].startswith(live_server)  # served by this catalog, not the remote
    download = requests.get(resource["url"], timeout=10)
    assert download.content == "市町村,人口\n福岡市,1612392\n".encode()
    before = catalog_state(app)
    assert harvest(app, source)["stats"] == {"unchanged": 1}
    assert catalog_state(app) == before


def test_incremental_harvest_fetches_only_what_changed(app, remote_catalog):
    for number in range(5):
        remote_catalog.dataset("tokei", name=f"series-{number}", title=f"系列{number}")
    source = _source(app, remote_catalog, incremental_margin=0)
    assert harvest(app, source)["stats"] == {"added": 5}
    remote_catalog.call("package_patch", id="series-2", notes="更新")
    remote_catalog.call("package_delete", id="series-4")
    job = harvest(app, source)
    assert job["stats"] == {"updated": 1, "unchanged": 3, "deleted": 1}
    assert "Incremental" in " ".join(line["message"] for line in job["log"]) or any(
        "差分" in line["message"] for line in job["log"])
