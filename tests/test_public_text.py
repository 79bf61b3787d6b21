"""What every reader can see: no drafting notes, and one account of who writes and who checks the site."""

from __future__ import annotations

import re

from bs4 import BeautifulSoup

from tools.shared import site_map

# Drafting notes speak of the clinic's original text as "the seed" or of what a page "replaced".
DRAFTING_WORDS = re.compile(r"\bseeds?\b|\b(?:was|were|has been|have been) (?:replaced|widened|left out)\b", re.I)


def public_texts(site):
    """(name, text) of every built page readers can open, and of the search index that quotes them."""
    for html in sorted(site.out.rglob("*.html")):
        if ".doctrees" in html.parts:
            continue
        soup = BeautifulSoup(html.read_text(encoding="utf-8"), "lxml")
        for hidden in soup(["script", "style"]):
            hidden.decompose()
        yield str(html.relative_to(site.out)), soup.get_text(" ")
    yield "section-search-index.js", (site.out / "section-search-index.js").read_text(encoding="utf-8")


def test_no_public_page_has_drafting_notes(site):
    found = [f"{name}: …{text[max(0, m.start() - 60):m.end() + 40]!r}…"
             for name, text in public_texts(site) for m in DRAFTING_WORDS.finditer(text)]
    assert not found, "drafting notes on public pages:\n" + "\n".join(found)


def test_home_and_about_agree_on_who_writes_and_checks(site):
    pending = any("Awaiting clinical sign-off" in site.soup(path).select_one(".page-meta").get_text()
                  for path, _, _ in site_map())
    for page in ("index", "about"):
        text = " ".join(site.soup(page).select_one("article").get_text(" ").split())
        assert "content team" in text, f"{page}: does not say the content team writes the pages"
        assert not re.search(r"written by (?:our|the clinic's) (?:physio|physiotherapist)", text, re.I), page
        if pending:
            assert re.search(r"not yet signed off|waiting to be signed off|awaiting (?:clinical )?sign-off",
                             text, re.I), f"{page}: does not say pages await a physiotherapist's sign-off"


# FAQ answers whose "Read more" link must lead to a section that says more about the same thing.
FAQ_PROMISES = {
    "breastfeeding": "breastfeed", "seizures": "seizure", "needle breaks": "broke", "lung disease": "lung",
    "lymphoedema": "lymphoedema", "heart valve": "valve", "near my eyes": "eye", "chaperone": "chaperone",
    "allowed to use needles": "authorized", "WCB": "WCB",
}


def test_faq_links_lead_to_a_section_that_answers(site):
    faq = site.soup("faq")
    missing = []
    for question, word in FAQ_PROMISES.items():
        dropdown = next((d for d in faq.select("details") if question in d.summary.get_text()), None)
        if dropdown is None:
            missing.append(f"no FAQ question with {question!r}")
            continue
        href = [a["href"] for a in dropdown.select("a[href]:not([href^=http])") if "#" in a["href"]
                and "glossary.html" not in a["href"] and "references.html" not in a["href"]][-1]
        page, anchor = href.split("#")
        section = site.soup(page.removesuffix(".html")).find(id=anchor)
        if section is None or word.lower() not in section.get_text(" ").lower():
            missing.append(f"{question!r} links to {href}, which does not mention {word!r}")
    assert not missing, missing
