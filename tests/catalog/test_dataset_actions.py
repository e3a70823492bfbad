"""package_* and resource_* actions: CKAN semantics on real databases and files."""

import io

import pytest

from tests.factories import make_dataset, make_group, make_org, make_token, make_user
from tests.helpers import call, result


@pytest.fixture
def editor(app):
    organization = make_org("tokei", "統計調査課")
    user = make_user("tanaka", orgs={organization: "editor"})
    return organization, make_token(user)


def test_create_derives_a_readable_ascii_name_from_a_japanese_title(client, editor):
    organization, token = editor
    dataset = result(client, "package_create", token, title="市町村別人口（令和5年）",
                     owner_org=organization.name, access_level="open")
    assert dataset["name"] == "shichousonbetsu-jinkou-reiwa-5-nen"
    second = result(client, "package_create", token, title="市町村別人口（令和5年）",
                    owner_org=organization.name)
    assert second["name"] == "shichousonbetsu-jinkou-reiwa-5-nen-2"


def test_symbol_only_title_still_gets_a_name(client, editor):
    organization, token = editor
    dataset = result(client, "package_create", token, title="――", owner_org=organization.name)
    assert dataset["name"] == "dataset"


def test_dashes_only_name_is_refused(client, editor):
    organization, token = editor
    status, body = call(client, "package_create", token, name="---",
                        owner_org=organization.name)
    assert status == 409 and "name" in body["error"]


def test_private_flag_maps_to_access_level_and_back(client, editor):
    organization, token = editor
    closed = result(client, "package_create", token, name="closed-one",
                    owner_org=organization.name, private=True, legal_basis="個人情報保護法")
    assert closed["access_level"] == "restricted" and closed["private"] is True
    opened = result(client, "package_patch", token, id="closed-one", private=False)
    assert opened["access_level"] == "open" and opened["private"] is False
    default = result(client, "package_create", token, name="no-level-given",
                     owner_org=organization.name)
    assert default["access_level"] == "internal"  # nothing is published by accident


def test_contradicting_private_and_access_level_is_refused(client, editor):
    organization, token = editor
    status, body = call(client, "package_create", token, name="contradiction",
                        owner_org=organization.name, private=False, access_level="internal")
    assert status == 409 and "private" in body["error"]


def test_update_clears_omitted_fields_tags_and_extras_but_keeps_groups_and_resources(
        client, editor):
    """CKAN 2.11's package_update: tags and extras are replaced like fields; groups and
    resources are kept when their key is left out."""
    organization, token = editor
    group = make_group("jinko", "人口・世帯")
    created = result(client, "package_create", token, name="pop", title="人口",
                     owner_org=organization.name, access_level="open", version="1",
                     tags=[{"name": "人口"}], groups=[{"name": group.name}],
                     extras=[{"key": "source", "value": "国勢調査"}],
                     resources=[{"url": "https://example.jp/pop.csv", "name": "CSV"}])
    updated = result(client, "package_update", token, id=created["id"], name="pop",
                     title="人口（更新）", owner_org=organization.name, access_level="open")
    assert updated["title"] == "人口（更新）"
    assert updated["version"] == ""  # omitted scalar: cleared
    assert updated["tags"] == [] and updated["extras"] == []  # cleared, as in CKAN
    assert [g["name"] for g in updated["groups"]] == ["jinko"]  # kept, as in CKAN 2.11
    assert [r["url"] for r in updated["resources"]] == ["https://example.jp/pop.csv"]
    assert updated["resources"][0]["format"] == "CSV"  # guessed from the URL


def test_patch_changes_only_given_fields(client, editor):
    organization, token = editor
    result(client, "package_create", token, name="aed", title="AED", notes="設置場所",
           owner_org=organization.name, access_level="open")
    patched = result(client, "package_patch", token, id="aed", title="AED設置場所")
    assert patched["title"] == "AED設置場所" and patched["notes"] == "設置場所"


