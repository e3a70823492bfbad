"""The dataset search page: highlights, facets, "did you mean", sorting, suggestions."""

import re

from tests.factories import make_dataset, make_org


def page(client, query: str) -> str:
    response = client.get("/dataset?" + query)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_matches_are_highlighted_and_facets_link_to_shareable_urls(client):
    tokei = make_org("tokei", "統計調査課")
    make_dataset(tokei, name="jinko", title="市町村別人口", notes="毎月の人口と世帯数。",
                 tags=[{"name": "人口"}], resources=[{"url": "https://example.jp/a.csv", "format": "CSV"}])
    html = page(client, "q=%E4%BA%BA%E5%8F%A3")  # q=人口
    assert "市町村別<mark>人口</mark>" in html
    assert "毎月の<mark>人口</mark>と世帯数。" in html
    assert 'href="/dataset?q=%E4%BA%BA%E5%8F%A3&amp;res_format=CSV"' in html
    filtered = page(client, "q=%E4%BA%BA%E5%8F%A3&res_format=CSV&sort=newest")
    assert 'aria-current="true"' in filtered and '<option value="newest" selected' in filtered


def test_a_search_with_no_results_suggests_a_correction(client):
    make_dataset(make_org("kiki"), name="hinanjo", title="指定避難所の一覧")
    html = page(client, "q=" + "非難所")  # a classic conversion mistake (ひなん)
    assert "0" in re.search(r'id="results-heading">([^<]+)<', html).group(1)
    suggestion = re.search(r'class="did-you-mean".*?<a href="([^"]+)">([^<]+)</a>', html, re.S)
    assert suggestion and suggestion.group(2) == "避難所"
    assert "指定<mark>避難所</mark>の一覧" in page(client, suggestion.group(1).split("?", 1)[1])


def test_suggestions_are_a_small_static_script_allowed_by_the_csp(client):
    response = client.get("/dataset")
    html = response.get_data(as_text=True)
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    assert '<script src="/static/js/search-suggest.js" defer></script>' in html
    assert re.search(r"<script(?![^>]*src=)", html) is None  # no inline script
    assert 'data-suggest="/api/3/action/package_autocomplete"' in html
    with client.get("/static/js/search-suggest.js") as script:
        assert script.status_code == 200 and b"data-suggest" in script.data
