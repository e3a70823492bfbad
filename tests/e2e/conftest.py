"""End-to-end fixtures: a small but realistic catalog behind a real HTTP server for the
CKAN clients; Playwright driving Debian's Chromium (installed by `make browser-deps`),
screenshots into test-artifacts/, and axe-core from node_modules/."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from catalog import PROJECT_ROOT
from tests.factories import make_dataset, make_group, make_org, make_token, make_user

CHROMIUM = os.environ.get("CATALOG_TEST_CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = PROJECT_ROOT / "test-artifacts"
AXE = PROJECT_ROOT / "node_modules" / "axe-core" / "axe.min.js"


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists() or not AXE.exists():
        pytest.fail(f"run `make browser-deps` first (needs {CHROMIUM} and {AXE})", pytrace=False)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True,
                                             args=["--no-sandbox"])
        yield browser
        browser.close()


@pytest.fixture
def artifacts(request) -> Path:
    """A folder for this test's screenshots (kept after the run, git-ignored)."""
    folder = ARTIFACTS / request.node.name.replace("[", "-").replace("]", "")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def serious_violations(page) -> list[dict]:
    """axe-core's serious and critical violations of WCAG 2.1 A/AA on the current page.
    The page must come from a context made with ``bypass_csp=True`` (axe is injected)."""
    page.add_script_tag(path=str(AXE))
    report = page.evaluate("""async () => {
        const result = await axe.run(document, {runOnly: {type: 'tag',
            values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']}});
        return result.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
            nodes: v.nodes.map(n => n.target.join(' ')).slice(0, 5)}));
    }""")
    return [violation for violation in report if violation["impact"] in ("serious", "critical")]


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
