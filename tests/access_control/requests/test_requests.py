"""Access requests: staff ask, the organization's admins approve (a grant with an
expiry) or deny with a reason; the requester is notified in the catalog and by e-mail."""

import json
import logging

import sqlalchemy as sa

from tests.access_control.conftest import audit_events
from tests.helpers import call, result, sign_in


def _ask(client, department, who="tanin", dataset="kojin-chosa"):
    return result(client, "access_request_create", department.tokens[who], id=dataset,
                  purpose="市町村別の分析に使います")


def test_request_approve_read_notify(client, db, department, caplog):
    caplog.set_level(logging.INFO, logger="catalog.mail")
    outsider, admin = department.tokens["tanin"], department.tokens["kanri"]
    request = _ask(client, department)
    assert request["status"] == "pending" and "dataset_title" not in request
    # The admin is told, in the catalog and by e-mail (LogMailer writes it to the log).
    admin_news = result(client, "notification_list", admin)
    assert admin_news["unread"] == 1
    assert "tanin" in admin_news["results"][0]["body"]
    assert "市町村別の分析に使います" in admin_news["results"][0]["body"]
    inbox = result(client, "access_request_list", admin, scope="inbox", status="pending")
    assert [(r["id"], r["dataset_title"]) for r in inbox] == [(request["id"], "個人調査票")]
    # The requester sees their request, without the name or title of what they cannot
    # read: the dataset is referred to by its id.
    mine = result(client, "access_request_list", outsider)
    assert [r["dataset_name"] for r in mine] == [department.restricted.id]
    assert "dataset_title" not in mine[0]
    approved = result(client, "access_request_approve", admin, id=request["id"],
                      expires_at="2099-03-31")
    assert approved["status"] == "approved" and approved["last_day"] == "2099-03-31"
    assert result(client, "package_show", outsider, id="kojin-chosa")["title"] == "個人調査票"
    mine = result(client, "access_request_list", outsider)
    assert (mine[0]["dataset_name"], mine[0]["dataset_title"]) == ("kojin-chosa", "個人調査票")
    news = result(client, "notification_list", outsider)["results"]
    assert news[0]["subject"] == "利用申請が承認されました: kojin-chosa"
    assert "2099-03-31 まで" in news[0]["body"]
    mails = [r.getMessage() for r in caplog.records if r.name == "catalog.mail"]
    assert any("to someone@example.jp" in m and "利用申請が承認されました" in m for m in mails)
    assert any("/access-requests" in m and "利用申請" in m for m in mails)
    events = [r.event for r in audit_events(db, dataset_name="kojin-chosa")
              if r.event != "dataset_read"]
    assert events[-3:] == ["access_requested", "grant_created", "access_request_approved"]


def test_deny_needs_a_reason_and_tells_the_requester(client, department):
    admin = department.tokens["kanri"]
    request = _ask(client, department)
    status, body = call(client, "access_request_deny", admin, id=request["id"], reason=" ")
    assert status == 409 and body["error"]["reason"] == ["申請者に却下の理由を記入してください"]
    denied = result(client, "access_request_deny", admin, id=request["id"],
                    reason="個票は課外に出せません")
    assert denied["status"] == "denied"
    assert call(client, "package_show", department.tokens["tanin"], id="kojin-chosa")[0] == 403
    body = result(client, "notification_list", department.tokens["tanin"])["results"][0]["body"]
    assert body == (f"{department.restricted.id} への利用申請は却下されました。"
                    "理由: 個票は課外に出せません")
    status, body = call(client, "access_request_approve", admin, id=request["id"],
                        expires_at="2099-01-01")
    assert status == 409 and body["error"]["id"] == ["この申請は審査済みです"]


