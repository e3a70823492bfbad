"""Attacks tried and refused: CSRF, revoked or deactivated credentials, guessed download
URLs, filters that ask for closed data, SQL-ish and over-long input in search fields."""

from __future__ import annotations

import re
import uuid

import pytest
import sqlalchemy as sa

from access_control.models import User
from tests.helpers import call, csrf_token, result, sign_in

# What an attacker types into search boxes.
HOSTILE_INPUTS = [
    "' OR '1'='1", "'; DROP TABLE datasets; --", "\" OR \"\"=\"", "%", "_", "\\", "*:*",
    "1) UNION SELECT password_hash FROM users --", "access_level:restricted",
    "x" * 5000, "長" * 3000, "\x00", "<script>alert(1)</script>", "{!join from=id to=id}",
]


def _url_for_rule(rule, department) -> str:
    values = {"reference": "kojin-chosa", "dataset_id": department.restricted.id,
              "resource_id": department.restricted.resources[0].id,
              "request_id": str(uuid.uuid4()), "grant_id": str(uuid.uuid4()),
              "decision": "approve", "filename": "x.csv"}
    return re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", lambda m: values.get(m.group(1), "x"), rule.rule)


def test_every_form_refuses_a_post_without_its_csrf_token(app, client, db, department):
    sign_in(client, "kanri")
    posts = [rule for rule in app.url_map.iter_rules()
             if "POST" in rule.methods and not rule.endpoint.startswith(("api.", "static"))]
    assert len(posts) >= 10  # sign-in, sign-out, dataset forms, grants, requests...
    before = db.scalar(sa.select(sa.func.count()).select_from(sa.table("grants")))
    for rule in posts:
        url = _url_for_rule(rule, department)
        missing = client.post(url, data={"principal_type": "user", "principal": "tanin",
                                          "title": "forged", "owner_org": "tokei"})
        assert missing.status_code == 400, rule.rule
        assert "フォームの有効期限が切れたか" in missing.get_data(as_text=True)
        forged = client.post(url, data={"csrf_token": "forged-token", "title": "forged"})
        assert forged.status_code == 400, rule.rule
    assert db.scalar(sa.select(sa.func.count()).select_from(sa.table("grants"))) == before
    assert client.get("/dataset/kojin-chosa").status_code == 200  # still signed in


def test_a_token_from_another_session_is_refused(app, client, department):
    other = app.test_client()
    stolen = csrf_token(other, "/user/login")
    sign_in(client, "kanri")
    response = client.post("/dataset/kojin-chosa/access/grants",
                           data={"csrf_token": stolen, "principal_type": "user",
                                 "principal": "tanin"})
    assert response.status_code == 400


def test_api_ignores_the_session_cookie_for_writes(client, department):
    """A cross-site POST to the API carries the cookie but acts as the anonymous public."""
    sign_in(client, "kanri")
    response = client.post("/api/3/action/dataset_grant_create",
                           json={"id": "kojin-chosa", "principal_type": "user",
                                 "principal": "tanin"})
    assert response.status_code == 404  # the public may not even know the dataset


def test_revoked_token_and_deactivated_user_are_refused(client, db, department):
    token = department.tokens["menba"]
    assert call(client, "package_show", token, id="kojin-chosa")[0] == 200
    result(client, "api_token_revoke", token, token=token)
    status, body = call(client, "package_show", token, id="kojin-chosa")
    assert status == 403 and body["error"]["__type"] == "Authorization Error"
    sign_in(client, "henshu")
    assert client.get("/dataset/kojin-chosa").status_code == 200
    db.scalar(sa.select(User).where(User.name == "henshu")).state = "deleted"
    db.commit()
    editor_token = department.tokens["henshu"]
    assert call(client, "package_show", editor_token, id="kojin-chosa")[0] == 403
    # The browser's session now counts as nobody: the public may not know it exists.
    assert client.get("/dataset/kojin-chosa").status_code == 404
    assert sign_in(client, "henshu").status_code == 401


