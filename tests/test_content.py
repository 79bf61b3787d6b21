"""Content rules from WRITING.md, checked on the built site.

Sources on every topic page, every number cited, labels on every heading, "In short"
first, "Related pages" with links, every glossary term used, only verified citation
keys, and every section of the clinic's original text still present somewhere.
"""

from __future__ import annotations

import re

import pytest
from bs4 import BeautifulSoup

from tools.shared import DOCS, site_map
from tools.shared import page_slug as slug

PAGES = [path for path, _, _ in site_map()]
TOPIC_PAGES = sorted(
    str(md.relative_to(DOCS).with_suffix("")).replace("\\", "/")
    for md in DOCS.glob("topics/*/*.md") if md.stem != "index"
)
BIB = DOCS / "references.bib"
CITATION = "a[href*='references.html#']"


def article(site, path: str):
    return site.soup(path).select_one("article[role=main]")


def patient_article(site, path: str):
    """A fresh copy of the article without clinician blocks, review dates and heading anchors."""
    soup = BeautifulSoup(site.html(path), "lxml").select_one("article[role=main]")
    for element in soup.select(".for-clinicians, .page-meta, .headerlink"):
        element.decompose()
    return soup


def bib_entries() -> dict[str, str]:
    """Key -> title of every entry in docs/references.bib."""
    text = BIB.read_text(encoding="utf-8")
    entries = {}
    for match in re.finditer(r"@\w+\{([^,\s]+),(.*?)\n\}", text, flags=re.S):
        title = re.search(r"\btitle\s*=\s*[{\"](.+?)[}\"],?\s*\n", match.group(2), flags=re.S)
        entries[match.group(1)] = title.group(1) if title else ""
    return entries


def letters(text: str) -> str:
    return re.sub(r"[^a-z]", "", text.lower())


def test_there_are_topic_pages():
    expected = {p for p in PAGES if p.startswith("topics/") and not p.endswith("/index")}
    assert set(TOPIC_PAGES) == expected


# -- sources ----------------------------------------------------------------------

@pytest.mark.parametrize("path", TOPIC_PAGES)
def test_topic_page_cites_a_source(site, path):
    assert article(site, path).select(CITATION), f"{path}: no citation of a source in references.html"


def test_source_files_cite_only_keys_in_the_bib():
    keys = set(bib_entries())
    unknown = {}
    for md in DOCS.rglob("*.md"):
        for group in re.findall(r"\{cite(?::[a-z]+)?\}`([^`]+)`", md.read_text(encoding="utf-8")):
            for key in (k.strip() for k in group.split(",")):
                if key and key not in keys:
                    unknown.setdefault(str(md.relative_to(DOCS)), []).append(key)
    assert not unknown, f"citation keys not in docs/references.bib: {unknown}"


def test_bibliography_lists_only_entries_of_the_bib(site):
    titles = [letters(title) for title in bib_entries().values() if title]
    entries = site.soup("references").select(".citation-list > li, .bibliography dd, .bibliography li")
    assert entries, "the references page lists no entries"
    strays = [entry.get_text(" ", strip=True)[:80] for entry in entries
              if not any(title[:60] in letters(entry.get_text()) for title in titles)]
    assert not strays, f"references page entries that match no title in references.bib: {strays}"
    assert len(entries) <= len(titles)


def test_bibliography_shows_sources_not_the_maintainers_notes(site):
    """references.bib's `note` fields (where each entry was verified, what not to fill in) are for the
    people who keep the file: the references page shows each source without them (bibliography_style)."""
    from pybtex.database import parse_file

    entries = parse_file(str(BIB)).entries
    page = letters(site.soup("references").select_one("article").get_text())
    notes = [letters(entry.fields["note"])[:60] for entry in entries.values() if "note" in entry.fields]
    assert notes and not [note for note in notes if note in page]
    dois = [entry.fields["doi"] for entry in entries.values() if "doi" in entry.fields]
    assert sum(doi.lower() in site.html("references").lower() for doi in dois) >= len(dois) * 0.9, "DOIs still link"


def test_each_citation_reads_as_the_label_of_the_entry_it_links_to(site):
    """Issue 15: pages cite by author and year, so the references page labels its entries that way (not
    [1], [2]); equal authors and years get a letter, in both places, so a citation names one entry."""
    entries = site.soup("references").select(".citation-list > li[id]")
    labels = {entry["id"]: entry.select_one("span.label").get_text().strip("[]") for entry in entries}
    assert labels and not [label for label in labels.values() if label.isdigit()], "numbered entries"
    assert len(set(labels.values())) == len(labels), "two entries share a label"
    assert "Kearns et al., 2019" in labels.values()
    assert {"College of Physiotherapists of Alberta, 2023a", "College of Physiotherapists of Alberta, 2023b"} \
        <= set(labels.values())
    checked = 0
    for path in PAGES:
        for link in site.soup(path).select(f".bibtex-citation {CITATION}"):
            anchor = link["href"].partition("#")[2]
            assert anchor in labels, f"{path}: {link} lands on no entry"
            text = link.get_text()  # the whole label; a textual citation (Hong [1994]) links its year
            assert text in (labels[anchor], labels[anchor].rpartition(", ")[2]), f"{path}: {text!r} links to " \
                f"{labels[anchor]!r}"
            checked += 1
    assert checked >= 200