def test_identical_update_writes_no_revision(client, editor):
    organization, token = editor
    created = result(client, "package_create", token, name="stable",
                     owner_org=organization.name, access_level="open",
                     resources=[{"url": "https://example.jp/a.csv"}])
    shown = result(client, "package_show", id="stable")
    result(client, "package_update", token, **shown)
    history = result(client, "package_activity_list", id="stable")
    assert [entry["activity_type"] for entry in history] == ["new package"]
    assert result(client, "package_show", id="stable")["metadata_modified"] == \
        created["metadata_modified"]
    result(client, "package_patch", token, id="stable", notes="変更")
    history = result(client, "package_activity_list", id="stable")
    assert [entry["revision"] for entry in history] == [2, 1]
    assert history[0]["data"]["package"]["notes"] == "変更"


def test_upload_is_kept_byte_for_byte_and_downloads(client, editor, app):
    organization, token = editor
    dataset = result(client, "package_create", token, name="files",
                     owner_org=organization.name, access_level="open")
    original = "団体コード,人口\n401005,939029\n".encode("cp932")
    response = client.post(
        "/api/3/action/resource_create",
        data={"package_id": dataset["id"], "name": "人口",
              "upload": (io.BytesIO(original), "jinko.csv")},
        headers={"Authorization": token},
        content_type="multipart/form-data",
    )
    resource = response.get_json()["result"]
    assert resource["url_type"] == "upload" and resource["size"] == len(original)
    import hashlib

    assert resource["hash"] == hashlib.sha256(original).hexdigest()
    path = resource["url"].removeprefix("http://localhost")
    assert path == f"/dataset/{dataset['id']}/resource/{resource['id']}/download/jinko.csv"
    download = client.get(path)
    assert download.status_code == 200 and download.data == original


def test_replacing_an_upload_removes_the_old_file_only_after_commit(client, editor, app):
    organization, token = editor
    dataset = make_dataset(organization, name="replace-me", files={"a.csv": b"a\n1\n"})
    resource_id = dataset.resources[0].id
    store_root = app.config["SETTINGS"].storage_url
    import pathlib

    before = {p for p in (pathlib.Path(store_root) / "resources").rglob("*") if p.is_file()}
    response = client.post(
        "/api/3/action/resource_update",
        data={"id": resource_id, "upload": (io.BytesIO(b"a\n2\n"), "a.csv")},
        headers={"Authorization": token},
        content_type="multipart/form-data",
    )
    assert response.status_code == 200
    after = {p for p in (pathlib.Path(store_root) / "resources").rglob("*") if p.is_file()}
    assert len(after) == 1 and after != before
    assert client.get(response.get_json()["result"]["url"][len("http://localhost"):]).data == \
        b"a\n2\n"


def test_a_new_url_turns_an_upload_into_a_link_and_sending_back_its_own_keeps_it(
        client, editor, app):
    """CKAN's resource_update replaces the resource dict: a different url makes it a link.
    What resource_show gave (its download URL, from any host) keeps the file."""
    import pathlib

    organization, token = editor
    dataset = make_dataset(organization, name="relink", files={"a.csv": b"a\n1\n"})
    resource_id = dataset.resources[0].id
    shown = result(client, "resource_show", token, id=resource_id)
    kept = result(client, "resource_update", token, **{**shown, "description": "説明"})
    assert kept["url_type"] == "upload" and kept["url"] == shown["url"]
    other_host = shown["url"].replace("http://localhost", "https://catalog.example.jp")
    kept = result(client, "resource_patch", token, id=resource_id, url=other_host)
    assert kept["url_type"] == "upload" and kept["description"] == "説明"
    originals = pathlib.Path(app.config["SETTINGS"].storage_url) / "resources"
    assert [p for p in originals.rglob("*") if p.is_file()]
    linked = result(client, "resource_update", token, id=resource_id, name="外部",
                    url="https://example.jp/data.csv")
    assert linked["url"] == "https://example.jp/data.csv" and linked["url_type"] is None
    assert [p for p in originals.rglob("*") if p.is_file()] == []  # the old file went too
    download = client.get(shown["url"][len("http://localhost"):])  # as CKAN: off to the link
    assert download.status_code == 302 and download.location == "https://example.jp/data.csv"


