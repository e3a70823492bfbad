"""Staff pages (sources, job history, per-object report) and provenance on dataset pages."""

from __future__ import annotations

import re

from tests import factories
from tests.harvesters.conftest import FIXTURES, harvest, make_source


def _sign_in(client, user) -> None:
    with client.session_transaction() as session:
        session["user_id"] = user.id


def _harvested(app, file_server):
    org = factories.make_org("somu", title="総務課")
    url = file_server.serve("/t.csv", (FIXTURES / "inventory_cp932.csv").read_bytes(), "text/csv")
    source = make_source(app, url=url, source_type="inventory", owner_org=org.id,
                         title="県庁棚卸", config={"retries": 0})
    return org, source, harvest(app, source)


def test_staff_see_sources_history_and_report(app, client, file_server):
    org, source, job = _harvested(app, file_server)
    admin = factories.make_user(orgs={org: "admin"})
    _sign_in(client, admin)
    listing = client.get("/harvest/")
    assert listing.status_code == 200 and "県庁棚卸" in listing.text
    page = client.get(f"/harvest/{source}")
    assert page.status_code == 200 and f"/harvest/{source}/job/{job['id']}" in page.text
    report = client.get(f"/harvest/{source}/job/{job['id']}")
    assert report.status_code == 200
    assert "児童手当受給者台帳" in report.text and "市町村別人口推計" in report.text
    errored = client.get(f"/harvest/{source}/job/{job['id']}?status=errored")
    assert "市町村別人口推計" not in errored.text


def test_other_staff_do_not_see_restricted_lines(app, client, file_server):
    _org, source, job = _harvested(app, file_server)
    _sign_in(client, factories.make_user())
    report = client.get(f"/harvest/{source}/job/{job['id']}")
    assert report.status_code == 200
    assert "児童手当受給者台帳" not in report.text and "市町村別人口推計" in report.text


def test_the_public_cannot_see_harvest_pages(app, client, file_server):
    _org, source, _job = _harvested(app, file_server)
    assert client.get("/harvest/").status_code == 403
    assert client.get(f"/harvest/{source}").status_code == 403


def test_dataset_pages_show_provenance(app, client, file_server):
    org, source, job = _harvested(app, file_server)
    public_page = client.get("/dataset/" + _name_of(app, "市町村別人口推計"))
    assert public_page.status_code == 200
    assert "県庁棚卸" in public_page.text
    assert f"/job/{job['id']}" not in public_page.text  # the report is for staff
    _sign_in(client, factories.make_user(orgs={org: "member"}))
    staff_page = client.get("/dataset/" + _name_of(app, "市町村別人口推計"))
    assert f"/harvest/{source}/job/{job['id']}" in staff_page.text


def test_creating_a_source_and_queueing_a_job_through_the_forms(app, client):
    org = factories.make_org("kikaku", title="企画課")
    _sign_in(client, factories.make_user(orgs={org: "admin"}))
    form = client.get("/harvest/new")
    token = re.search(r'name="csrf_token" value="([^"]+)"', form.text).group(1)
    fields = {"title": "県CKAN", "name": "ken-ckan", "url": "https://example.jp",
              "source_type": "ckan", "owner_org": "kikaku", "frequency": "DAILY",
              "default_access_level": "open", "default_license_id": "", "config": "{}",
              "notes": "", "active": "1"}
    assert client.post("/harvest/new", data=fields).status_code == 400  # no token
    saved = client.post("/harvest/new", data={**fields, "csrf_token": token})
    assert saved.status_code == 302 and saved.headers["Location"].endswith("/harvest/ken-ckan")
    bad = client.post("/harvest/new", data={**fields, "name": "x", "config": "{",
                                            "csrf_token": token})
    assert bad.status_code == 400 and "JSON" in bad.text
    queued = client.post("/harvest/ken-ckan/jobs", data={"csrf_token": token})
    assert queued.status_code == 302
    assert "Queued" in client.get("/harvest/ken-ckan?lang=en").text


def _name_of(app, title: str) -> str:
    from tests.harvesters.conftest import datasets_by_title

    return datasets_by_title(app)[title]["name"]


def test_the_form_offers_estat_and_sql_and_checks_their_config(app, client):
    factories.make_org("tokei", title="統計調査課")
    _sign_in(client, factories.make_user(sysadmin=True))
    form = client.get("/harvest/new")
    assert '<option value="estat"' in form.text and '<option value="sql"' in form.text
    token = re.search(r'name="csrf_token" value="([^"]+)"', form.text).group(1)
    fields = {"title": "e-Stat", "name": "estat-fukuoka",
              "url": "https://api.e-stat.go.jp/rest/3.0/app/json", "source_type": "estat",
              "owner_org": "tokei", "frequency": "MONTHLY", "default_access_level": "open",
              "default_license_id": "", "notes": "", "active": "1", "csrf_token": token,
              "config": '{"statsCode": "00200521"}'}
    refused = client.post("/harvest/new", data=fields)
    assert refused.status_code == 400 and "appId（e-Stat が発行するアプリケーションID）は必須です" in refused.text
    saved = client.post("/harvest/new", data={
        **fields, "config": '{"appId": "secret-app-id", "statsCode": "00200521"}'})
    assert saved.status_code == 302

    sql = client.post("/harvest/new", data={
        **fields, "name": "shinsei", "source_type": "sql", "url": "sqlite:////srv/shinsei.db",
        "config": '{"queries": {"all": "DELETE FROM applications"}}'})
    assert sql.status_code == 400 and "SELECT 文だけが使えます" in sql.text