def test_guessed_download_urls_are_refused(client, department):
    dataset, resource = department.restricted, department.restricted.resources[0]
    paths = [f"/dataset/{dataset.id}/resource/{resource.id}/download/chosa.csv",
             f"/dataset/kojin-chosa/resource/{resource.id}/download",
             f"/dataset/naibu-shukei/resource/{resource.id}/download/chosa.csv",
             f"/dataset/{dataset.id}/resource/{uuid.uuid4()}/download/chosa.csv",
             f"/dataset/{dataset.id}/resource/{resource.id}/download/..%2F..%2Fsecret_key"]
    for path in paths:
        anonymous = client.get(path)
        assert anonymous.status_code == 404 and "山田" not in anonymous.get_data(as_text=True)
    sign_in(client, "tanin")
    assert client.get(paths[0]).status_code == 403
    sign_in(client, "menba")
    assert "山田" in client.get(paths[0]).get_data(as_text=True)
    assert client.get(paths[2]).status_code == 404  # the resource is not in that dataset


@pytest.mark.parametrize("fq", ["access_level:restricted", "access_level:internal",
                                "-access_level:open", "access_level:restricted OR name:*",
                                "name:kojin-chosa", "organization:tokei"])
def test_filters_cannot_widen_what_the_public_sees(client, department, fq):
    for include_private in (True, "true", "1", None):
        found = result(client, "package_search", fq=fq, include_private=include_private,
                       **{"facet.field": ["tags", "access_level", "organization"]})
        assert found["count"] == 0 and found["results"] == []
        assert all(facet["items"] == [] for facet in found["search_facets"].values())
    assert result(client, "package_list", include_private=True) == []
    page = client.get("/dataset", query_string={"access_level": "restricted"})
    assert "個人調査票" not in page.get_data(as_text=True)


SEARCH_FIELDS = [
    ("package_search", "q"), ("package_search", "fq"), ("package_search", "sort"),
    ("package_search", "facet.field"), ("package_search", "rows"), ("package_search", "start"),
    ("package_autocomplete", "q"), ("tag_list", "query"), ("user_list", "q"),
    ("organization_list", "sort"), ("organization_list", "q"), ("group_list", "sort"),
    ("group_list", "q"), ("audit_log_list", "actor"),
    ("audit_log_list", "dataset"), ("audit_log_list", "since"), ("audit_log_list", "event"),
    ("access_request_list", "status"), ("access_request_list", "scope"),
    ("notification_list", "limit"),
]


def test_hostile_input_in_api_search_fields(client, db, department):
    """As the public, another department's staff and a sysadmin: a clear error or an
    answer, never a crash, a password hash, closed data or a changed database."""
    datasets_before = db.scalar(sa.text("SELECT count(*) FROM datasets"))
    for who in (None, "tanin", "root"):
        for action, field in SEARCH_FIELDS:
            for value in HOSTILE_INPUTS:
                _check_hostile_call(client, department.tokens.get(who), action, field, value,
                                    may_read_restricted=who == "root")
    assert db.scalar(sa.text("SELECT count(*) FROM datasets")) == datasets_before


def _check_hostile_call(client, token, action, field, value, may_read_restricted):
    status, body = call(client, action, token, **{field: value})
    assert status in (200, 400, 403, 409), (action, field, value[:30], status, body)
    text = str(body)
    assert "$argon2" not in text
    assert may_read_restricted or "個人調査票" not in text
    if status == 409:
        assert body["error"]["__type"] == "Validation Error"
    if status == 400:  # CKAN's status for a search query it cannot parse
        assert body["error"]["__type"] == "Search Query Error" or (
            value == "\x00" and "NUL" in body["error"]["message"])


def test_hostile_input_in_page_search_fields(client, department):
    sign_in(client, "root")
    pages = ["/dataset", "/organization/tokei", "/admin/audit"]
    fields = ["q", "tags", "sort", "page", "organization", "actor", "dataset", "since", "event"]
    for path in pages:
        for field in fields:
            for value in HOSTILE_INPUTS:
                response = client.get(path, query_string={field: value})
                assert response.status_code in (200, 400, 409), (path, field, value[:30])
                assert "<script>alert(1)</script>" not in response.get_data(as_text=True)
