"""organization_*, group_*, member and tag actions."""

from tests.factories import make_dataset, make_group, make_org, make_token, make_user
from tests.helpers import call, result


def test_sysadmin_creates_organization_with_parent_and_members(client):
    admin = make_token(make_user("root", sysadmin=True))
    make_user("tanaka")
    result(client, "organization_create", admin, name="kikaku", title="企画・地域振興部")
    created = result(client, "organization_create", admin, title="統計調査課",
                     parent="kikaku", users=[{"name": "tanaka", "capacity": "editor"}])
    assert created["name"] == "toukeichousa-ka"
    shown = result(client, "organization_show", admin, id=created["id"], include_users=True)
    assert shown["parent"] == "kikaku"
    assert [(u["name"], u["capacity"]) for u in shown["users"]] == [("tanaka", "editor")]


def test_only_sysadmins_create_organizations(client):
    token = make_token(make_user())
    status, body = call(client, "organization_create", token, name="x-org")
    assert status == 403


def test_duplicate_organization_name_is_a_validation_error(client):
    admin = make_token(make_user("root", sysadmin=True))
    make_org("tokei")
    status, body = call(client, "organization_create", admin, name="tokei")
    assert status == 409 and "name" in body["error"]


def test_member_create_and_delete_by_org_admin(client):
    organization = make_org("tokei")
    admin = make_token(make_user("boss", orgs={organization: "admin"}))
    make_user("newcomer")
    result(client, "organization_member_create", admin, id="tokei", username="newcomer",
           role="editor")
    newcomer_orgs = result(client, "organization_list_for_user", admin, id="boss",
                           permission="manage_group")
    assert [o["name"] for o in newcomer_orgs] == ["tokei"]
    shown = result(client, "organization_show", admin, id="tokei", include_users=True)
    assert ("newcomer", "editor") in [(u["name"], u["capacity"]) for u in shown["users"]]
    result(client, "organization_member_delete", admin, id="tokei", username="newcomer")
    shown = result(client, "organization_show", admin, id="tokei", include_users=True)
    assert "newcomer" not in [u["name"] for u in shown["users"]]


def test_editor_cannot_manage_members(client):
    organization = make_org("tokei")
    editor = make_token(make_user(orgs={organization: "editor"}))
    make_user("someone")
    status, _ = call(client, "organization_member_create", editor, id="tokei",
                     username="someone", role="admin")
    assert status == 403


def test_organization_list_for_user_by_permission(client):
    tokei, kankyo = make_org("tokei"), make_org("kankyo")
    user = make_user("tanaka", orgs={tokei: "editor", kankyo: "member"})
    token = make_token(user)
    assert [o["name"] for o in result(client, "organization_list_for_user", token,
                                      permission="create_dataset")] == ["tokei"]
    assert [o["name"] for o in result(client, "organization_list_for_user", token,
                                      permission="read")] == ["kankyo", "tokei"]
    # CKAN's default permission, manage_group, is held by every member (ckan.authz)
    listed = result(client, "organization_list_for_user", token)
    assert [(o["name"], o["capacity"]) for o in listed] == [("kankyo", "member"), ("tokei", "editor")]
    assert result(client, "organization_list_for_user", token, permission="admin") == []


def test_organization_list_for_user_gives_sysadmins_every_organization_as_admin(client):
    make_org("tokei"), make_org("kankyo")
    token = make_token(make_user("root", sysadmin=True))
    listed = result(client, "organization_list_for_user", token, permission="membership")
    assert [(o["name"], o["capacity"]) for o in listed] == [("kankyo", "admin"), ("tokei", "admin")]


def test_organization_list_counts_and_sorts(client):
    tokei, kankyo = make_org("tokei", "統計"), make_org("kankyo", "環境")
    for index in range(2):
        make_dataset(tokei, name=f"t{index}")
    make_dataset(kankyo, name="k0")
    make_org("b-org", "あおぞら課", description="空の観測")
    # CKAN sorts by title unless told otherwise (ckan.default_group_sort)
    assert result(client, "organization_list") == ["b-org", "kankyo", "tokei"]
    assert result(client, "organization_list", sort="name desc") == ["tokei", "kankyo", "b-org"]
    listed = result(client, "organization_list", all_fields=True, sort="package_count desc")
    assert [(o["name"], o["package_count"]) for o in listed] == [("tokei", 2), ("kankyo", 1), ("b-org", 0)]
    assert result(client, "organization_list", q="観測") == ["b-org"]  # description
    assert result(client, "organization_list", q="TOK") == ["tokei"]  # name, any case
    assert result(client, "organization_list", q="環境") == ["kankyo"]  # title
    status, body = call(client, "organization_list", None, sort="secret desc")
    assert status == 409 and "sort" in body["error"]


