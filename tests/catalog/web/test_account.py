"""Signing in and out on the web: CSRF, cookie flags, throttling, safe redirects."""

from catalog import create_app
from tests.access_control.conftest import audit_events
from tests.factories import make_user
from tests.helpers import csrf_token, post_form, sign_in


def test_sign_in_and_out(client, db):
    make_user("tanaka")
    page = client.get("/").get_data(as_text=True)
    assert 'href="/user/login' in page and 'action="/user/logout"' not in page
    response = sign_in(client, "tanaka")
    assert response.status_code == 302 and response.headers["Location"] == "/"
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Expires=" in cookie
    assert "Secure" not in cookie  # the site URL is http:// in tests
    assert 'action="/user/logout"' in client.get("/").get_data(as_text=True)
    assert client.get("/user/logout").status_code == 405  # a link cannot sign you out
    signed_out = post_form(client, "/user/logout", {}, form_page="/")
    assert signed_out.status_code == 302
    page = client.get("/").get_data(as_text=True)
    assert "サインアウトしました。" in page and 'action="/user/logout"' not in page
    assert [r.event for r in audit_events(db)] == ["sign_in", "sign_out"]


def test_cookie_is_secure_on_https(database_url, tmp_path):
    app = create_app({"instance_dir": tmp_path, "database_url": database_url,
                      "storage_url": str(tmp_path / "files"), "secret_key": "k",
                      "site_url": "https://data.pref.fukuoka.example", "TESTING": True})
    token = __import__("tests.factories", fromlist=["CURRENT_APP"]).CURRENT_APP.set(app)
    try:
        from tests.conftest import empty_all_tables

        empty_all_tables(database_url)
        make_user("tanaka")
        client = app.test_client()
        response = sign_in(client, "tanaka")
        assert "Secure" in response.headers["Set-Cookie"]
    finally:
        __import__("tests.factories", fromlist=["CURRENT_APP"]).CURRENT_APP.reset(token)
        app.extensions["db_engine"].dispose()


def test_wrong_password_is_refused_without_saying_which_part(client, db):
    make_user("tanaka")
    wrong = sign_in(client, "tanaka", "wrong-password")
    unknown = sign_in(client, "nobody", "wrong-password")
    for response in (wrong, unknown):
        assert response.status_code == 401
        assert "ユーザー名またはパスワードが正しくありません。" in response.get_data(as_text=True)
    assert [r.details["username"] for r in audit_events(db, event="sign_in_failed")] == [
        "tanaka", "nobody"]


def test_sign_in_by_email(client):
    make_user("tanaka")  # factories give everyone someone@example.jp
    assert sign_in(client, "someone@example.jp").status_code == 302


def test_too_many_failures_lock_the_account_even_with_the_right_password(app, client, db):
    make_user("tanaka")
    make_user("suzuki")
    for _ in range(5):
        assert sign_in(client, "tanaka", "guess").status_code == 401
    locked = sign_in(client, "tanaka")
    assert locked.status_code == 429
    assert "15分ほど待ってから" in locked.get_data(as_text=True)
    assert sign_in(client, "suzuki").status_code == 302  # another account is fine
    # Another process (another app on the same database) sees the same lock.
    other = create_app({"instance_dir": app.config["SETTINGS"].instance_dir,
                        "database_url": app.config["SETTINGS"].database_url,
                        "secret_key": "other", "TESTING": True})
    try:
        assert sign_in(other.test_client(), "tanaka").status_code == 429
    finally:
        other.extensions["db_engine"].dispose()
    assert audit_events(db, event="sign_in_failed")[-1].details["reason"] == "throttled"


def test_behind_a_trusted_proxy_the_throttle_and_audit_see_the_client(app, db):
    """All requests reach the catalog from its proxy: with CATALOG_TRUSTED_PROXIES=1 the
    client's own address (X-Forwarded-For) is what the sign-in throttle counts and the
    audit log records, so one client's failures do not lock out everyone else. Without
    it the header is ignored: a client cannot pick the address it is recorded under."""
    from access_control.signin.models import LoginAttempt

    make_user("tanaka")
    proxied = create_app({"instance_dir": app.config["SETTINGS"].instance_dir,
                          "database_url": app.config["SETTINGS"].database_url,
                          "secret_key": "test-secret", "trusted_proxies": 1, "TESTING": True})
    try:
        client = proxied.test_client()
        client.environ_base["REMOTE_ADDR"] = "10.0.0.2"  # the proxy
        client.environ_base["HTTP_X_FORWARDED_FOR"] = "198.51.100.7"
        assert sign_in(client, "tanaka", "guess").status_code == 401
    finally:
        proxied.extensions["db_engine"].dispose()
    direct = app.test_client()
    direct.environ_base["HTTP_X_FORWARDED_FOR"] = "203.0.113.9"  # forged: not trusted
    assert sign_in(direct, "tanaka", "guess").status_code == 401
    addresses = [attempt.remote_addr for attempt in db.query(LoginAttempt).order_by(LoginAttempt.attempted_at)]
    assert addresses == ["198.51.100.7", "127.0.0.1"]
    assert [event.remote_addr for event in audit_events(db, event="sign_in_failed")] == [
        "198.51.100.7", "127.0.0.1"]


def test_next_must_stay_on_the_site(client):
    make_user("tanaka")
    for target, expected in (("/dataset?q=x", "/dataset?q=x"), ("//evil.example/", "/"),
                             ("https://evil.example/", "/"), ("/\\evil.example", "/")):
        token = csrf_token(client, "/user/login")
        response = client.post("/user/login", data={"username": "tanaka",
                                                    "password": "correct-horse",
                                                    "next": target, "csrf_token": token})
        assert response.headers["Location"] == expected, target


def test_pages_for_signed_in_users_send_others_to_sign_in(client):
    for path in ("/user/notifications", "/user/requests", "/access-requests", "/dataset/new",
                 "/admin/audit"):
        response = client.get(path)
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/user/login?next=")
