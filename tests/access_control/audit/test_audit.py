"""The audit log: what is recorded, that rows cannot be altered, audit_log_list."""

import pytest
import sqlalchemy as sa

from access_control.audit import AuditEvent
from access_control.audit.models import AuditRecord
from catalog.api.registry import action_names, get_action
from tests.access_control.conftest import audit_events
from tests.helpers import call, csrf_token, result, sign_in


def _download_path(dataset) -> str:
    resource = dataset.resources[0]
    return f"/dataset/{dataset.id}/resource/{resource.id}/download/chosa.csv"


def test_each_audited_event_is_recorded(client, db, department):
    """Sign-ins, failed sign-ins, closed page reads, closed downloads, grants,
    access-level changes, request decisions and token use each leave a row."""
    admin, outsider = department.tokens["kanri"], department.tokens["tanin"]
    sign_in(client, "kanri", "wrong password")
    sign_in(client, "kanri")
    client.get("/dataset/kojin-chosa")
    client.get(_download_path(department.restricted))
    result(client, "package_patch", admin, id="naibu-shukei", access_level="restricted",
           legal_basis="contract")
    request_id = result(client, "access_request_create", outsider, id="kojin-chosa",
                        purpose="統計分析")["id"]
    result(client, "access_request_approve", admin, id=request_id, expires_at="2099-01-01")
    denied = result(client, "access_request_create", outsider, id="naibu-shukei",
                    purpose="比較")["id"]
    result(client, "access_request_deny", admin, id=denied, reason="目的が不明確")
    kinds = {record.event for record in audit_events(db)}
    assert kinds >= {
        AuditEvent.SIGN_IN_FAILED, AuditEvent.SIGN_IN, AuditEvent.DATASET_READ,
        AuditEvent.RESOURCE_DOWNLOAD, AuditEvent.ACCESS_LEVEL_CHANGED, AuditEvent.GRANT_CREATED,
        AuditEvent.ACCESS_REQUESTED, AuditEvent.ACCESS_REQUEST_APPROVED,
        AuditEvent.ACCESS_REQUEST_DENIED, AuditEvent.TOKEN_USED,
    }
    download = audit_events(db, event="resource_download")[0]
    assert (download.actor_name, download.dataset_name, download.resource_id) == (
        "kanri", "kojin-chosa", department.restricted.resources[0].id)
    assert download.remote_addr == "127.0.0.1"
    change = audit_events(db, event="access_level_changed", dataset_name="naibu-shukei")[-1]
    assert change.details == {"from": "internal", "to": "restricted",
                              "legal_basis": "契約上の制約"}
    failed = audit_events(db, event="sign_in_failed")[0]
    assert failed.actor_id is None and failed.details["username"] == "kanri"


def test_reads_of_open_data_are_not_audited(client, db, department):
    from tests.factories import make_dataset

    make_dataset(department.organization, name="open-one", files={"a.csv": b"a\n1\n"})
    client.get("/dataset/open-one")
    assert audit_events(db, event="dataset_read") == []


def test_token_use_is_recorded_once_a_minute(client, db, department):
    for _ in range(3):
        result(client, "package_show", department.tokens["menba"], id="naibu-shukei")
    uses = audit_events(db, event="token_used", actor_name="menba")
    assert len(uses) == 1 and uses[0].details["path"] == "/api/3/action/package_show"


def test_rows_cannot_be_updated_or_deleted_even_in_sql(app, db, department):
    sign_in(app.test_client(), "kanri")
    engine = app.extensions["db_engine"]
    for statement in ("UPDATE audit_log SET actor_name = 'someone-else'",
                      "DELETE FROM audit_log"):
        with pytest.raises(sa.exc.DatabaseError, match="append-only"):
            with engine.begin() as connection:
                connection.execute(sa.text(statement))
    if engine.dialect.name == "postgresql":
        with pytest.raises(sa.exc.DatabaseError, match="append-only"):
            with engine.begin() as connection:
                connection.execute(sa.text("TRUNCATE audit_log"))
    assert [r.actor_name for r in audit_events(db, event="sign_in")] == ["kanri"]


