"""A small catalog with ingested tables, open and closed."""

from __future__ import annotations

import pytest

from tests.factories import make_dataset, make_org, make_token, make_user

POPULATION = (
    "団体コード,市区町村名,人口,面積,調査日\n"
    "401005,北九州市,\"939,029\",491.69,2020-10-01\n"
    "401307,福岡市,1612392,343.47,2020-10-01\n"
    "402028,大牟田市,111281,81.45,2020-10-01\n"
    "402036,久留米市,303316,229.96,2020-10-01\n"
    "402044,直方市,56004,61.76,2020-10-01\n"
    "=HYPERLINK(\"http://evil.example\"),悪意ある市,-5,1.0,2020-10-01\n"
).encode("cp932")
AREAS = "団体コード,地域区分\n401005,北九州\n401307,福岡\n402028,筑後\n402036,筑後\n".encode()


@pytest.fixture
def site(app):
    tokei = make_org("tokei", "統計調査課")
    other = make_org("kankou", "観光局")
    editor = make_user("tanaka", orgs={tokei: "editor"})
    staff = make_user("sato", orgs={other: "member"})
    public = make_dataset(tokei, name="jinkou", access_level="open",
                          files={"jinko.csv": POPULATION})
    areas = make_dataset(tokei, name="chiiki", access_level="open", files={"areas.csv": AREAS})
    closed = make_dataset(tokei, name="naibu", access_level="restricted",
                          files={"secret.csv": POPULATION})
    return {
        "population": public.resources[0].id, "areas": areas.resources[0].id,
        "closed": closed.resources[0].id, "closed_dataset": closed,
        "organization": tokei,
        "editor": make_token(editor), "staff": make_token(staff),
        "admin": make_token(make_user("admin", sysadmin=True)),
    }
