"""The ingest job in the catalog: triggered by uploads and links, skipped when nothing
changed, refusing non-tables clearly, cleaning up after deleted resources."""

from __future__ import annotations

import io
import pathlib

import sqlalchemy as sa
from werkzeug.datastructures import FileStorage

from catalog.jobs import Job
from ingest.models import DataTable, IngestReport
from tests.factories import make_dataset, make_org, make_token, make_user
from tests.helpers import call, result
from tests.ingest.conftest import fixture

CSV = "市区町村名,人口\n福岡市,1612392\n北九州市,939029\n".encode()


def jobs_of(db, resource_id):
    return list(db.scalars(sa.select(Job).where(Job.resource_id == resource_id).order_by(Job.created)))


def test_an_upload_is_ingested_and_an_identical_one_skipped(app, client, db):
    organization = make_org()
    token = make_token(make_user(orgs={organization: "editor"}))
    dataset = make_dataset(organization, files={"jinko.csv": CSV})
    rid = dataset.resources[0].id
    (job,) = jobs_of(db, rid)
    assert job.status == "succeeded" and job.progress == 100
    report = db.get(IngestReport, rid)
    assert report.detected_format == "csv" and report.source_hash == dataset.resources[0].hash
    assert 0 < report.score <= 100 and report.stars == 3
    same = client.post("/api/3/action/resource_update", headers={"Authorization": token},
                       data={"id": rid, "upload": (io.BytesIO(CSV), "jinko.csv")},
                       content_type="multipart/form-data")
    assert same.status_code == 200
    db.expire_all()
    assert [j.status for j in jobs_of(db, rid)] == ["succeeded", "skipped"]
    assert "変わっていない" in jobs_of(db, rid)[1].log
    changed = client.post("/api/3/action/resource_update", headers={"Authorization": token},
                          data={"id": rid, "upload": (io.BytesIO(CSV + "久留米市,303316\n".encode()), "jinko.csv")},
                          content_type="multipart/form-data")
    assert changed.status_code == 200
    db.expire_all()
    assert [j.status for j in jobs_of(db, rid)] == ["succeeded", "skipped", "succeeded"]
    (table,) = db.scalars(sa.select(DataTable).where(DataTable.resource_id == rid)).all()
    assert table.row_count == 3
    assert result(client, "job_show", _method="GET", id=jobs_of(db, rid)[-1].id)["progress"] == 100


def test_metadata_edits_do_not_queue_an_ingest(app, client, db):
    organization = make_org()
    token = make_token(make_user(orgs={organization: "editor"}))
    dataset = make_dataset(organization, files={"jinko.csv": CSV})
    rid = dataset.resources[0].id
    result(client, "resource_patch", token, id=rid, description="説明を追加")
    assert len(jobs_of(db, rid)) == 1


def test_html_presented_as_csv_fails_with_a_clear_message(app, client, db):
    with open(fixture("html-saved-as-csv.csv"), "rb") as handle:
        dataset = make_dataset(make_org(), files={"data.csv": handle.read()})
    rid = dataset.resources[0].id
    (job,) = jobs_of(db, rid)
    assert job.status == "failed" and "HTML" in job.errors[0]["message"]
    report = db.get(IngestReport, rid)
    assert report.refused and report.score == 0 and report.stars == 0
    assert report.findings[0]["rule"] == "L1-01" and "HTML" in report.findings[0]["message"]
    assert call(client, "datastore_search", _method="GET", resource_id=rid)[0] == 404
    assert result(client, "resource_show", _method="GET", id=rid)["datastore_active"] is False


def test_a_pdf_resource_is_not_treated_as_a_table(app, db):
    dataset = make_dataset(make_org(), resources=[{"url": "https://example.jp/report.pdf",
                                                   "format": "PDF", "name": "報告書"}])
    assert jobs_of(db, dataset.resources[0].id) == []


def test_link_resources_are_fetched_by_the_job(app, client, db, live_server):
    app.config["SETTINGS"] = app.config["SETTINGS"].with_overrides({"link_fetch_allow_private": True})
    source = make_dataset(make_org(), files={"jinko.csv": CSV})
    url = result(client, "resource_show", _method="GET", id=source.resources[0].id)["url"]
    linked = make_dataset(make_org(), resources=[{"url": url, "name": "リンク", "format": "CSV"}])
    rid = linked.resources[0].id
    (job,) = jobs_of(db, rid)
    assert job.status == "succeeded", job.errors
    assert "取得しています" in job.log
    found = result(client, "datastore_search", _method="GET", resource_id=rid)
    assert [r["市区町村名"] for r in found["records"]] == ["福岡市", "北九州市"]


def test_links_into_the_internal_network_are_not_fetched(app, db, live_server):
    dataset = make_dataset(make_org(), resources=[{"url": f"{live_server}/secret.csv",
                                                   "name": "内部", "format": "CSV"}])
    (job,) = jobs_of(db, dataset.resources[0].id)
    assert job.status == "failed" and "内部ネットワーク" in job.errors[0]["message"]


