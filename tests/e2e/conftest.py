"""A small but realistic catalog behind a real HTTP server, for the CKAN clients."""

import pytest

from tests.factories import make_dataset, make_group, make_org, make_token, make_user


@pytest.fixture
def ckan_site(app, live_server):
    tokei = make_org("toukei-chousa", "統計調査課")
    kanko = make_org("kankou", "観光局")
    make_group("jinkou-setai", "人口・世帯")
    population = "団体コード,市区町村名,総人口\r\n401005,北九州市,939029\r\n".encode("cp932")
    make_dataset(tokei, name="shichouson-jinkou", title="市区町村別人口",
                 notes="市区町村別の**人口**です。", tags=[{"name": "人口"}],
                 groups=[{"name": "jinkou-setai"}], license_id="CC-BY-4.0",
                 files={"jinko.csv": population})
    make_dataset(tokei, name="shussho-su", title="出生数の推移", tags=[{"name": "人口"}],
                 resources=[{"url": "https://example.jp/shussho.csv", "name": "出生数"}])
    make_dataset(kanko, name="kankou-kyaku", title="観光入込客数", tags=[{"name": "観光"}])
    make_dataset(tokei, name="naibu-jinkou", title="人口（庁内集計）", access_level="internal")
    make_dataset(tokei, name="genteii-kohyou", title="調査票情報", access_level="restricted",
                 legal_basis="統計法 第41条")
    return {
        "url": live_server,
        "admin_token": make_token(make_user("admin", sysadmin=True)),
        "open": ["kankou-kyaku", "shichouson-jinkou", "shussho-su"],
        "all": ["genteii-kohyou", "kankou-kyaku", "naibu-jinkou", "shichouson-jinkou",
                "shussho-su"],
    }
