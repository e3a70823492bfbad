"""The search page in a real browser: suggestions as you type (the small static script,
under the site's CSP), highlighted matches, "did you mean", and no serious accessibility
problems."""

from __future__ import annotations

import pytest

from tests import factories
from tests.e2e.conftest import serious_violations

pytestmark = pytest.mark.slow


@pytest.fixture
def site(app, live_server):
    kanko = factories.make_org("kanko", "観光政策課")
    factories.make_dataset(kanko, name="irikomi", title="観光入込客数",
                           notes="主要観光地の入込客数。")
    factories.make_dataset(kanko, name="shukuhaku", title="宿泊者数の推移")
    factories.make_dataset(kanko, name="naibu", title="観光施策の内部評価", access_level="internal")
    return live_server


def test_suggestions_highlights_and_corrections(browser, site, artifacts):
    context = browser.new_context(locale="ja-JP")
    page = context.new_page()
    errors = []
    page.on("console", lambda message: errors.append(message.text)
            if message.type == "error" and "Failed to load resource" not in message.text else None)
    page.on("response", lambda response: errors.append(response.url)
            if response.status >= 400 and not response.url.endswith("/favicon.ico") else None)
    page.goto(site + "/dataset")
    page.get_by_label("データセットを検索").press_sequentially("観光", delay=50)
    suggestions = page.locator("#q-suggestions option")
    suggestions.first.wait_for(state="attached", timeout=5000)
    # Only what the public may read is suggested.
    assert suggestions.evaluate_all("options => options.map(o => o.value)") == ["観光入込客数"]
    page.get_by_role("button", name="検索").click()
    page.wait_for_url(site + "/dataset?q=%E8%A6%B3%E5%85%89")
    assert page.locator(".dataset-title mark").first.inner_text() == "観光"
    page.screenshot(path=artifacts / "search.png", full_page=True)

    page.goto(site + "/dataset?q=" + "勧光")  # a conversion mistake: nothing matches
    page.get_by_role("status").get_by_role("link", name="観光").click()
    assert page.get_by_role("link", name="観光入込客数").is_visible()
    assert errors == []  # the CSP let the script run, and it failed nowhere


def test_search_page_has_no_serious_accessibility_problems(browser, site):
    page = browser.new_context(bypass_csp=True, locale="ja-JP").new_page()
    page.goto(site + "/dataset?q=%E8%A6%B3%E5%85%89")
    assert serious_violations(page) == []