def test_deleting_a_resource_removes_its_tables_and_files(app, client, db):
    organization = make_org()
    token = make_token(make_user(orgs={organization: "editor"}))
    dataset = make_dataset(organization, files={"jinko.csv": CSV})
    rid = dataset.resources[0].id
    store = pathlib.Path(app.config["SETTINGS"].storage_url) / "datastore" / rid
    assert len(list(store.glob("*.parquet"))) == 1
    result(client, "resource_delete", token, id=rid)
    assert list(store.glob("*.parquet")) == []
    assert db.scalar(sa.select(sa.func.count()).select_from(DataTable)) == 0


def test_every_sheet_of_a_workbook_is_a_table(app, client, db):
    with open(fixture("fukuoka-city-nanakuma-timetable.xlsx"), "rb") as handle:
        dataset = make_dataset(make_org(), files={"timetable.xlsx": handle.read()})
    rid = dataset.resources[0].id
    info = result(client, "datastore_info", _method="GET", id=rid)
    assert [t["name"] for t in info["tables"]] == ["(平日\u3000橋本方面)", "(平日\u3000天神南方面)",
                                                    "(土休\u3000橋本方面)", "(土休\u3000天神南方面)"]
    sheet = result(client, "datastore_search", _method="GET", resource_id=rid,
                   table="(土休\u3000天神南方面)", limit=1, fields="列1")
    assert sheet["table"] == "(土休\u3000天神南方面)" and sheet["records"] == [{"列1": "橋本"}]
    found = result(client, "datastore_search_sql", _method="GET",
                   sql=f'SELECT count(*) AS n FROM "{rid}/(土休\u3000橋本方面)"')
    assert found["records"] == [{"n": 32}]


def test_ingest_on_s3_storage_queries_through_a_local_cache(tmp_path, database_url, request):
    """The whole path with S3FileStore on a real S3-compatible server."""
    import uuid

    import boto3

    from catalog import create_app
    from tests import factories
    from tests.conftest import empty_all_tables

    endpoint = request.getfixturevalue("s3_server")
    bucket = f"catalog-ingest-{uuid.uuid4().hex[:8]}"
    boto3.client("s3", endpoint_url=endpoint, region_name="ap-northeast-1").create_bucket(
        Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": "ap-northeast-1"})
    empty_all_tables(database_url)
    app = create_app({"instance_dir": tmp_path, "database_url": database_url,
                      "storage_url": f"s3://{bucket}/files", "s3_endpoint_url": endpoint,
                      "site_url": "http://localhost", "secret_key": "test", "TESTING": True})
    token = factories.CURRENT_APP.set(app)
    try:
        dataset = factories.make_dataset(factories.make_org(), files={"jinko.csv": CSV})
        client = app.test_client()
        found = result(client, "datastore_search", _method="GET",
                       resource_id=dataset.resources[0].id, sort="人口")
        assert [r["人口"] for r in found["records"]] == [939029, 1612392]
        keys = [o["Key"] for o in boto3.client("s3", endpoint_url=endpoint).list_objects_v2(
            Bucket=bucket, Prefix="files/datastore/")["Contents"]]
        assert len(keys) == 1 and keys[0].endswith(".parquet")
        assert list((tmp_path / "datastore-cache").rglob("*.parquet"))
    finally:
        factories.CURRENT_APP.reset(token)
        app.extensions["db_engine"].dispose()


def test_column_names_and_descriptions_find_the_dataset(app, client):
    organization = make_org()
    token = make_token(make_user(orgs={organization: "editor"}))
    dataset = make_dataset(organization, name="aed", title="設置場所一覧",
                           files={"aed.csv": "設置施設名,救急救命講習\n県庁,あり\n".encode()})
    found = result(client, "package_search", _method="GET", q="救急救命講習")
    assert [d["name"] for d in found["results"]] == ["aed"]
    result(client, "datastore_dictionary_update", token, resource_id=dataset.resources[0].id,
           fields=[{"id": "設置施設名", "info": {"notes": "自動体外式除細動器のある建物"}}])
    found = result(client, "package_search", _method="GET", q="除細動器")
    assert [d["name"] for d in found["results"]] == ["aed"]


def test_a_stricter_resources_columns_do_not_leak_into_search(app, client):
    organization = make_org()
    make_dataset(organization, name="mixed", title="混在", access_level="open",
                 resources=[])
    token = make_token(make_user(orgs={organization: "editor"}))
    response = client.post("/api/3/action/resource_create", headers={"Authorization": token},
                           data={"package_id": "mixed", "access_level": "restricted",
                                 "upload": (io.BytesIO("秘匿列名,値\nx,1\n".encode()), "secret.csv")},
                           content_type="multipart/form-data")
    assert response.status_code == 200
    assert result(client, "package_search", _method="GET", q="秘匿列名")["count"] == 0
