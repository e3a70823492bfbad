"""Harvest actions over the API: ckanext-harvest's names and fields, permissions, secrets
and reports that hide what the caller may not read."""

from __future__ import annotations

import json

import sqlalchemy as sa

from catalog.datasets.models import Dataset
from tests import factories
from tests.harvesters.conftest import FIXTURES, harvest
from tests.helpers import call, result


def _admin_and_org(name="tokei"):
    org = factories.make_org(name)
    admin = factories.make_user(orgs={org: "admin"})
    return org, admin, factories.make_token(admin)


def test_source_lifecycle_with_ckanext_harvest_fields(app, client):
    org, _admin, token = _admin_and_org()
    created = result(client, "harvest_source_create", token, url="https://example.jp/catalog.ttl",
                     name="kitakyushu", title="北九州市", source_type="dcat", frequency="weekly",
                     config=json.dumps({"format": "turtle"}), owner_org="tokei",
                     default_access_level="open")
    assert created["frequency"] == "WEEKLY" and created["owner_org"] == org.id
    assert json.loads(created["config"]) == {"format": "turtle"}
    assert created["status"]["job_count"] == 0
    shown = result(client, "harvest_source_show", token, _method="GET", id="kitakyushu")
    assert shown["title"] == "北九州市"
    updated = result(client, "harvest_source_update", token, id="kitakyushu", title="北九州市DCAT")
    assert updated["title"] == "北九州市DCAT" and updated["url"] == created["url"]
    assert [s["name"] for s in result(client, "harvest_source_list", token, _method="GET")] == [
        "kitakyushu"]
    job = result(client, "harvest_job_create", token, source_id="kitakyushu")
    assert job["status"] == "New"
    status, body = call(client, "harvest_job_create", token, source_id="kitakyushu")
    assert status == 409 and "source_id" in body["error"]
    aborted = result(client, "harvest_job_abort", token, source_id="kitakyushu")
    assert aborted["status"] == "Aborted"
    assert [j["status"] for j in result(client, "harvest_job_list", token, _method="GET",
                                        source_id="kitakyushu")] == ["Aborted"]
    result(client, "harvest_source_delete", token, id="kitakyushu")
    assert result(client, "harvest_source_list", token, _method="GET") == []


def test_validation_errors_are_per_field_and_in_japanese(app, client):
    _org, _admin, token = _admin_and_org()
    status, body = call(client, "harvest_source_create", token, url="ftp://x", source_type="nope",
                        owner_org="tokei", frequency="HOURLY", config="{not json")
    assert status == 409
    error = body["error"]
    assert {"source_type", "frequency", "config"} <= set(error)
    assert "JSON" in error["config"][0]


def test_who_may_do_what(app, client):
    org, _admin, admin_token = _admin_and_org()
    editor = factories.make_token(factories.make_user(orgs={org: "editor"}))
    staff = factories.make_token(factories.make_user())
    public = factories.make_token(factories.make_user(staff=False))
    data = {"url": "https://example.jp/c.ttl", "source_type": "dcat", "owner_org": "tokei",
            "title": "t"}
    assert call(client, "harvest_source_create", editor, **data)[0] == 403
    status, body = call(client, "harvest_source_create", admin_token, **data)
    assert status == 200
    name = body["result"]["name"]
    assert call(client, "harvest_source_list", staff, _method="GET")[0] == 200
    assert call(client, "harvest_source_list", public, _method="GET")[0] == 403
    assert call(client, "harvest_source_list", None, _method="GET")[0] == 403
    assert call(client, "harvest_job_create", staff, source_id=name)[0] == 403
    assert call(client, "harvest_job_create", admin_token, source_id=name)[0] == 200
    # databases and files on the server: sysadmins only
    status, _body = call(client, "harvest_source_create", admin_token, url="file:///etc/passwd",
                         source_type="inventory", owner_org="tokei", title="f")
    assert status == 403


def test_secrets_are_hidden_from_those_who_may_not_manage(app, client):
    _org, _admin, admin_token = _admin_and_org()
    staff = factories.make_token(factories.make_user())
    result(client, "harvest_source_create", admin_token, url="https://u:pw@example.jp/", name="secret-source",
           source_type="ckan", owner_org="tokei", config={"api_key": "secret-token"})
    shown = result(client, "harvest_source_show", staff, _method="GET", id="secret-source")
    assert "secret-token" not in json.dumps(shown) and ":pw@" not in shown["url"]
    assert json.loads(shown["config"]) == {"api_key": "***"}
    mine = result(client, "harvest_source_show", admin_token, _method="GET", id="secret-source")
    assert json.loads(mine["config"]) == {"api_key": "secret-token"}


def test_reports_hide_datasets_the_caller_may_not_read(app, client, file_server):
    org, _admin, admin_token = _admin_and_org("somu")
    url = file_server.serve("/t.csv", (FIXTURES / "inventory_cp932.csv").read_bytes(), "text/csv")
    result(client, "harvest_source_create", admin_token, url=url, name="tanaoroshi",
           source_type="inventory", owner_org="somu", default_access_level="internal")
    job = harvest(app, "tanaoroshi")
    assert job["status"] == "Finished"

    report = result(client, "harvest_job_report", admin_token, _method="GET", id=job["id"])
    assert len(report["objects"]) == 5 and not any(o["hidden"] for o in report["objects"])
    assert report["job"]["stats"]["added"] == 5

    other_staff = factories.make_token(factories.make_user())  # not in 総務課
    seen = result(client, "harvest_job_report", other_staff, _method="GET", id=job["id"])
    hidden = [o for o in seen["objects"] if o["hidden"]]
    shown_titles = {o["title"] for o in seen["objects"] if not o["hidden"]}
    assert len(hidden) == 2  # the two restricted (personal data) datasets
    assert "児童手当受給者台帳" not in json.dumps(seen, ensure_ascii=False)
    assert "市町村別人口推計" in shown_titles
    with app.app_context():
        restricted = factories.system_context().db.scalars(
            sa.select(Dataset.id).where(Dataset.access_level == "restricted")).all()
    assert not any(dataset_id in json.dumps(seen) for dataset_id in restricted)
