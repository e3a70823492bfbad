"""View and download counts, and the access ranking that never reveals closed datasets."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from catalog.db import utcnow
from catalog.publishing.models import DatasetDailyCount
from catalog.publishing.popularity import Hit, counts_as, record_hit
from tests import factories
from tests.helpers import result

BROWSER = {"User-Agent": "Mozilla/5.0 (iPhone; CPU iPhone OS 18_0) Safari/604.1"}


def test_who_counts():
    assert counts_as(Hit.VIEW, BROWSER["User-Agent"])
    assert not counts_as(Hit.VIEW, "Googlebot/2.1 (+http://www.google.com/bot.html)")
    assert not counts_as(Hit.VIEW, "")
    assert not counts_as(Hit.VIEW, "curl/8.5.0")
    assert counts_as(Hit.DOWNLOAD, "curl/8.5.0")  # a script fetching data is real use
    assert not counts_as(Hit.DOWNLOAD, "bingbot/2.0")


def test_views_and_downloads_are_counted_per_day_without_personal_data(client, db, catalog):
    for _ in range(3):
        assert client.get("/dataset/jinko", headers=BROWSER).status_code == 200
    client.get("/dataset/jinko", headers={"User-Agent": "Googlebot/2.1"})
    resource = next(r for r in catalog["full"].resources if r.url_type == "upload")
    download = f"/dataset/{catalog['full'].id}/resource/{resource.id}/download/jinko.csv"
    assert client.get(download, headers=BROWSER).status_code == 200
    rows = db.execute(sa.select(DatasetDailyCount)).scalars().all()
    assert [(row.dataset_id, row.views, row.downloads) for row in rows] == [
        (catalog["full"].id, 3, 1)]
    columns = set(DatasetDailyCount.__table__.columns.keys())
    assert columns == {"dataset_id", "day", "views", "downloads"}  # nothing about the visitor


def test_ranking_orders_by_use_and_hides_closed_datasets(app, client, db, catalog):
    today = utcnow().date()
    with app.app_context():
        from catalog import db as database

        session = database.session()
        for _ in range(50):
            record_hit(session, catalog["closed"].id, Hit.VIEW)
        for _ in range(2):
            record_hit(session, catalog["full"].id, Hit.VIEW)
        record_hit(session, catalog["minimal"].id, Hit.DOWNLOAD)  # weighs 3 views
        for _ in range(90):
            record_hit(session, catalog["full"].id, Hit.VIEW, day=today - timedelta(days=40))
        session.commit()
    public = result(client, "popular_package_list", _method="GET")
    assert [(d["name"], d["views"], d["downloads"]) for d in public] == [
        ("hinanjo", 0, 1), ("jinko", 2, 0)]
    member = factories.make_token(factories.make_user(
        "tokei-member", orgs={catalog["full"].organization: "member"}))
    assert [d["name"] for d in result(client, "popular_package_list", member)] == [
        "himitsu", "hinanjo", "jinko"]
    home = client.get("/", headers=BROWSER).get_data(as_text=True)
    assert "アクセスランキング" in home and "避難所一覧" in home and "非公開の集計" not in home
    assert [d["name"] for d in result(client, "popular_package_list", days=60)][0] == "jinko"


def test_a_closed_dataset_viewed_by_staff_is_counted_but_not_shown(client, catalog):
    sysadmin = factories.make_token(factories.make_user("root", sysadmin=True))
    for _ in range(5):
        client.get("/dataset/himitsu", headers={"Authorization": sysadmin, **BROWSER})
    assert [d["name"] for d in result(client, "popular_package_list", sysadmin)] == ["himitsu"]
    assert result(client, "popular_package_list") == []