# Numbers that state a finding: a percentage, a duration, a count of people or studies, "1 in 1,000".
NUMBER_FACT = re.compile(
    r"\b\d[\d,.]*\s*(?:(?:to|-|–|and|or)\s*\d[\d,.]*\s*)?"
    r"(?:%|per ?cent\b|percent\b|hours?\b|hrs?\b|h\b|days?\b|weeks?\b|months?\b|years?\b|minutes?\b"
    r"|people\b|patients\b|persons?\b|participants\b|adults\b|athletes\b|runners\b|volunteers\b"
    r"|studies\b|trials\b|reviews\b|treatments\b|sessions\b|therapists\b|physiotherapists\b)"
    r"|\b\d[\d,]*\s+(?:in|out of)\s+(?:every\s+)?\d[\d,]*\b",
    flags=re.I,
)
BLOCK_TAGS = ["li", "p", "td", "th", "dd", "dt", "h1", "h2", "h3", "h4", "h5", "h6"]


def uncited_numbers(soup) -> list[str]:
    problems = []
    for text in soup.find_all(string=NUMBER_FACT):
        # A table cell may lean on a citation anywhere in its table (column header, caption).
        cell = text.find_parent(["td", "th"])
        block = cell.find_parent("table") if cell else text.find_parent("li") or text.find_parent(BLOCK_TAGS)
        if block is None or block.select_one(CITATION):
            continue
        if block.name == "li":  # a list may lean on the citation in the sentence that introduces it
            lead_in = block.find_parent(["ul", "ol"]).find_previous_sibling()
            if lead_in is not None and lead_in.name == "p" and lead_in.select_one(CITATION):
                continue
        found = NUMBER_FACT.search(str(text)).group(0)
        problems.append(f"'{found}' in: {block.get_text(' ', strip=True)[:100]}")
    return problems


@pytest.mark.parametrize("path", TOPIC_PAGES)
def test_every_number_in_patient_text_has_a_citation(site, path):
    problems = uncited_numbers(patient_article(site, path))
    assert not problems, (f"{path}: numbers without a citation in the same paragraph or list item:\n"
                          + "\n".join(problems))


def test_number_check_can_fail():
    soup = BeautifulSoup("<article><p>Soreness lasts 2 days.</p><ul><li><p>About 19% of treatments "
                         "<a class='reference' href='../references.html#id3'>(Brady, 2014)</a>.</p></li>"
                         "<li>Call 911 or 780-539-1261.</li></ul><table><tr><th>Survey "
                         "<a class='reference' href='references.html#id4'>(Boyce, 2020)</a></th></tr>"
                         "<tr><td>16%</td></tr></table></article>", "lxml")
    assert [p.split("'")[1] for p in uncited_numbers(soup)] == ["2 days"]


# -- structure --------------------------------------------------------------------

@pytest.mark.parametrize("path", TOPIC_PAGES)
def test_in_short_comes_first(site, path):
    section = article(site, path).select_one("section")
    first = next((child for child in section.find_all(recursive=False)
                  if child.name not in ("span", "h1") and "page-meta" not in child.get("class", [])), None)
    assert first is not None and "in-short" in first.get("class", []), (
        f"{path}: the first thing after the title must be the 'In short' box")


@pytest.mark.parametrize("path", TOPIC_PAGES)
def test_related_pages_section_has_two_links(site, path):
    related = article(site, path).select_one(f"section#{slug(path)}-related")
    assert related is not None, f"{path}: no section labelled ({slug(path)}-related)="
    links = {a["href"] for a in related.select("a[href]") if "headerlink" not in a.get("class", [])}
    assert len(links) >= 2, f"{path}: 'Related pages' needs at least two links, has {sorted(links)}"


@pytest.mark.parametrize("path", PAGES)
def test_every_heading_has_an_explicit_label(site, path):
    prefix = slug(path)
    bad = []
    for heading in article(site, path).select("h1, h2, h3, h4"):
        section = heading.find_parent("section")
        section_id = section.get("id", "") if section else ""
        if not (section_id == prefix or section_id.startswith(prefix + "-")):
            bad.append(f"{heading.get_text(strip=True).rstrip('¶')!r} (id {section_id!r})")
    assert not bad, f"{path}: headings without a ({prefix}-...)= label: {bad}"


# -- glossary ---------------------------------------------------------------------