def test_failed_create_leaves_no_file_behind(client, editor, app):
    organization, token = editor
    response = client.post(
        "/api/3/action/resource_create",
        data={"package_id": "missing", "upload": (io.BytesIO(b"x"), "x.csv")},
        headers={"Authorization": token},
        content_type="multipart/form-data",
    )
    assert response.status_code == 404
    import pathlib

    files = [p for p in pathlib.Path(app.config["SETTINGS"].storage_url).rglob("*") if p.is_file()]
    assert files == []


def test_resource_validation_error_rolls_back_stored_upload(client, editor, app):
    organization, token = editor
    make_dataset(organization, name="strict", access_level="internal")
    response = client.post(
        "/api/3/action/resource_create",
        data={"package_id": "strict", "access_level": "open",
              "upload": (io.BytesIO(b"x\n"), "x.csv")},
        headers={"Authorization": token},
        content_type="multipart/form-data",
    )
    assert response.status_code == 409
    assert "access_level" in response.get_json()["error"]
    import pathlib

    files = [p for p in pathlib.Path(app.config["SETTINGS"].storage_url).rglob("*") if p.is_file()]
    assert files == []


def test_delete_hides_and_purge_removes(client, editor):
    organization, token = editor
    admin_token = make_token(make_user("root", sysadmin=True))
    make_dataset(organization, name="gone")
    result(client, "package_delete", token, id="gone")
    assert "gone" not in result(client, "package_list")
    assert call(client, "package_show", id="gone")[0] == 404
    assert result(client, "package_show", admin_token, id="gone")["state"] == "deleted"
    assert call(client, "dataset_purge", token, id="gone")[0] == 403
    result(client, "dataset_purge", admin_token, id="gone")
    assert call(client, "package_show", admin_token, id="gone")[0] == 404


def test_editor_of_another_organization_cannot_update(client, editor):
    organization, _token = editor
    other = make_org("kankyo")
    outsider = make_token(make_user(orgs={other: "editor"}))
    make_dataset(organization, name="theirs")
    status, body = call(client, "package_patch", outsider, id="theirs", title="x")
    assert status == 403


def test_moving_a_dataset_needs_rights_in_the_target(client, editor):
    organization, token = editor
    other = make_org("kankyo")
    make_dataset(organization, name="mine")
    status, _body = call(client, "package_patch", token, id="mine", owner_org=other.name)
    assert status == 403


def test_current_package_list_with_resources_pages(client, editor):
    organization, _token = editor
    for index in range(3):
        make_dataset(organization, name=f"d{index}",
                     resources=[{"url": f"https://example.jp/{index}.csv"}])
    first = result(client, "current_package_list_with_resources", limit=2)
    second = result(client, "current_package_list_with_resources", limit=2, page=2)
    assert len(first) == 2 and len(second) == 1
    assert {d["name"] for d in first + second} == {"d0", "d1", "d2"}
    assert first[0]["resources"][0]["url"].startswith("https://example.jp/")


def test_resources_are_reordered_named_first_the_rest_as_they_were(client, editor):
    organization, token = editor
    dataset = result(client, "package_create", token, name="junban", owner_org=organization.name,
                     access_level="open", resources=[{"url": f"https://example.jp/{n}.csv", "name": n}
                                                     for n in ("a", "b", "c", "d")])
    ids = {r["name"]: r["id"] for r in dataset["resources"]}
    reordered = result(client, "package_resource_reorder", token, id="junban",
                       order=[ids["c"], ids["a"]])
    assert reordered == {"id": dataset["id"], "order": [ids[n] for n in ("c", "a", "b", "d")]}
    shown = result(client, "package_show", id="junban")
    assert [r["name"] for r in shown["resources"]] == ["c", "a", "b", "d"]
    assert [r["position"] for r in shown["resources"]] == [0, 1, 2, 3]
    assert result(client, "package_activity_list", id="junban")[0]["activity_type"] == "changed package"
    # As in CKAN: an unknown or repeated id is refused, and only editors may reorder.
    assert call(client, "package_resource_reorder", token, id="junban", order=["nai"])[0] == 409
    assert call(client, "package_resource_reorder", token, id="junban",
                order=[ids["a"], ids["a"]])[0] == 409
    assert call(client, "package_resource_reorder", None, id="junban", order=[ids["d"]])[0] == 403
