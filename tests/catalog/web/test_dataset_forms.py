"""Registering and editing datasets on the web, with files."""

import io

from tests.factories import make_group, make_org, make_user
from tests.helpers import csrf_token, post_form, sign_in


def _editor(client):
    tokei = make_org("tokei", "統計調査課")
    make_group("jinkou", "人口・世帯")
    make_user("henshu", orgs={tokei: "editor"})
    sign_in(client, "henshu")


def test_staff_register_a_restricted_dataset_with_files(client, db):
    _editor(client)
    form = {"title": "個票データ", "name": "kohyo", "notes": "**説明**", "owner_org": "tokei",
            "license_id": "not-published", "tag_string": "人口, 個票", "groups": "jinkou",
            "frequency": "annual", "maintainer": "統計調査課", "maintainer_email": "t@example.jp",
            "contact_phone": "092-000-0000", "access_level": "restricted",
            "legal_basis": "statistics_act_41", "legal_basis_text": "第41条",
            "access_note": "調査票情報"}
    files = [(io.BytesIO("a,b\n1,2\n".encode()), "kohyo.csv"),
             (io.BytesIO(b"x"), "memo.txt")]
    response = post_form(client, "/dataset/new", {**form, "upload": files},
                         content_type="multipart/form-data")
    assert response.status_code == 302 and response.headers["Location"] == "/dataset/kohyo"
    page = client.get("/dataset/kohyo").get_data(as_text=True)
    assert "限定公開" in page and "統計法 第41条" in page and "(第41条)" in page
    assert "kohyo.csv" in page and "memo.txt" in page and "人口・世帯" in page
    assert "データセットを登録しました。" in page
    download = client.get(page.split('href="', 1)[0] and
                          next(part.split('"')[0] for part in page.split('href="')
                               if "/download/kohyo.csv" in part.split('"')[0]))
    assert download.get_data() == b"a,b\n1,2\n"


def test_errors_come_back_in_japanese_and_nothing_is_saved(client, db):
    _editor(client)
    response = post_form(client, "/dataset/new",
                         {"title": "限定データ", "owner_org": "tokei",
                          "access_level": "restricted", "maintainer_email": "not-an-email",
                          "upload": (io.BytesIO(b"a\n"), "a.csv")},
                         form_page="/dataset/new", content_type="multipart/form-data")
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert "限定公開のデータセットには根拠法令" in page
    assert 'value="限定データ"' in page  # what was typed is kept
    assert db.execute(__import__("sqlalchemy").text("SELECT count(*) FROM datasets")).scalar() == 0


def test_edit_and_add_a_file(client):
    _editor(client)
    post_form(client, "/dataset/new", {"title": "内部集計", "name": "naibu",
                                       "owner_org": "tokei", "access_level": "internal"},
              content_type="multipart/form-data")
    edit = client.get("/dataset/naibu/edit").get_data(as_text=True)
    assert 'value="内部集計"' in edit and "庁内限定" in edit
    saved = post_form(client, "/dataset/naibu/edit",
                      {"title": "内部集計（改）", "owner_org": "tokei", "access_level": "internal",
                       "tag_string": "集計"}, content_type="multipart/form-data")
    assert saved.status_code == 302
    added = post_form(client, "/dataset/naibu/resource/new",
                      {"name": "明細", "access_level": "restricted",
                       "upload": (io.BytesIO(b"1\n"), "detail.csv")},
                      content_type="multipart/form-data")
    assert added.status_code == 302
    page = client.get("/dataset/naibu").get_data(as_text=True)
    assert "内部集計（改）" in page and "明細" in page and "集計" in page
    empty = post_form(client, "/dataset/naibu/resource/new", {"name": "空"},
                      content_type="multipart/form-data")
    assert empty.status_code == 409
    assert "アップロードするファイルを選ぶか" in empty.get_data(as_text=True)


def test_readers_who_may_not_edit_get_403(client):
    tokei = make_org("tokei")
    make_user("menba", orgs={tokei: "member"})
    from tests.factories import make_dataset

    make_dataset(tokei, name="open-one")
    sign_in(client, "menba")
    assert client.get("/dataset/open-one/edit").status_code == 403
    assert client.get("/dataset/open-one/resource/new").status_code == 403
    assert "編集" not in client.get("/dataset/open-one").get_data(as_text=True).split("<main")[1]
    assert client.get("/dataset/new").status_code == 403  # creating needs an editor role
    token = csrf_token(client, "/dataset/open-one")
    response = client.post("/dataset/new", data={"title": "x", "owner_org": "tokei",
                                                 "csrf_token": token})
    assert response.status_code == 403


def test_head_on_a_form_page_changes_nothing(client, db):
    """HEAD is answered by the GET view (Flask): it shows the form and never saves, even
    with a form body (CSRF protection does not look at HEAD requests)."""
    import sqlalchemy as sa

    _editor(client)
    post_form(client, "/dataset/new", {"title": "内部集計", "name": "naibu",
                                       "owner_org": "tokei", "access_level": "internal"},
              content_type="multipart/form-data")
    before = db.execute(sa.text("SELECT count(*) FROM datasets")).scalar()
    body = {"title": "HEAD で変更", "name": "via-head", "owner_org": "tokei",
            "access_level": "internal"}
    for url in ("/dataset/new", "/dataset/naibu/edit", "/dataset/naibu/resource/new"):
        assert client.head(url, data=body).status_code == 200, url
    assert db.execute(sa.text("SELECT count(*) FROM datasets")).scalar() == before
    assert 'value="内部集計"' in client.get("/dataset/naibu/edit").get_data(as_text=True)
