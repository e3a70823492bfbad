"""A small catalog with every kind of field the outputs describe, open and closed."""

from __future__ import annotations

from datetime import date

import pytest

from tests import factories

SHAPES = "tests/fixtures/dcat-ap-3.0.1"


@pytest.fixture
def catalog(app):
    """Two open datasets (one fully described, one minimal) and a closed one."""
    tokei = factories.make_org("tokei", "統計調査課")
    bousai = factories.make_org("bousai", "防災企画課")
    factories.make_group("jinko", "人口・世帯")
    full = factories.make_dataset(
        tokei, name="jinko", title="市町村別人口", notes="# 概要\n市町村ごとの**人口**。",
        tags=["人口", "統計"], groups=[{"name": "jinko"}], license_id="CC-BY-4.0",
        frequency="monthly", spatial="福岡県", temporal_start=date(2020, 1, 1).isoformat(),
        temporal_end=date(2024, 12, 31).isoformat(), maintainer="統計調査課 人口係",
        maintainer_email="tokei@example.jp", contact_phone="092-000-0000",
        files={"jinko.csv": "市町村,人口\n福岡市,1600000\n".encode()},
        resources=[{"name": "統計表（外部）", "url": "https://example.jp/jinko.xlsx",
                    "format": "XLSX"},
                   {"name": "解説ページ", "url": "https://example.jp/about", "format": "HTML"}])
    minimal = factories.make_dataset(bousai, name="hinanjo", title="避難所一覧",
                                     license_id="PDL-1.0")
    closed = factories.make_dataset(tokei, name="himitsu", title="非公開の集計",
                                    access_level="restricted")
    return {"full": full, "minimal": minimal, "closed": closed}