def test_no_action_alters_audit_rows(client, db, department):
    """The only audit action reads; purging a dataset keeps its audit trail."""
    audit_actions = [name for name in action_names() if "audit" in name]
    assert audit_actions == ["audit_log_list"] and get_action("audit_log_list").read_only
    root = department.tokens["root"]
    for name in ("audit_log_delete", "audit_log_update", "audit_log_purge"):
        assert call(client, name, root, id=1)[0] == 400  # unknown action
    result(client, "package_show", root, id="kojin-chosa")
    result(client, "dataset_purge", root, id="kojin-chosa")
    assert [r.dataset_name for r in audit_events(db, event="dataset_read")] == ["kojin-chosa"]


def test_audit_log_list_is_for_sysadmins_and_filters(client, department):
    result(client, "package_show", department.tokens["menba"], id="kojin-chosa")
    result(client, "package_show", department.tokens["kanri"], id="naibu-shukei")
    for who in ("kanri", "henshu", "tanin", "shimin", None):
        assert call(client, "audit_log_list", department.tokens.get(who))[0] == 403
    root = department.tokens["root"]
    reads = result(client, "audit_log_list", root, event="dataset_read")
    assert reads["count"] == 2
    assert {r["actor_name"] for r in reads["results"]} == {"menba", "kanri"}
    by_actor = result(client, "audit_log_list", root, event="dataset_read", actor="menba")
    assert [r["dataset_name"] for r in by_actor["results"]] == ["kojin-chosa"]
    by_dataset = result(client, "audit_log_list", root, dataset="naibu-shukei",
                        event=["dataset_read", "sign_in"])
    assert [r["actor_name"] for r in by_dataset["results"]] == ["kanri"]
    assert result(client, "audit_log_list", root, since="2000-01-01", until="2000-12-31",
                  limit=5)["count"] == 0
    status, body = call(client, "audit_log_list", root, event="everything", since="昨日")
    assert status == 409
    assert body["error"]["event"] == ["不明な種類です: everything"]
    assert body["error"]["since"] == ["日付の形式が正しくありません（YYYY-MM-DD の形式で入力してください）"]


def test_audit_viewer_and_csv_export_neutralise_formulas(client, db, department):
    from tests.helpers import sign_in as web_sign_in

    evil = "=HYPERLINK(\"http://evil.example\",\"x\")"
    token = csrf_token(client, "/user/login")
    client.post("/user/login", data={"username": evil, "password": "x", "csrf_token": token})
    assert client.get("/admin/audit").status_code == 302  # sign in first
    web_sign_in(client, "kanri")
    assert client.get("/admin/audit").status_code == 403
    assert client.get("/admin/audit.csv").status_code == 403
    web_sign_in(client, "root")
    page = client.get("/admin/audit?event=sign_in_failed").get_data(as_text=True)
    assert "サインイン失敗" in page and "HYPERLINK" in page and "1 件" in page
    response = client.get("/admin/audit.csv?event=sign_in_failed")
    assert response.mimetype == "text/csv" and "no-store" in response.headers["Cache-Control"]
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeffid,occurred_at,event")
    rows = text.strip().splitlines()[1:]
    assert len(rows) == 1 and "'=HYPERLINK" not in rows[0]  # details is a JSON object
    assert audit_events(db, event="data_export")[0].details["what"] == "audit_log"


def test_formula_cells_are_prefixed():
    from access_control.audit.export import neutralise

    assert [neutralise(value) for value in ("=1+1", "+1", "-1", "@SUM(A1)", "＝1", "ok")] == [
        "'=1+1", "'+1", "'-1", "'@SUM(A1)", "'＝1", "ok"]


def test_csv_rows_with_formula_actor_names_are_neutralised(app, db):
    """A cell that is itself a formula (not inside JSON) gets the apostrophe."""
    from access_control.audit.export import csv_lines

    record = AuditRecord(id=1, event="sign_in", actor_name="=cmd|'/C calc'!A0",
                         subject="@evil", remote_addr="", dataset_name="", details={})
    from catalog.db import utcnow

    record.occurred_at = utcnow()
    text = "".join(csv_lines([record]))
    assert ",'=cmd|'/C calc'!A0," in text and ",'@evil," in text
