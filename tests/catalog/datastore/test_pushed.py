"""Tables pushed through the API: datastore_create called again, deleting rows, and the
resource datastore_create makes. Through the real HTTP API, on both databases."""

from __future__ import annotations

import json

from tests.helpers import call, result


def rows(client, rid, **data):
    found = result(client, "datastore_search", _method="GET", resource_id=rid, sort="_id", **data)
    return [{k: v for k, v in r.items()} for r in found["records"]]


def info(client, rid):
    return result(client, "datastore_info", _method="GET", id=rid)


def empty_table(client, token, **extra):
    created = result(client, "datastore_create", token,
                     resource={"package_id": "chiiki", "name": "AED"},
                     fields=[{"id": "id", "type": "int"}, {"id": "name", "type": "text"}],
                     records=[], primary_key="id", **extra)
    return created["resource_id"]


def test_datapusher_chunks_all_end_up_in_the_table(client, site):
    token = site["editor"]
    rid = empty_table(client, token)
    result(client, "datastore_create", token, resource_id=rid,
           records=[{"id": 1, "name": "県庁"}, {"id": 2, "name": "博多駅"}])
    result(client, "datastore_create", token, resource_id=rid, records=[{"id": 3, "name": "天神"}])
    assert rows(client, rid) == [{"_id": 1, "id": 1, "name": "県庁"}, {"_id": 2, "id": 2, "name": "博多駅"},
                                 {"_id": 3, "id": 3, "name": "天神"}]
    assert info(client, rid)["primary_key"] == ["id"] and info(client, rid)["meta"]["count"] == 3


def test_create_again_adds_fields_and_keeps_the_rest(client, site):
    token = site["editor"]
    rid = empty_table(client, token)
    result(client, "datastore_create", token, resource_id=rid, records=[{"id": 1, "name": "県庁"}])
    created = result(client, "datastore_create", token, resource_id=rid,
                     fields=[{"id": "name", "info": {"label": "名称"}},
                             {"id": "opened", "type": "date", "info": {"label": "開設日"}}],
                     records=[{"id": 2, "name": "博多駅", "opened": "2021-04-01", "floors": 3}])
    assert [f["id"] for f in created["fields"]] == ["_id", "id", "name", "opened", "floors"]
    assert created["primary_key"] == ["id"]
    assert rows(client, rid) == [
        {"_id": 1, "id": 1, "name": "県庁", "opened": None, "floors": None},
        {"_id": 2, "id": 2, "name": "博多駅", "opened": "2021-04-01", "floors": 3}]
    fields = {f["name"]: f for f in info(client, rid)["schema"]["fields"]}
    assert (fields["name"]["title"], fields["opened"]["title"], fields["opened"]["type"]) == (
        "名称", "開設日", "date")
    # Upsert still finds its key, and the new columns take values.
    result(client, "datastore_upsert", token, resource_id=rid,
           records=[{"id": 1, "name": "県庁", "opened": "2020-04-01", "floors": 11}])
    assert rows(client, rid, fields="id,floors") == [{"id": 1, "floors": 11}, {"id": 2, "floors": 3}]


def test_a_failed_create_leaves_the_table_as_it_was(client, site):
    token = site["editor"]
    rid = empty_table(client, token)
    result(client, "datastore_create", token, resource_id=rid,
           records=[{"id": 1, "name": "駅"}, {"id": 2, "name": "駅"}])
    before = (rows(client, rid), info(client, rid))
    status, body = call(client, "datastore_create", token, resource_id=rid,
                        records=[{"id": 2, "name": "重複"}])
    assert status == 409 and "主キー" in body["error"]["records"][0]
    status, body = call(client, "datastore_create", token, resource_id=rid,
                        fields=[{"id": "id", "type": "text"}, {"id": "note", "type": "text"}])
    assert status == 409 and "型" in body["error"]["fields"][0] and "int8" in body["error"]["fields"][0]
    status, body = call(client, "datastore_create", token, resource_id=rid, primary_key="name",
                        records=[{"id": 3, "name": "港"}])  # "駅" twice: not a key
    assert status == 409 and "主キー" in body["error"]["records"][0]
    status, body = call(client, "datastore_create", token, resource_id=rid,
                        records=[{"id": "abc", "name": "x", "extra": 1}])
    assert status == 409 and "型" in body["error"]["records"][0]
    assert (rows(client, rid), info(client, rid)) == before


