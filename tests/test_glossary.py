"""The glossary shows one clean headword per entry; every term line still links and still searches."""

from __future__ import annotations

import re

import pytest

from tools import anchors_lock
from tools.shared import DOCS

GLOSSARY_SOURCE = DOCS / "glossary.md"
SEARCH_ONLY_LINE = re.compile(r"^\{search-only\}`([^`]+)`$", re.MULTILINE)


def glossary_list(site):
    return site.soup("glossary").select_one("dl.glossary")


def search_only_words() -> list[str]:
    return SEARCH_ONLY_LINE.findall(GLOSSARY_SOURCE.read_text(encoding="utf-8"))


def test_each_entry_shows_one_headword(site):
    items = glossary_list(site).find_all(["dt", "dd"], recursive=False)
    names = [child.name for child in items]
    assert len(names) >= 100
    assert names == ["dt", "dd"] * (len(names) // 2), "an entry shows more than one headword"


def test_misspellings_and_brand_names_are_not_shown(site):
    words = search_only_words()
    assert {"Acupunture", "Planter fasciitis", "Coumadin", "Xarelto"} <= set(words)
    shown = glossary_list(site).get_text(" ")
    visible = [word for word in words if re.search(rf"(?<![\w-]){re.escape(word)}(?![\w-])", shown)]
    # A search-only line may still be a word of some definition ("Hemophilia is one example"); a misspelling may not.
    assert not {"Acupunture", "Planter fasciitis", "Coumadin", "Eliquis", "Xarelto"} & set(visible), visible


def test_hidden_term_ids_land_on_the_headword(site):
    dl = glossary_list(site)
    for hidden, headword in [("term-Acupunture", "Acupuncture"), ("term-Planter-fasciitis", "Plantar fasciitis"),
                             ("term-Warfarin", "Anticoagulant"), ("term-Blood-thinners", "Anticoagulant")]:
        target = dl.find(id=hidden)
        assert target is not None, f"#{hidden} is gone"
        dt = target if target.name == "dt" else target.find_parent("dt")
        assert dt is not None and dt.get_text(strip=True).rstrip("¶") == headword, (hidden, dt)


def test_every_locked_glossary_link_still_works(site):
    locked = [link for link in anchors_lock.read_lock(anchors_lock.LOCK) if link.startswith("glossary.html#term-")]
    assert len(locked) >= 140
    glossary = site.soup("glossary")
    broken = [link for link in locked if glossary.find(id=link.partition("#")[2]) is None]
    assert not broken, broken


def test_also_called_lists_the_shown_lines_only(site):
    dl = glossary_list(site)
    entry = dl.find(id="term-Anticoagulant").find_next_sibling("dd")
    line = entry.select_one("p.glossary-also-called")
    assert line is not None and line.get_text() == "Also called: Blood thinner, Antithrombotic."
    assert dl.find(id="term-Acupuncture").find_next_sibling("dd").select_one(".glossary-also-called") is None


def test_search_keeps_every_term_line_as_a_synonym(site):
    text = (site.out / "section-search-index.js").read_text(encoding="utf-8")
    for group in (["Acupuncture", "Acupunture"], ["Plantar fasciitis", "Planter fasciitis"]):
        assert '["' + '","'.join(group) + '"]' in text, f"{group} is no longer one synonym group"


@pytest.mark.browser
@pytest.mark.parametrize("query, expected", [
    ("acupunture", "topics/comparisons/acupuncture"),
    ("planter fasciitis", "topics/conditions/other-conditions"),
])
def test_search_finds_the_misspelled_words(page, site_url, query, expected):
    page.goto(f"{site_url}/search.html?q={query.replace(' ', '+')}")
    page.wait_for_selector(f'#search-results[data-search-state="done"][data-query="{query}"]', state="attached")
    hrefs = page.eval_on_selector_all("#search-results a", "links => links.map(a => a.getAttribute('href'))")
    assert any(href.startswith(expected + ".html") for href in hrefs[:3]), hrefs[:3]


def test_search_only_outside_a_term_or_as_headword_fails_with_its_line(small_project):
    warnings = small_project({"index": (
        "# Words\n\nA {search-only}`stray` word.\n\n"
        "```{glossary}\n{search-only}`Acupunture`\nAcupuncture\n   Thin needles.\n```\n")},
        ["myst_parser", "glossary_headwords"]).build(clean=False).warnings
    assert re.search(r"index\.md:3: WARNING: \{search-only\} marks a glossary term line", warnings), warnings
    assert re.search(r"index\.md:6: WARNING: the first term line of a glossary entry is its headword", warnings), \
        warnings
