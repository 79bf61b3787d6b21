"""The search page in a real browser: synonyms, typos, questions, section anchors, keyboard, quality.

The engine's own unit tests are in tests/js/ (tests/test_search_engine.py runs them)."""

from __future__ import annotations

import gzip
import tomllib
from pathlib import Path
from urllib.parse import quote

import pytest

from tools import search_bench, shared
from tools.page_weight import page_assets
from tools.shared import ROOT

QUERIES = Path(__file__).parent / "search-queries.tsv"
SEARCH_FILES = ("section-search-index.js", "section-search-engine.js", "section-search.js", "section-search.css")


def search(page, site_url: str, query: str) -> list[str]:
    """Open search.html?q=... and return the result links, best first."""
    page.goto(f"{site_url}/search.html?q={quote(query)}")
    done = f'#search-results[data-search-state="done"][data-query="{query}"]'
    page.wait_for_selector(done, state="attached")
    return page.eval_on_selector_all("#search-results a", "links => links.map(a => a.getAttribute('href'))")


def pages_of(hrefs: list[str], site_url: str) -> list[str]:
    return [search_bench.page_of(href, site_url) for href in hrefs]


def index_data(site) -> dict:
    return search_bench.read_index(site.out)


def test_the_site_carries_the_licences_of_what_the_semantic_table_derives_from(site):
    """WordNet 3.0's licence asks for its notice on every copy, modifications included."""
    assert "WordNet 3.0 Copyright 2006 by Princeton University" in (site.out / "licenses/WordNet-3.0.txt").read_text()
    assert "MIT License" in (site.out / "licenses/wordllama.txt").read_text()


@pytest.fixture(scope="module")
def query_file_ranking(site) -> dict:
    """The engine's ranking of our query file in Node, with the parts each query loads: one run (about
    5 CPU seconds) for the two tests that read it."""
    return search_bench.rank(site.out, [q.text for q in search_bench.read_queries(QUERIES)], parts=True)[0]


def test_search_page_download_is_within_budget_and_no_other_page_loads_search_files(site, query_file_ranking):
    """The page on opening, plus the parts of the index, texts and semantic table each query of our
    query file loads (a query loads only the parts its words need)."""
    files = page_assets(site.out, site.out / "search.html")
    names = {f.name for f in files}
    assert set(SEARCH_FILES) <= names, f"the search page should load {SEARCH_FILES}: {sorted(names)}"
    for folder in ("section-search-semantic", "section-search-terms"):
        assert len(list((site.out / folder).glob("*.js"))) >= 20, f"{folder}: a part per first letter"
    opening = sum(len(gzip.compress(f.read_bytes(), 6)) for f in files)
    queries = [q.text for q in search_bench.read_queries(QUERIES)]
    worst = max(search_bench.query_downloads(site.out, queries, opening, query_file_ranking["parts"]))
    assert worst <= search_bench.BUDGET_GZIP, f"the search page downloads up to {worst} bytes gzip for a query"
    for page in site.out.rglob("*.html"):
        if page.name != "search.html":
            loaded = {f.name for f in page_assets(site.out, page)} & set(SEARCH_FILES)
            assert not loaded, f"{page.relative_to(site.out)} loads {loaded}: only the search page may"
            html = page.read_text(encoding="utf-8")
            assert not [d for d in ("-semantic", "-terms", "-text/") if f"section-search{d}" in html]


def test_index_carries_the_one_ranking_configuration(site):
    """All of it but the settings only the build reads (page weights, the semantic table's)."""
    config = tomllib.loads((ROOT / "docs" / "_ext" / "search-ranking.toml").read_text(encoding="utf-8"))
    del config["pages"]["weights"]
    for name in ("threshold", "vocabulary", "known_words", "neighbours", "wordnet_similarity", "wordnet_floor"):
        del config["semantic"][name]
    assert index_data(site)["config"] == config


def test_index_has_sections_and_glossary_synonyms(site):
    data = index_data(site)
    anchors = [section[1] for section in data["sections"]]
    assert "aftercare-when-to-get-help" in anchors, "sections should carry their explicit labels as anchors"
    groups = [{term.lower() for term in group} for group in data["synonyms"]]
    assert any({"anticoagulant", "blood thinner"} <= group for group in groups), \
        "glossary term lines of one entry should form one synonym group"


def test_each_faq_question_is_searched_as_a_section_of_its_own(site):
    """A dropdown whose title is a question (the FAQ's) is its own document, linked to its section."""
    data = index_data(site)
    faq = {section[2]: section for section in data["sections"] if data["pages"][section[0]][0] == "faq.html"}
    assert faq["Does dry needling hurt?"][1] == "faq-session"
    assert "pain while the needle is in" in faq["Does dry needling hurt?"][3].lower()
    assert "pain while the needle is in" not in faq["About your session"][3].lower(), "indexed once, not twice"


def test_passages_shown_on_several_pages_are_indexed_as_shared_text(site):
    """A care card is written once and shown on many pages: each copy counts in the low `shared` field."""
    data = index_data(site)
    homes = ("aftercare-when-to-get-help", "side-effects-when-to-get-help", "safety-when-to-get-help")
    copies = [section for section in data["sections"] if section[1] in homes]
    assert len(copies) == 3
    for section in copies:
        assert len(section) > 6 and "emergency" in section[6].lower(), section[1]
        assert "emergency department" not in section[3].lower(), section[1]