def test_a_new_primary_key_that_holds_replaces_the_old(client, site):
    token = site["editor"]
    rid = empty_table(client, token)
    result(client, "datastore_create", token, resource_id=rid, records=[{"id": 1, "name": "県庁"}])
    result(client, "datastore_create", token, resource_id=rid, primary_key=["name"],
           records=[{"id": 1, "name": "博多駅"}])
    assert info(client, rid)["primary_key"] == ["name"]
    assert info(client, rid)["schema"]["primaryKey"] == ["name"]
    result(client, "datastore_upsert", token, resource_id=rid, records=[{"id": 9, "name": "県庁"}])
    assert rows(client, rid, fields="id,name") == [{"id": 9, "name": "県庁"}, {"id": 1, "name": "博多駅"}]


def test_delete_with_empty_filters_keeps_the_table(client, site):
    token = site["editor"]
    rid = empty_table(client, token)
    result(client, "datastore_create", token, resource_id=rid,
           records=[{"id": 1, "name": "県庁"}, {"id": 2, "name": "博多駅"}])
    fields = info(client, rid)["fields"]
    result(client, "datastore_delete", token, resource_id=rid, filters={})
    assert rows(client, rid) == [] and info(client, rid)["fields"] == fields
    assert info(client, rid)["primary_key"] == ["id"]
    result(client, "datastore_upsert", token, resource_id=rid, records=[{"id": 1, "name": "天神"}])
    assert rows(client, rid, fields="id,name") == [{"id": 1, "name": "天神"}]
    result(client, "datastore_delete", token, resource_id=rid, filters=json.dumps({}))  # CKAN's JSON string
    assert rows(client, rid) == []
    status, body = call(client, "datastore_delete", token, resource_id=rid, filters="")
    assert status == 409 and "filters" in body["error"]  # not a table drop by accident
    assert result(client, "resource_show", _method="GET", id=rid)["datastore_active"] is True


def test_records_delete_never_drops_the_table(client, site):
    token = site["editor"]
    rid = empty_table(client, token)
    result(client, "datastore_create", token, resource_id=rid,
           records=[{"id": 1, "name": "県庁"}, {"id": 2, "name": "博多駅"}, {"id": 3, "name": "天神"}])
    status, body = call(client, "datastore_records_delete", token, resource_id=rid)
    assert status == 409 and body["error"]["filters"] == ["入力が必要です"]
    assert call(client, "datastore_records_delete", site["staff"], resource_id=rid, filters={})[0] == 403
    deleted = result(client, "datastore_records_delete", token, resource_id=rid, filters={"id": 2})
    assert deleted == {"resource_id": rid, "filters": {"id": 2}}
    assert [r["id"] for r in rows(client, rid)] == [1, 3]
    result(client, "datastore_records_delete", token, resource_id=rid, filters={})
    assert rows(client, rid) == [] and info(client, rid)["primary_key"] == ["id"]
    status, _body = call(client, "datastore_records_delete", token, resource_id=site["population"],
                         filters={})
    assert status == 409  # rows of an ingested table come from its file
    assert info(client, site["population"])["meta"]["count"] == 6


def test_the_resource_datastore_create_makes_is_a_datastore_resource(client, site, app, db):
    import sqlalchemy as sa

    from catalog.jobs.models import Job

    rid = empty_table(client, site["editor"])
    shown = result(client, "resource_show", _method="GET", id=rid)
    site_url = app.config["SETTINGS"].site_url
    assert shown["url_type"] == "datastore" and shown["url"] == f"{site_url}/datastore/dump/{rid}"
    assert shown["datastore_active"] is True
    # Its URL is its own dump, not a link to ingest (which would replace the table).
    assert db.scalars(sa.select(Job.kind).where(Job.resource_id == rid)).all() == []
    assert info(client, rid)["meta"]["source"] == "api"
    assert client.get(f"/datastore/dump/{rid}").status_code == 200
    # A client sending back what resource_show gave keeps it a DataStore resource.
    kept = result(client, "resource_update", site["editor"], **{**shown, "name": "改名"})
    assert (kept["url_type"], kept["url"], kept["name"]) == ("datastore", shown["url"], "改名")
    assert db.scalars(sa.select(Job.kind).where(Job.resource_id == rid)).all() == []
    assert info(client, rid)["meta"]["source"] == "api"
    made = result(client, "resource_create", site["editor"], package_id="chiiki",
                  url_type="datastore", name="後で投入")
    assert made["url_type"] == "datastore" and made["url"].endswith(f"/datastore/dump/{made['id']}")
    linked = result(client, "datastore_create", site["editor"],
                    resource={"package_id": "chiiki", "url": "https://example.org/aed.csv"},
                    fields=[{"id": "id", "type": "int"}])
    shown = result(client, "resource_show", _method="GET", id=linked["resource_id"])
    assert (shown["url"], shown["url_type"]) == ("https://example.org/aed.csv", None)
