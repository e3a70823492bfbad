"""Index upkeep on every engine: the outbox survives a crash, rebuilds swap in while
searches go on, and ingested tables' columns are searched with their weight."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import sqlalchemy as sa
from click.testing import CliRunner

from catalog.cli import main
from catalog.search.documents import build_document
from catalog.search.models import SearchOutbox
from tests.catalog.search.conftest import make_app
from tests.factories import make_dataset, make_org, make_token, make_user
from tests.helpers import result

CRASHING_EDIT = textwrap.dedent("""
    import os, sys
    from sqlalchemy import event
    from sqlalchemy.orm import Session
    from catalog import create_app, db
    from catalog.api.context import Context
    from catalog.api.registry import get_action
    from access_control.principals import system_principal

    database_url, search_url, folder = sys.argv[1:4]
    app = create_app({"database_url": database_url, "search_url": search_url,
                      "instance_dir": folder, "secret_key": "x"})

    def die_before_indexing(session):
        if session.info.get("search_stale"):
            os._exit(17)  # the process dies right after the commit

    event.listen(Session, "after_commit", die_before_indexing, insert=True)
    with app.app_context():
        session = db.session()
        context = Context(db=session, principal=system_principal(session),
                          settings=app.config["SETTINGS"])
        get_action("package_patch").function(context, {"id": "kaigan", "title": "海岸漂着物の調査"})
        session.commit()
""")


def names(client, **params) -> list[str]:
    return [d["name"] for d in result(client, "package_search", rows=100, **params)["results"]]


def test_no_update_is_lost_when_the_process_dies_after_commit(
        engine_app, engine_client, database_url, search_url, tmp_path):
    make_dataset(make_org("kankyo", "環境保全課"), name="kaigan", title="海岸清掃の記録")
    crashed = subprocess.run(
        [sys.executable, "-c", CRASHING_EDIT, database_url, search_url, str(tmp_path / "child")],
        cwd=os.getcwd(), capture_output=True, text=True, timeout=120)
    assert crashed.returncode == 17, crashed.stderr[-2000:]
    with engine_app.extensions["db_sessionmaker"]() as db:
        assert db.scalar(sa.select(sa.func.count()).select_from(SearchOutbox)) == 1
    assert names(engine_client, q="漂着物") == []  # not indexed: the process died first
    with engine_app.app_context():
        from catalog.search import process_outbox

        assert process_outbox() == 1
    assert names(engine_client, q="漂着物") == ["kaigan"]


def test_a_failing_index_keeps_the_change_and_its_outbox_entry(database_url, tmp_path):
    from tests.conftest import empty_all_tables
    from tests.factories import CURRENT_APP

    empty_all_tables(database_url)
    with socket_closed_port() as port:
        app = make_app(database_url, tmp_path, f"http://127.0.0.1:{port}")
        token = CURRENT_APP.set(app)
        try:
            make_dataset(make_org("kankyo"), name="kaigan", title="海岸清掃の記録")
        finally:
            CURRENT_APP.reset(token)
    with app.extensions["db_sessionmaker"]() as db:
        assert db.scalar(sa.select(sa.func.count()).select_from(SearchOutbox)) == 1
    app.extensions["db_engine"].dispose()


class socket_closed_port:
    """A port on 127.0.0.1 that nothing listens on."""

    def __enter__(self) -> int:
        import socket

        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            return probe.getsockname()[1]

    def __exit__(self, *_exc) -> None:
        return None


def test_rebuild_swaps_in_a_new_index_while_search_goes_on(engine_app, engine_client):
    kankyo = make_org("kankyo", "環境保全課")
    for number in range(7):
        make_dataset(kankyo, name=f"suishitsu-{number}", title=f"河川水質調査 地点{number}")
    index = engine_app.extensions["search_index"]
    admin = make_token(make_user("root", sysadmin=True))
    with engine_app.app_context():
        index.start_rebuild()
        # The new index is empty, the current one still answers...
        assert len(names(engine_client, q="水質")) == 7
        # ...and changes made meanwhile reach both.
        result(engine_client, "package_patch", admin, id="suishitsu-0", title="地下水の水質")
        index.abort_rebuild()
    assert names(engine_client, q="地下水") == ["suishitsu-0"]
    outcome = CliRunner().invoke(main, ["search", "rebuild", "--batch-size", "3"], obj=engine_app)
    assert outcome.exit_code == 0, outcome.output
    assert "rebuilt the index: 7 datasets" in outcome.output
    assert len(names(engine_client, q="水質")) == 7
    assert names(engine_client, q="地下水") == ["suishitsu-0"]


def test_rebuild_reads_only_the_new_index_after_the_swap(engine_app, engine_client):
    kankyo = make_org("kankyo", "環境保全課")
    dataset = make_dataset(kankyo, name="taiki", title="大気汚染の常時監視")
    index = engine_app.extensions["search_index"]
    with engine_app.app_context():
        index.start_rebuild()
        index.finish_rebuild()  # nothing was put in it
    assert names(engine_client, q="大気") == []
    with engine_app.app_context():
        index.index([build_document_of(engine_app, dataset.id)])
    assert names(engine_client, q="大気") == ["taiki"]


def build_document_of(app, dataset_id: str, **extra):
    from catalog.datasets.models import Dataset

    with app.extensions["db_sessionmaker"]() as db:
        return build_document(db.get(Dataset, dataset_id), **extra)


def test_columns_of_ingested_tables_are_searched_below_titles(engine_app, engine_client):
    kiki = make_org("kiki", "防災危機管理局")
    shelters = make_dataset(kiki, name="hinanjo", title="指定避難所一覧")
    make_dataset(kiki, name="ido-keido", title="緯度経度の測地系について")
    with engine_app.app_context():
        engine_app.extensions["search_index"].index([build_document_of(
            engine_app, shelters.id, column_text=["施設名", "緯度", "経度", "収容人数"])])
    assert names(engine_client, q="緯度") == ["ido-keido", "hinanjo"]
    assert names(engine_client, q="収容人数") == ["hinanjo"]
