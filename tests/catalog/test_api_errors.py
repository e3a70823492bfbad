"""The Action API's envelope and CKAN's error types and statuses."""

from tests.factories import make_org, make_token, make_user
from tests.helpers import call


def test_success_envelope_has_help_and_result(client):
    response = client.get("/api/3/action/status_show")
    body = response.get_json()
    assert response.status_code == 200
    assert body["success"] is True
    assert body["help"].endswith("/api/3/action/help_show?name=status_show")
    assert body["result"]["ckan_version"].startswith("2.")


def test_unversioned_path_works_too(client):
    assert client.get("/api/action/license_list").get_json()["success"] is True


def test_unknown_action_is_a_bad_request(client):
    response = client.get("/api/3/action/no_such_action")
    body = response.get_json()
    assert response.status_code == 400
    assert body["success"] is False
    assert body["error"]["__type"] == "Bad Request"
    assert "no_such_action" in body["error"]["message"]


def test_missing_id_is_a_validation_error(client):
    status, body = call(client, "package_show")
    assert status == 409
    assert body["error"]["__type"] == "Validation Error"
    assert body["error"]["id"]  # per-field message


def test_unreadable_search_query_is_a_400_search_query_error(client):
    """CKAN answers its SearchQueryError with 400 (409 is its "Search Error")."""
    from catalog.api.errors import SearchQueryError

    assert SearchQueryError.status == 400
    for params in ({"fq": "tags:(a"}, {"sort": "nothing desc"}):
        status, body = call(client, "package_search", **params)
        assert status == 400
        assert body["success"] is False
        assert body["error"]["__type"] == "Search Query Error"
        assert body["error"]["message"]


def test_unknown_dataset_is_not_found(client):
    status, body = call(client, "package_show", id="does-not-exist")
    assert status == 404
    assert body["error"]["__type"] == "Not Found Error"


def test_bad_json_is_a_bad_request(client):
    response = client.post("/api/3/action/package_show", data="{not json",
                           content_type="application/json")
    assert response.status_code == 400
    assert "JSON" in response.get_json()["error"]["message"]


def test_json_body_must_be_an_object(client):
    response = client.post("/api/3/action/package_list", data="[1, 2]",
                           content_type="application/json")
    assert response.status_code == 400


def test_write_action_refuses_get(client):
    response = client.get("/api/3/action/package_create?name=x")
    assert response.status_code == 400
    assert "POST" in response.get_json()["error"]["message"]


def test_head_reads_like_get_and_never_writes(client):
    """Link checkers and `curl -I` send HEAD: it takes its parameters from the query
    string, like GET, and a write action refuses it even with a token and a body."""
    organization = make_org("tokei")
    token = make_token(make_user("sysadmin-user", sysadmin=True))
    assert client.head("/api/3/action/help_show?name=package_search").status_code == 200
    response = client.head("/api/3/action/package_create", headers={"Authorization": token},
                           json={"name": "via-head", "owner_org": organization.id})
    assert response.status_code == 400
    status, _body = call(client, "package_show", id="via-head")
    assert status == 404


def test_anonymous_write_is_an_authorization_error(client):
    organization = make_org("tokei")
    status, body = call(client, "package_create", name="x1", owner_org=organization.name)
    assert status == 403
    assert body["error"]["__type"] == "Authorization Error"


def test_invalid_token_is_refused_not_ignored(client):
    status, body = call(client, "package_list", "cat_not-a-real-token")
    assert status == 403
    assert body["error"]["__type"] == "Authorization Error"


def test_validation_errors_are_per_field_and_in_japanese(client):
    organization = make_org("tokei")
    token = make_token(make_user(orgs={organization: "editor"}))
    status, body = call(client, "package_create", token, name="Bad Name!",
                        owner_org=organization.name, license_id="nope",
                        maintainer_email="not-an-email", temporal_start="2024-13-01")
    assert status == 409
    error = body["error"]
    assert error["__type"] == "Validation Error"
    assert set(error) >= {"name", "license_id", "maintainer_email", "temporal_start"}
    assert "小文字" in error["name"][0]  # Japanese is the default language


def test_messages_follow_the_chosen_language(client):
    status, body = call(client, "package_show", id="nothing-here")
    assert "データセット" in body["error"]["message"]
    response = client.get("/api/3/action/package_show?id=nothing-here&lang=en")
    assert response.get_json()["error"]["message"] == "Dataset not found"


def test_help_show_returns_the_action_docstring(client):
    status, body = call(client, "help_show", _method="GET", name="package_search")
    assert status == 200
    assert "fq" in body["result"]


def test_form_encoded_post_is_accepted(client):
    organization = make_org("tokei")
    token = make_token(make_user(orgs={organization: "editor"}))
    response = client.post("/api/3/action/package_create", headers={"Authorization": token},
                           data={"name": "form-made", "owner_org": "tokei",
                                 "title": "フォームで作成", "access_level": "open"})
    assert response.status_code == 200
    assert response.get_json()["result"]["title"] == "フォームで作成"


def test_input_no_request_should_carry_is_refused_not_a_crash(client):
    organization = make_org("tokei")
    editor = make_token(make_user("tanaka", orgs={organization: "editor"}))
    created = call(client, "package_create", editor, name="kihon", owner_org="tokei",
                   access_level="open")
    assert created[0] == 200
    deep = "[" * 100_000 + "]" * 100_000
    refused = [
        call(client, "package_revise", editor, match={"name": "kihon"}, update=deep),
        call(client, "package_activity_list", None, id="kihon", activity_types=deep),
        call(client, "resource_search", None, query="name:\ud800"),
    ]
    for status, body in refused:
        assert status == 400 and body["error"]["__type"] == "Bad Request", body
    assert "サロゲート" in refused[-1][1]["error"]["message"]
    assert call(client, "resource_search", None, query="name:a", offset=10**30)[0] == 409
    # Values of the wrong shape or size are validation errors of their field.
    for status, body in (
        call(client, "package_patch", editor, id="kihon", owner_org=["tokei"]),
        call(client, "package_patch", editor, id="kihon", tags=[{"name": ["a"]}]),
        call(client, "package_patch", editor, id="kihon", groups=[{"id": ["a"]}]),
        call(client, "package_collaborator_list", editor, id="kihon", capacity=["member"]),
        call(client, "package_patch", editor, id="kihon",
             resources=[{"url": "https://example.jp/a.csv", "size": 10**30}]),
    ):
        assert status in (403, 409) and body["error"]["__type"] in (
            "Validation Error", "Authorization Error"), body
