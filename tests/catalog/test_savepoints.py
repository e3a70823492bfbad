"""Savepoints inside a transaction: search indexing and file clean-up wait for the real
commit (SQLAlchemy also fires after_commit when a SAVEPOINT is released)."""

import io

import sqlalchemy as sa
from werkzeug.datastructures import FileStorage

from catalog.datasets import services
from catalog.storage import file_store
from tests import factories
from tests.helpers import result


def test_datasets_created_in_savepoints_are_indexed_after_the_real_commit(app, client):
    org = factories.make_org()
    with app.app_context():
        context = factories.system_context()
        with context.db.begin_nested():
            services.create_dataset(context, {"title": "セーブポイント人口", "owner_org": org.id,
                                              "access_level": "open"})
        try:
            with context.db.begin_nested():
                services.create_dataset(context, {"title": "取り消し", "owner_org": org.id,
                                                  "access_level": "open"})
                raise RuntimeError("undo this one")
        except RuntimeError:
            pass
        context.db.commit()
    found = result(client, "package_search", q="セーブポイント人口")
    assert [d["title"] for d in found["results"]] == ["セーブポイント人口"]
    assert result(client, "package_search", q="取り消し")["count"] == 0


def test_a_file_stored_before_a_rolled_back_savepoint_is_kept(app):
    org = factories.make_org()
    with app.app_context():
        context = factories.system_context()
        dataset = services.create_dataset(context, {"title": "ファイル", "owner_org": org.id})
        upload = FileStorage(io.BytesIO(b"a,b\n1,2\n"), filename="kept.csv")
        resource = services.create_resource(context, dataset, {"upload": upload})
        try:
            with context.db.begin_nested():
                raise RuntimeError("roll back to the savepoint")
        except RuntimeError:
            pass
        context.db.commit()
        assert file_store().exists(resource.storage_key)
        assert context.db.scalar(sa.select(sa.func.count()).select_from(
            type(resource))) == 1