def test_words_of_separate_blocks_stay_separate(site):
    """Table cells, list items and form options are separate blocks: their words are never glued."""
    text = " ".join(" ".join(section[2:5]) for section in index_data(site)["sections"])
    assert "What was compared What happened" in text
    assert "comparedWhat" not in text


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


def test_lay_word_the_site_does_not_use_finds_its_meaning(page, site_url):
    """The semantic layer: 'painful' is not on the site; 'pain' and 'hurt' are."""
    loaded = []
    page.on("request", lambda request: loaded.append(request.url))
    hrefs = search(page, site_url, "painful")
    assert hrefs, "no results"
    assert page.locator("#section-search-correction").is_hidden()
    parts = [url.rsplit("/", 1)[1] for url in loaded if "/section-search-semantic/" in url]
    assert parts == ["p.js"], f"only the part of the semantic table for 'p' should load: {parts}"


def test_real_word_the_site_does_not_use_is_not_corrected_into_another(page, site_url):
    search(page, site_url, "shingles after needling")
    note = page.locator("#section-search-correction")
    assert "Showing results for" not in note.inner_text()
    assert "“shingles”" in note.inner_text(), note.inner_text()
    empty = page.locator("#section-search-empty")
    assert empty.is_visible(), "words the site does not cover should offer the FAQ, glossary and phone"


def test_no_results_suggests_glossary_faq_and_contact(page, site_url):
    hrefs = search(page, site_url, "qqzxv wwqk")
    assert hrefs == []
    assert page.locator("#section-search-status").inner_text().startswith("No results")
    empty = page.locator("#section-search-empty")
    assert empty.is_visible()
    links = empty.locator("a").evaluate_all("links => links.map(a => a.getAttribute('href'))")
    for target in ("glossary.html", "faq.html", "contact.html"):
        assert target in links, f"the no-results message should link to {target}: {links}"
    phone = empty.locator("a[href^='tel:']")
    assert phone.count() == 1, "the no-results message should give the clinic's phone"
    assert phone.inner_text().strip() == clinic_phone(), "the phone comes from html_context['clinic']"


def clinic_phone() -> str:
    """The clinic's phone from its one source, html_context["clinic"] in conf.py."""
    return str(shared.read_config(html_context={}).html_context["clinic"]["phone"])


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


def test_without_javascript_the_page_explains(shared_tab, site_url):
    tab = shared_tab(java_script_enabled=False)
    tab.goto(f"{site_url}/search.html?q=knots")
    text = tab.locator("article").inner_text()
    assert "Search needs JavaScript" in text
    assert tab.locator("noscript a[href$='faq.html']").count() == 1


def test_ranking_quality_on_the_query_set(query_file_ranking):
    """Our query file (tests/search-queries.tsv), ranked by the engine on the built index.

    It must reach hit@3 >= 0.95 and MRR >= 0.90."""
    queries = search_bench.read_queries(QUERIES)
    assert len(queries) >= 120
    ranked = query_file_ranking["ranked"]
    scores = search_bench.scores(queries, ranked)
    missed = [f"{q.text!r} -> {r[:3]}" for q, r in zip(queries, ranked, strict=True) if (q.rank(r) or 99) > 3]
    assert scores["hit@3"] >= 0.95, f"hit@3 {scores['hit@3']:.3f}; missed: " + "; ".join(missed)
    assert scores["mrr"] >= 0.90, f"MRR {scores['mrr']:.3f}; missed: " + "; ".join(missed)


def test_the_benchmark_explains_a_ranking_by_what_each_word_adds(site):
    """`search_bench --explain`: for a query, the first result and each wanted page, with the scores
    the engine ranked them by; the concepts' shares add up to the section's score from its words."""
    config = index_data(site)["config"]
    query = search_bench.Query("how often should I get dry needling", ["topics/safety/aftercare"], "question")
    why = search_bench.rank(site.out, [], explain=[query])[0]["explain"][0]
    assert [word for word, _ in why["concepts"]] == ["often", "should", "dry", "needling"]
    first, *wanted = why["results"]
    assert first["rank"] == 1 and [search_bench.page_of(r["href"]) for r in wanted] == ["topics/safety/aftercare"]
    for result in why["results"]:
        assert abs(sum(value for _, value, _ in result["concepts"]) - result["words"]) < 1e-9
        section = result["words"] * result["prior"] * (1 + config["query"]["heading_likeness"] * result["likeness"])
        assert result["page"] >= section - 1e-9, "a page scores its best section and a share of the others"
    assert first["page"] >= max(r["page"] for r in wanted)


def test_the_page_ranks_as_the_engine_does_in_node(site, page, site_url):
    """The benchmark ranks in Node: the page, with its real scripts, must give the same links."""
    queries = [q.text for q in search_bench.read_queries(QUERIES)[::25]]
    expected = search_bench.rank(site.out, queries)[0]["ranked"]
    for query, hrefs in zip(queries, expected, strict=True):
        assert search(page, site_url, query) == hrefs, query
