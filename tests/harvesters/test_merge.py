"""Local edits of harvested datasets are kept and flagged; the source may still make a
dataset stricter."""

from __future__ import annotations

import io

from openpyxl import Workbook

from catalog.datasets import services
from catalog.datasets.lookup import find_dataset
from tests import factories
from tests.harvesters.conftest import catalog_state, datasets_by_title, harvest, make_source

HEADER = ["管理番号", "データ名", "概要", "根拠法令", "個人情報の有無", "公開可否"]


def _xlsx(*rows) -> bytes:
    workbook = Workbook()
    for row in (HEADER, *rows):
        workbook.active.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _patch(app, title: str, **fields) -> None:
    with app.app_context():
        context = factories.system_context()
        dataset = next(d for d in find_all(context) if d.title == title)
        services.update_dataset(context, dataset, fields, partial=True)
        context.db.commit()


def find_all(context):
    import sqlalchemy as sa

    from catalog.datasets.models import Dataset

    return context.db.scalars(sa.select(Dataset)).all()


def test_local_edits_are_kept_and_flagged_other_fields_follow_the_source(app, file_server):
    url = file_server.serve("/t.xlsx", _xlsx(["1", "道路台帳", "元の概要", "道路法", "無", "可"]))
    org = factories.make_org()
    source = make_source(app, url=url, source_type="inventory", owner_org=org.id,
                         config={"retries": 0})
    assert harvest(app, source)["stats"] == {"added": 1}
    _patch(app, "道路台帳", notes="担当者が書き直した概要")

    file_server.serve("/t.xlsx", _xlsx(["1", "道路台帳", "元の概要（改訂）", "道路法施行令", "無", "可"]))
    job = harvest(app, source)
    assert job["stats"] == {"updated": 1}
    assert "notes" in job["objects"]["1"].message
    dataset = datasets_by_title(app)["道路台帳"]
    assert dataset["notes"] == "担当者が書き直した概要"  # the local edit stays
    assert dataset["legal_basis"] == "道路法施行令"  # the source's change applies

    # still recognised as a local edit at the next change
    file_server.serve("/t.xlsx", _xlsx(["1", "道路台帳", "三度目", "道路法", "無", "可"]))
    harvest(app, source)
    dataset = datasets_by_title(app)["道路台帳"]
    assert (dataset["notes"], dataset["legal_basis"]) == ("担当者が書き直した概要", "道路法")


def test_the_source_may_tighten_a_locally_opened_dataset(app, file_server):
    url = file_server.serve("/t.xlsx", _xlsx(["1", "相談記録", "", "", "無", "否"]))
    org = factories.make_org()
    source = make_source(app, url=url, source_type="inventory", owner_org=org.id,
                         config={"retries": 0})
    harvest(app, source)
    assert datasets_by_title(app)["相談記録"]["access_level"] == "internal"
    _patch(app, "相談記録", access_level="open")  # opened locally
    before = catalog_state(app)
    assert harvest(app, source)["stats"] == {"unchanged": 1}  # no change at the source
    assert catalog_state(app) == before
    file_server.serve("/t.xlsx", _xlsx(["1", "相談記録", "", "", "有", "否"]))
    job = harvest(app, source)
    assert datasets_by_title(app)["相談記録"]["access_level"] == "restricted"
    assert job["objects"]["1"].message