def glossary_entries(site) -> list[list[str]]:
    """Each glossary entry as the list of its term ids (the headword first; the other lines' ids sit inside it)."""
    entries, current = [], []
    for child in site.soup("glossary").select_one("dl.glossary").find_all(["dt", "dd"], recursive=False):
        if child.name == "dt":
            current.append(child.get("id"))
            current.extend(span["id"] for span in child.find_all("span", id=True))
        else:
            entries.append(current)
            current = []
    return entries


def test_glossary_has_its_terms(site):
    entries = glossary_entries(site)
    assert len(entries) >= 50
    ids = {term for entry in entries for term in entry}
    for term in ("term-Dry-needling", "term-Trigger-point", "term-Pneumothorax", "term-Health-Link"):
        assert term in ids


def test_every_glossary_entry_is_linked_from_a_page(site):
    linked = set()
    for html in site.out.rglob("*.html"):
        if html.name in ("glossary.html", "genindex.html", "search.html"):
            continue
        linked.update(re.findall(r'href="[^"#]*glossary\.html#(term-[^"]+)"', html.read_text(encoding="utf-8")))
    unused = [entry[0].removeprefix("term-") for entry in glossary_entries(site) if not linked & set(entry)]
    assert not unused, f"glossary entries no page links to (use {{term}}`...` on first use): {unused}"


# -- the clinic's original text -----------------------------------------------------

# Each seed section: its page, and words (regular expressions) its topics must still appear as.
SEED_SECTIONS = [
    ("What Is Dry Needling and How Is It Different from Acupuncture?", "topics/science/what-is-dry-needling",
     [r"needle", r"physiotherapist", r"trigger point"]),
    ("What Makes It Different from Acupuncture?", "topics/comparisons/acupuncture",
     [r"\bQi\b", r"meridian", r"training|trained"]),
    ("How Dry Needling Relieves Muscle Tension and Trigger Points", "topics/science/trigger-points",
     [r"\bband\b", r"refer", r"knot"]),
    ("How Dry Needling Works", "topics/science/how-it-works",
     [r"twitch", r"blood flow|circulation", r"inflammation"]),
    ("Dry Needling for Neck, Shoulder, or Back Pain (neck, headaches, desk work)",
     "topics/conditions/neck-and-headaches", [r"headache", r"neck", r"desk|computer|posture|postural"]),
    ("Dry Needling for Neck, Shoulder, or Back Pain (shoulder, rotator cuff)",
     "topics/conditions/shoulder-and-upper-back", [r"rotator cuff", r"upper back", r"repetitive|repeat"]),
    ("Dry Needling for Neck, Shoulder, or Back Pain (low back, sciatica)",
     "topics/conditions/low-back-and-sciatica", [r"low(er)? back", r"sciatica"]),
    ("What to Expect After a Dry Needling Session / What Helps", "topics/safety/aftercare",
     [r"water|drink", r"heat", r"stretch|movement|move"]),
    ("Common Reactions", "topics/safety/side-effects",
     [r"sore", r"bruis", r"tired|fatigue"]),
    ("Dry Needling for Athletic Recovery and Performance", "topics/conditions/sports-recovery",
     [r"runner", r"injur", r"range of motion|flexib", r"recover"]),
    ("Is Dry Needling Safe? Contraindications and Precautions", "topics/safety/contraindications",
     [r"pregnan", r"bleeding", r"infection", r"immune", r"needle phobia|fear of needles",
      r"tell your (physio|physiotherapist|therapist)|health history"]),
    ("The Science Behind Dry Needling: How It Works", "topics/science/how-it-works",
     [r"nerve|nervous", r"repair|collagen", r"circulation|blood flow|oxygen"]),
    ("Dry Needling vs. Other Manual Therapy Techniques", "topics/comparisons/manual-therapy",
     [r"massage", r"mobili[sz]ation", r"myofascial release"]),
    ("Can You Combine Dry Needling with Physiotherapy or Massage?", "topics/comparisons/combined-care",
     [r"massage", r"physiotherap", r"plan"]),
    ("Dry Needling for TMJ and Jaw Pain", "topics/conditions/jaw-and-tmj",
     [r"masseter", r"temporalis", r"clench", r"grind"]),
    ("Contact Us", "contact",
     [r"102C", r"8805 Resources Road", r"T8V 3A6", r"780-539-1261", r"info@hillstar\.ca"]),
]


@pytest.mark.parametrize("heading, path, topics", SEED_SECTIONS, ids=[row[0] for row in SEED_SECTIONS])
def test_seed_section_lives_on(site, heading, path, topics):
    soup = article(site, path)
    texts = (soup.get_text(" ", strip=True), soup.get_text(""))  # "" joins an e-mail address split by spans
    missing = [topic for topic in topics if not any(re.search(topic, text, flags=re.I) for text in texts)]
    assert not missing, f"seed section {heading!r}: {path} does not mention {missing}"


def test_every_seed_page_is_in_the_site_map():
    assert {path for _, path, _ in SEED_SECTIONS} <= set(PAGES)
