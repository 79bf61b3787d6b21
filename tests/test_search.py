"""The search page in a real browser: synonyms, typos, questions, section anchors, keyboard, quality."""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from urllib.parse import quote

import pytest

from tools import search_bench

QUERIES = Path(__file__).parent / "search-queries.tsv"
MAX_INDEX_GZIP = 150_000


def search(page, site_url: str, query: str) -> list[str]:
    """Open search.html?q=... and return the result links, best first."""
    page.goto(f"{site_url}/search.html?q={quote(query)}")
    done = f'#search-results[data-search-state="done"][data-query="{query}"]'
    page.wait_for_selector(done, state="attached")
    return page.eval_on_selector_all("#search-results a", "links => links.map(a => a.getAttribute('href'))")


def pages_of(hrefs: list[str], site_url: str) -> list[str]:
    return [search_bench.page_of(href, site_url) for href in hrefs]


def index_data(site) -> dict:
    text = (site.out / "section-search-index.js").read_text(encoding="utf-8")
    return json.loads(text[text.index("=") + 1:].rstrip().rstrip(";"))


def test_index_is_small_and_has_sections_and_glossary_synonyms(site):
    raw = (site.out / "section-search-index.js").read_bytes()
    assert len(gzip.compress(raw, 9)) < MAX_INDEX_GZIP
    data = index_data(site)
    anchors = [section[1] for section in data["sections"]]
    assert "aftercare-when-to-get-help" in anchors, "sections should carry their explicit labels as anchors"
    groups = [{term.lower() for term in group} for group in data["synonyms"]]
    assert any({"anticoagulant", "blood thinner"} <= group for group in groups), \
        "glossary term lines of one entry should form one synonym group"


def test_synonym_from_the_glossary_finds_the_section(page, site_url):
    hrefs = search(page, site_url, "blood thinners")
    assert hrefs and hrefs[0].startswith("topics/safety/contraindications.html#"), hrefs[:3]
    hrefs = search(page, site_url, "collapsed lung")
    assert "topics/safety/side-effects" in pages_of(hrefs, site_url)[:3], hrefs[:3]


def test_lay_word_alias_finds_the_topic_page(page, site_url):
    hrefs = search(page, site_url, "knot")
    assert pages_of(hrefs, site_url)[0] == "topics/science/trigger-points", hrefs[:3]


def test_misspelling_is_corrected_and_says_so(page, site_url):
    hrefs = search(page, site_url, "shoudler pian")
    assert pages_of(hrefs, site_url)[0] == "topics/conditions/shoulder-and-upper-back", hrefs[:3]
    correction = page.locator("#section-search-correction")
    assert correction.is_visible()
    assert correction.inner_text() == "Showing results for shoulder pain."


def test_question_finds_the_answering_section(page, site_url):
    hrefs = search(page, site_url, "how long does soreness last")
    assert hrefs, "no results"
    assert pages_of(hrefs, site_url)[0] in ("topics/safety/side-effects", "topics/safety/aftercare")
    assert "#" in hrefs[0], f"the top result should link to the answering section: {hrefs[0]}"
    result = page.locator("#search-results li").first
    assert result.locator(".search-result-section").inner_text().strip(), "no section title shown"
    assert result.locator(".search-result-excerpt mark").count() > 0, "no highlighted words in the excerpt"


def test_correct_words_show_no_correction(page, site_url):
    search(page, site_url, "pregnancy")
    assert page.locator("#section-search-correction").is_hidden()


def test_no_results_suggests_glossary_faq_and_contact(page, site_url):
    hrefs = search(page, site_url, "qqzxv wwqk")
    assert hrefs == []
    assert page.locator("#section-search-status").inner_text().startswith("No results")
    empty = page.locator("#section-search-empty")
    assert empty.is_visible()
    links = empty.locator("a").evaluate_all("links => links.map(a => a.getAttribute('href'))")
    for target in ("glossary.html", "faq.html", "contact.html"):
        assert target in links, f"the no-results message should link to {target}: {links}"


def test_status_is_a_live_region_announcing_the_count(page, site_url):
    hrefs = search(page, site_url, "aftercare")
    status = page.locator("#section-search-status")
    assert status.get_attribute("role") == "status" and status.get_attribute("aria-live") == "polite"
    assert status.inner_text().startswith(f"{len(hrefs)} result")


def test_typing_and_keyboard(page, site_url):
    page.goto(f"{site_url}/search.html")
    page.wait_for_selector('#search-results[data-search-state="done"]', state="attached")
    box = page.locator("#section-search-q")
    assert box.evaluate("el => el === document.activeElement"), "the search box should have focus"
    page.keyboard.type("needle phobia", delay=30)  # results as you type, without Enter
    page.wait_for_selector('#search-results[data-query="needle phobia"] a')
    page.keyboard.press("Enter")
    assert "q=needle+phobia" in page.url or "q=needle%20phobia" in page.url
    page.keyboard.press("ArrowDown")
    first = page.locator("#search-results a").first
    assert first.evaluate("el => el === document.activeElement"), "ArrowDown should move to the first result"
    href = first.get_attribute("href")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.endswith(href), (page.url, href)


def test_sidebar_search_box_on_a_topic_page(page, site_url):
    page.goto(f"{site_url}/topics/safety/aftercare.html")
    page.fill("input.sidebar-search", "warfarin")
    page.press("input.sidebar-search", "Enter")
    page.wait_for_selector('#search-results[data-query="warfarin"]', state="attached")
    hrefs = page.eval_on_selector_all("#search-results a", "links => links.map(a => a.getAttribute('href'))")
    assert pages_of(hrefs, site_url)[0] == "topics/safety/contraindications", hrefs[:3]


def test_without_javascript_the_page_explains(browser, site_url):
    context = browser.new_context(java_script_enabled=False)
    try:
        tab = context.new_page()
        tab.goto(f"{site_url}/search.html?q=knots")
        text = tab.locator("article").inner_text()
        assert "Search needs JavaScript" in text
        assert tab.locator("noscript a[href$='faq.html']").count() == 1
    finally:
        context.close()


def test_ranking_quality_on_the_query_set(site, page, site_url):
    """Our query file (tests/search-queries.tsv): hit@3 >= 0.95 and MRR >= 0.90."""
    queries = search_bench.read_queries(QUERIES)
    assert len(queries) >= 120
    outcomes, _ = search_bench.run_section(page, site_url, queries, fast=True)
    scores = search_bench.scores(outcomes)
    missed = [f"{o.query.text!r} -> {o.results[:3]}" for o in outcomes if not o.rank or o.rank > 3]
    assert scores["hit@3"] >= 0.95, f"hit@3 {scores['hit@3']:.3f}; missed: " + "; ".join(missed)
    assert scores["mrr"] >= 0.90, f"MRR {scores['mrr']:.3f}; missed: " + "; ".join(missed)