def test_a_requester_who_may_not_read_never_learns_the_new_name(client, department, caplog):
    """The name is derived from the title: after a rename, a requester who may not read
    the dataset sees only its id, in the API, on their page and in what they are sent."""
    caplog.set_level(logging.INFO, logger="catalog.mail")
    admin, outsider = department.tokens["kanri"], department.tokens["tanin"]
    request = result(client, "access_request_create", outsider, id=department.restricted.id,
                     purpose="市町村別の分析に使います")
    renamed = result(client, "package_patch", admin, id="kojin-chosa",
                     title="生活保護受給者名簿", name="seikatsu-hogo-meibo")
    texts = [json.dumps(request, ensure_ascii=False),
             json.dumps(result(client, "access_request_list", outsider), ensure_ascii=False)]
    sign_in(client, "tanin")
    page = client.get("/user/requests")
    assert page.status_code == 200 and department.restricted.id in page.get_data(as_text=True)
    texts.append(page.get_data(as_text=True))
    result(client, "access_request_deny", admin, id=request["id"], reason="個票は出せません")
    texts.append(json.dumps(result(client, "notification_list", outsider), ensure_ascii=False))
    texts.append(client.get("/user/notifications").get_data(as_text=True))
    denials = [r.getMessage() for r in caplog.records
               if r.name == "catalog.mail" and "利用申請が却下されました" in r.getMessage()]
    assert len(denials) == 1 and department.restricted.id in denials[0]
    texts += denials
    for text in texts:
        assert renamed["name"] not in text and renamed["title"] not in text
        assert "kojin-chosa" not in text and "個人調査票" not in text
    assert request["dataset_name"] == department.restricted.id
    # The admins, who read it, are told its name.
    inbox = result(client, "access_request_list", admin, scope="inbox")
    assert inbox[0]["dataset_name"] == renamed["name"]


def test_approval_needs_a_future_expiry(client, department):
    request = _ask(client, department)
    admin = department.tokens["kanri"]
    status, body = call(client, "access_request_approve", admin, id=request["id"])
    assert status == 409 and body["error"]["expires_at"] == ["アクセスを認める期限を指定してください"]
    status, body = call(client, "access_request_approve", admin, id=request["id"],
                        expires_at="2001-01-01")
    assert status == 409
    assert result(client, "access_request_list", admin, scope="inbox")[0]["status"] == "pending"


def test_only_the_organizations_admins_decide(client, department):
    request = _ask(client, department)
    for who in ("tanin", "henshu", "menba", "shimin"):
        assert call(client, "access_request_approve", department.tokens[who], id=request["id"],
                    expires_at="2099-01-01")[0] == 404, who
        assert result(client, "access_request_list", department.tokens[who],
                      scope="inbox") == []
    assert call(client, "access_request_list", None)[0] == 403
    root_inbox = result(client, "access_request_list", department.tokens["root"], scope="inbox")
    assert [r["id"] for r in root_inbox] == [request["id"]]


def test_who_may_ask(client, department):
    # The public may not learn the dataset exists; readers need not ask.
    assert call(client, "access_request_create", department.tokens["shimin"], id="kojin-chosa",
                purpose="x")[0] == 404
    assert call(client, "access_request_create", None, id="kojin-chosa", purpose="x")[0] == 404
    status, body = call(client, "access_request_create", department.tokens["menba"],
                        id="kojin-chosa", purpose="x")
    assert status == 409 and body["error"]["id"] == ["このデータセットは既に閲覧できます"]
    status, body = call(client, "access_request_create", department.tokens["tanin"],
                        id="kojin-chosa", purpose="")
    assert status == 409 and body["error"]["purpose"] == ["利用目的を記入してください"]
    _ask(client, department)
    status, body = call(client, "access_request_create", department.tokens["tanin"],
                        id="kojin-chosa", purpose="もう一度")
    assert status == 409
    assert body["error"]["id"] == ["このデータセットへの申請は既に審査中です"]


def test_a_failed_decision_sends_no_mail(app, db, department, caplog):
    """Mail goes out only after the transaction commits."""
    from access_control.mail import MailMessage, send_after_commit

    caplog.set_level(logging.INFO, logger="catalog.mail")
    with app.app_context():
        from catalog import db as database

        session = database.session()
        session.execute(sa.text("SELECT 1"))  # an action's work has begun a transaction
        send_after_commit(session, MailMessage(("a@example.jp",), "rolled back", "x"))
        session.rollback()
        send_after_commit(session, MailMessage(("a@example.jp",), "committed", "x"))
        session.commit()
    subjects = [r.getMessage() for r in caplog.records if r.name == "catalog.mail"]
    assert len(subjects) == 1 and "committed" in subjects[0]