def test_organization_delete_refuses_while_datasets_remain(client):
    admin = make_token(make_user("root", sysadmin=True))
    organization = make_org("tokei")
    make_dataset(organization, name="still-here")
    status, body = call(client, "organization_delete", admin, id="tokei")
    assert status == 409
    result(client, "dataset_purge", admin, id="still-here")
    result(client, "organization_delete", admin, id="tokei")
    assert result(client, "organization_list") == []


def test_groups_list_show_and_create(client):
    admin = make_token(make_user("root", sysadmin=True))
    created = result(client, "group_create", admin, title="防災・安全")
    assert created["name"] == "bousai-anzen"
    organization = make_org("bosai")
    make_dataset(organization, name="hinanjo", groups=[{"name": "bousai-anzen"}])
    shown = result(client, "group_show", id="bousai-anzen", include_datasets=True)
    assert shown["package_count"] == 1
    assert [d["name"] for d in shown["packages"]] == ["hinanjo"]
    assert result(client, "group_list") == ["bousai-anzen"]
    assert call(client, "group_create", make_token(make_user()), name="nope")[0] == 403


def test_tag_list_and_license_list(client):
    organization = make_org("tokei")
    make_dataset(organization, name="tagged", tags=[{"name": "人口"}, {"name": "統計"}])
    assert result(client, "tag_list") == ["人口", "統計"]
    assert result(client, "tag_list", query="人") == ["人口"]
    licences = {item["id"]: item for item in result(client, "license_list")}
    assert {"PDL-1.0", "CC-BY-4.0", "CC-BY-2.1-JP", "CC0-1.0", "gov-standard-2.0",
            "not-published"} <= set(licences)
    assert licences["CC-BY-4.0"]["od_conformance"] == "approved"


def test_tag_search_autocomplete_and_show_see_only_readable_datasets(client):
    organization = make_org("tokei")
    make_dataset(organization, name="open-one", tags=[{"name": "人口"}, {"name": "人口動態"}])
    make_dataset(organization, name="closed-one", access_level="internal",
                 tags=[{"name": "人口推計（内部）"}])
    staff = make_token(make_user("shokuin"))
    found = result(client, "tag_search", query="人口")
    assert found["count"] == 2 and [t["name"] for t in found["results"]] == ["人口", "人口動態"]
    assert result(client, "tag_search", query=["動態", "推計"])["count"] == 1
    assert result(client, "tag_search", staff, query=["動態", "推計"])["count"] == 2
    assert result(client, "tag_search", query="人口", limit=1, offset=1)["results"][0]["name"] \
        == "人口動態"
    assert result(client, "tag_autocomplete", q="口") == ["人口", "人口動態"]
    assert result(client, "tag_autocomplete", staff, q="推計") == ["人口推計（内部）"]
    shown = result(client, "tag_show", id="人口", include_datasets=True)
    assert shown["name"] == "人口" and [p["name"] for p in shown["packages"]] == ["open-one"]
    assert call(client, "tag_show", None, id="人口推計（内部）")[0] == 404  # closed: unknown
    assert result(client, "tag_show", staff, id="人口推計（内部）")["name"] == "人口推計（内部）"


def test_format_autocomplete_counts_readable_resources_only(client):
    organization = make_org("tokei")
    make_dataset(organization, name="open-one", files={"a.csv": b"a\n1\n", "b.csv": b"b\n2\n",
                                                      "c.xlsx": b"PK"})
    make_dataset(organization, name="closed-one", access_level="internal",
                 files={"secret.geojson": b"{}"})
    staff = make_token(make_user("shokuin"))
    assert result(client, "format_autocomplete", q="s") == ["CSV", "XLSX"]  # most used first
    assert result(client, "format_autocomplete", q="json") == []
    assert result(client, "format_autocomplete", staff, q="json") == ["GeoJSON"]
    assert result(client, "format_autocomplete", q="", limit=1) == ["CSV"]


def test_resource_view_list_is_empty_for_readable_resources_only(client):
    organization = make_org("tokei")
    opened = make_dataset(organization, name="open-one", files={"a.csv": b"a\n1\n"})
    closed = make_dataset(organization, name="closed-one", access_level="internal",
                          files={"b.csv": b"b\n2\n"})
    assert result(client, "resource_view_list", id=opened.resources[0].id) == []
    assert call(client, "resource_view_list", None, id=closed.resources[0].id)[0] == 404


def test_member_roles_list(client):
    roles = result(client, "member_roles_list", _method="GET")
    assert [role["value"] for role in roles] == ["admin", "editor", "member"]


def test_dataset_with_unknown_group_is_refused(client):
    organization = make_org("tokei")
    admin = make_token(make_user("root", sysadmin=True))
    make_group("known")
    status, body = call(client, "package_create", admin, name="x1", owner_org="tokei",
                        groups=[{"name": "unknown"}])
    assert status == 409 and "groups" in body["error"]
