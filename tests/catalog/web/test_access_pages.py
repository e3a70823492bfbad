"""Access pages: the 403 page with its request form, grants, the inbox, notifications."""

import re

from tests.access_control.conftest import department  # noqa: F401 - the shared fixture
from tests.helpers import post_form, sign_in


def test_request_access_from_the_403_page_then_approve_in_the_inbox(app, client, department):
    sign_in(client, "tanin")
    forbidden = client.get("/dataset/kojin-chosa")
    page = forbidden.get_data(as_text=True)
    assert forbidden.status_code == 403
    assert "利用を申請する" in page and "個人調査票" not in page and "chosa.csv" not in page
    sent = post_form(client, "/dataset/kojin-chosa/request-access",
                     {"purpose": "市町村別の分析"}, form_page="/dataset/kojin-chosa")
    assert sent.headers["Location"] == "/user/requests"
    mine = client.get("/user/requests").get_data(as_text=True)
    # The requester may not read it: the page names it by id (a renamed dataset's new
    # name would tell its new title).
    assert department.restricted.id in mine and "審査中" in mine and "個人調査票" not in mine
    assert "利用申請は審査中です" in client.get("/dataset/kojin-chosa").get_data(as_text=True)

    admin = app.test_client()
    sign_in(admin, "kanri")
    assert "利用申請の受付" in admin.get("/").get_data(as_text=True)
    inbox = admin.get("/access-requests").get_data(as_text=True)
    assert "市町村別の分析" in inbox and "個人調査票" in inbox and "限定公開" in inbox
    request_id = re.search(r"/access-requests/([0-9a-f-]+)/approve", inbox).group(1)
    post_form(admin, f"/access-requests/{request_id}/approve", {"expires_at": "2099-12-31"},
              form_page="/access-requests")
    assert client.get("/dataset/kojin-chosa").status_code == 200
    header = client.get("/").get_data(as_text=True)
    assert re.search(r'class="unread">1<', header)
    news = client.get("/user/notifications").get_data(as_text=True)
    assert "利用申請が承認されました: kojin-chosa" in news and "2099-12-31 まで" in news
    post_form(client, "/user/notifications/read", {}, form_page="/user/notifications")
    assert 'class="unread"' not in client.get("/").get_data(as_text=True)


def test_deny_with_a_reason_from_the_inbox(app, client, department):
    sign_in(client, "tanin")
    post_form(client, "/dataset/kojin-chosa/request-access", {"purpose": "確認"},
              form_page="/dataset/kojin-chosa")
    admin = app.test_client()
    sign_in(admin, "kanri")
    inbox = admin.get("/access-requests").get_data(as_text=True)
    request_id = re.search(r"/access-requests/([0-9a-f-]+)/deny", inbox).group(1)
    no_reason = post_form(admin, f"/access-requests/{request_id}/deny", {"reason": ""},
                          form_page="/access-requests", follow_redirects=True)
    assert "申請者に却下の理由を記入してください" in no_reason.get_data(as_text=True)
    post_form(admin, f"/access-requests/{request_id}/deny", {"reason": "個票のため"},
              form_page="/access-requests")
    assert "却下: 個票のため" in admin.get("/access-requests").get_data(as_text=True)
    assert "個票のため" in client.get("/user/requests").get_data(as_text=True)


def test_the_public_gets_404_not_a_request_form(client, department):
    assert client.get("/dataset/kojin-chosa").status_code == 404
    sign_in(client, "shimin")
    response = client.get("/dataset/kojin-chosa")
    assert response.status_code == 404 and "利用を申請する" not in response.get_data(as_text=True)


def test_admins_manage_grants_on_the_web(app, client, department):
    sign_in(client, "kanri")
    page = client.get("/dataset/kojin-chosa").get_data(as_text=True)
    assert "アクセス権の管理" in page
    refused = post_form(client, "/dataset/kojin-chosa/access/grants",
                        {"principal_type": "user", "principal": "nobody"},
                        form_page="/dataset/kojin-chosa/access")
    assert refused.status_code == 409
    assert "利用者が見つかりません: nobody" in refused.get_data(as_text=True)
    post_form(client, "/dataset/kojin-chosa/access/grants",
              {"principal_type": "organization", "principal": "kikaku", "permission": "read",
               "expires_at": "2099-01-31"}, form_page="/dataset/kojin-chosa/access")
    grants = client.get("/dataset/kojin-chosa/access").get_data(as_text=True)
    assert "組織: kikaku" in grants and "2099-01-31" in grants
    outsider = app.test_client()
    sign_in(outsider, "tanin")
    assert outsider.get("/dataset/kojin-chosa").status_code == 200
    assert outsider.get("/dataset/kojin-chosa/access").status_code == 403
    grant_id = re.search(r"/access/grants/([0-9a-f-]+)/delete", grants).group(1)
    post_form(client, f"/dataset/kojin-chosa/access/grants/{grant_id}/delete", {},
              form_page="/dataset/kojin-chosa/access")
    assert outsider.get("/dataset/kojin-chosa").status_code == 403


def test_closed_labels_show_wherever_datasets_are_listed(client, department):
    sign_in(client, "kanri")
    for path in ("/", "/dataset", "/organization/tokei", "/dataset/kojin-chosa",
                 "/dataset/naibu-shukei", "/dataset/kojin-chosa/access",
                 "/dataset/kojin-chosa/edit"):
        page = client.get(path).get_data(as_text=True)
        assert "badge-restricted" in page or "badge-internal" in page, path
    listing = client.get("/dataset").get_data(as_text=True)
    assert "限定公開" in listing and "庁内限定" in listing
