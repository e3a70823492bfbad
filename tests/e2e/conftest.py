"""Browser fixtures: Playwright driving Debian's Chromium (installed by `make browser-deps`),
screenshots into test-artifacts/, and axe-core from node_modules/."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from catalog import PROJECT_ROOT

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
