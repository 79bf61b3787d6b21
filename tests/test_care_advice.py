"""Care advice and clinic details have one source each, and the built site shows only that source.

The "When should I get help?" cards come from docs/care-advice.toml through the ``{care-advice}``
directive (docs/_ext/care_advice.py); the clinic's phone, email and address from conf.py's ``clinic``
(docs/_ext/clinic_details.py). Tiny projects prove each build check fails with the file and line;
the real site proves every card comes from the data and the lung warning is an emergency everywhere.
"""

from __future__ import annotations

import re
import tomllib
from urllib.parse import unquote

import pytest
from bs4 import BeautifulSoup

from tools.shared import DOCS, ROOT

DATA = tomllib.loads((DOCS / "care-advice.toml").read_text(encoding="utf-8"))
SYMPTOMS = {s["id"]: s for group in DATA["group"] for s in group.get("symptom", [])}
LEVELS = ("non-urgent", "urgent", "emergency")
CLINIC = {"name": "Test Clinic", "address": "1 Main St, Town, AB T1T 1T1", "phone": "555-010-2030",
          "phone_href": "tel:+15550102030", "email": "hello@example.org",
          "emergency_number": "911", "health_link": "811"}
LUNG_WORDS = re.compile(r"breath|chest|cough|lung", re.I)


def care_data(symptoms: str = "", extra: str = "") -> str:
    """A small care-advice.toml: three levels, the real rules, one group with `symptoms` added."""
    return f"""\
[levels.non-urgent]
title = "Call the clinic at {{{{ clinic_phone }}}} if"
[levels.urgent]
title = "See a doctor today if"
note = "Cannot see a doctor today? Call {{{{ health_link }}}}."
[levels.emergency]
title = "Go to the emergency department now, or call {{{{ emergency_number }}}}, if"

[[rules.floor]]
words = ["breath", "chest"]
level = "emergency"
why = "lungs"

[[rules.never]]
words = ["sudden"]
why = "signs build slowly"

[[group]]
name = "after"

[[group.symptom]]
id = "sore"
level = "non-urgent"
text = "You are still sore."
why = "test"

[[group.symptom]]
id = "lung"
level = "emergency"
text = "You are short of breath."
why = "test"
{symptoms}
{extra}"""


@pytest.fixture
def build_care(small_project):
    """Build a small project with the two extensions; return (project, warnings)."""

    def build(page: str = ":::{care-advice} after\n:::\n", data: str | None = None,
              files: dict[str, str] | None = None):
        project = small_project({"index": f"# Home\n\n{page}"}, ["myst_parser", "clinic_details", "care_advice"],
                                files={"care-advice.toml": care_data() if data is None else data, **(files or {})},
                                clinic=CLINIC, exclude_patterns=["_snippets"], myst_enable_extensions=["colon_fence"])
        project.build(clean=False)
        return project, project.warnings

    return build


# -- small projects: what renders, and every check fails with the file and line -----------------------

def test_cards_render_from_the_data_with_clinic_links(build_care):
    project, warnings = build_care()
    assert warnings == ""
    html = project.html("index")
    assert 'class="care care-non-urgent admonition"' in html and 'class="care care-emergency admonition"' in html
    assert "care-urgent" not in html, "a level with no symptom of the asked groups gets no card"
    assert 'href="tel:+15550102030">555-010-2030</a>' in html
    assert 'href="tel:911">911</a>' in html
    assert 'class="care-item-lung"' in html and "You are short of breath." in html


def test_substitutions_give_tel_and_mailto_links(build_care):
    project, warnings = build_care("Call {{ clinic_phone }} or write to {{ clinic_email }} at {{ clinic_address }}.\n")
    assert warnings == ""
    html = project.html("index")
    assert 'href="tel:+15550102030">555-010-2030</a>' in html
    mailto = BeautifulSoup(html, "lxml").select_one("a[href^='mailto:']")
    assert unquote(mailto["href"]) == "mailto:hello@example.org" and mailto.get_text() == "hello@example.org"
    assert "1 Main St, Town, AB T1T 1T1" in html


@pytest.mark.parametrize(
    ("source", "data", "expected"),
    [
        pytest.param(":::{admonition} Call 911 if\n:class: care care-emergency\n- Chest pain.\n:::\n", None,
                     ["index.md:4", "written by hand", "{care-advice}"], id="hand-written-card"),
        pytest.param(":::{care-advice} after, aftre\n:::\n", None,
                     ["index.md:3", "no symptom group 'aftre'", "known groups: after"], id="unknown-group"),
        pytest.param(None, care_data('[[group.symptom]]\nid = "sore"\nlevel = "urgent"\ntext = "Sore."\nwhy = "x"\n'),
                     ["@id = \"sore\"", "'sore' is written twice", "'non-urgent' on line 22", "'urgent' here"],
                     id="same-id-two-levels"),
        pytest.param(None, care_data("", '[[group]]\nname = "other"\n[[group.symptom]]\nid = "still-sore"\n'
                                         'level = "urgent"\ntext = "You are STILL sore!"\nwhy = "x"\n'),
                     ["@id = \"still-sore\"", "'still-sore' has the same words as 'sore'", "level 'non-urgent'"],
                     id="same-words-across-groups"),
        pytest.param(None, care_data('[[group.symptom]]\nid = "breathe"\nlevel = "urgent"\n'
                                     'text = "It hurts to breathe in."\nwhy = "x"\n'),
                     ["@id = \"breathe\"", "'breathe' mentions 'breath'", "move it to level 'emergency'"],
                     id="lung-sign-below-emergency"),
        pytest.param(None, care_data('[[group.symptom]]\nid = "fast"\nlevel = "emergency"\n'
                                     'text = "Sudden chest pain."\nwhy = "x"\n'),
                     ["@id = \"fast\"", "'fast' says 'sudden'", "signs build slowly"], id="never-word"),
        pytest.param(None, care_data('[[group.symptom]]\nid = "x"\nlevel = "soon"\ntext = "X."\nwhy = "x"\n'),
                     ["@id = \"x\"", "unknown level 'soon'"], id="unknown-level"),
        pytest.param(None, care_data("", '[[group]]\nname = "more"\ninclude = ["nothing"]\n'),
                     ["@name = \"more\"", "includes 'nothing', which no group defines"], id="bad-include"),
        pytest.param(None, care_data() + "[[group.symptom]\n", ["@[[group.symptom]", "fix the TOML syntax"],
                     id="toml-syntax"),
    ],
)
def test_bad_care_advice_is_reported_with_file_and_line(build_care, source, data, expected):
    _, warnings = build_care(source or ":::{care-advice} after\n:::\n", data)
    for fragment in expected:
        if fragment.startswith("@"):  # the data file's line where this text is, last occurrence
            lines = (data or "").splitlines()
            fragment = f"care-advice.toml:{max(n for n, line in enumerate(lines, 1) if line == fragment[1:])}:"
        assert fragment in warnings, f"{fragment!r} not in warnings:\n{warnings}"


@pytest.mark.parametrize("typed", ["555-010-2030", "(555) 010 2030", "+1 555.010.2030", "HELLO@example.org"])
def test_typed_phone_or_email_in_a_page_is_reported(build_care, typed):
    _, warnings = build_care(f"Text.\n\nCall {typed} to book.\n")
    assert "index.md:5" in warnings and "typed into the page" in warnings and "{{ clinic_" in warnings


def test_typed_phone_in_an_included_snippet_or_the_care_data_is_reported(build_care):
    page = "```{include} _snippets/booking.md\n```\n"
    data = care_data("", "").replace("You are still sore.", "Call 555 010 2030.")
    _, warnings = build_care(page, data, files={"_snippets/booking.md": "Book.\n\nPhone 555-010-2030.\n"})
    assert "booking.md:3" in warnings and "care-advice.toml:24" in warnings, warnings


def test_a_longer_number_is_not_the_phone(build_care):
    _, warnings = build_care("Study ID 15550102030999.\n")
    assert warnings == ""


# -- the real data ------------------------------------------------------------------------------------

def test_every_symptom_has_a_level_a_reason_and_a_source():
    for symptom in SYMPTOMS.values():
        assert symptom["level"] in LEVELS, symptom["id"]
        assert symptom["why"].strip() and symptom.get("source", "").strip(), symptom["id"]


def test_the_groups_other_helpers_build_to_exist():
    names = {group["name"] for group in DATA["group"]}
    assert {"after-needling", "after-needling-chest", "neck-and-headache", "low-back", "emergencies"} <= names


def test_the_lung_warning_is_settled_as_the_issue_states():
    lung = SYMPTOMS["collapsed-lung-signs"]
    assert lung["level"] == "emergency"
    text = lung["text"].lower()
    for words in ("neck, shoulders, upper back or chest wall", "shortness of breath", "chest pain",
                  "worse when you breathe in", "dry cough", "a day or two", "tell them you had needling, and where"):
        assert words in text, words
    assert "call {{ emergency_number }} if it is severe or getting worse" in DATA["levels"]["emergency"]["note"].lower()


# -- the built site -----------------------------------------------------------------------------------

def pages(site):
    return sorted(str(p.relative_to(site.out).with_suffix("")) for p in site.out.rglob("*.html")
                  if "_static" not in p.parts)


def cards(site):
    """(page, level, card) for every care card in the built site."""
    for page in pages(site):
        for card in site.soup(page).select("article .care"):
            level = next(c.removeprefix("care-") for c in card["class"] if c.removeprefix("care-") in LEVELS)
            yield page, level, card


def test_every_card_on_every_page_comes_from_the_one_source(site):
    texts: dict[str, str] = {}
    titles = {"non-urgent": "Call the clinic at 780-539-1261, or Health Link at 811 for nurse advice day or night, if",
              "urgent": "See a doctor today, or go to an urgent care centre, if",
              "emergency": "Go to the emergency department now, or call 911, if"}
    found = list(cards(site))
    assert len({page for page, _, _ in found}) >= 13
    for page, level, card in found:
        title = re.sub(r"\s+([,.])", r"\1", " ".join(card.select_one(".admonition-title").get_text(" ").split()))
        assert title == titles[level], f"{page}: {level} card titled {title!r}"
        items = card.select(":scope > ul > li")
        assert items, f"{page}: an empty {level} card"
        for item in items:
            ids = [c.removeprefix("care-item-") for c in item.get("class", []) if c.startswith("care-item-")]
            assert ids and ids[0] in SYMPTOMS, \
                f"{page}: a {level} card item not from care-advice.toml: {item.get_text()[:80]}"
            assert SYMPTOMS[ids[0]]["level"] == level, f"{page}: {ids[0]} shown at {level}"
            text = " ".join(item.get_text(" ").split())
            assert texts.setdefault(ids[0], text) == text, f"{page}: {ids[0]} reads differently from another page"


def test_lung_signs_are_an_emergency_wherever_a_card_mentions_them(site):
    checked = 0
    for page, level, card in cards(site):
        text = card.get_text(" ")
        assert "sudden" not in text.lower(), f"{page}: a {level} card says 'sudden'"
        for item in card.select(":scope > ul > li"):
            if LUNG_WORDS.search(item.get_text()):
                checked += 1
                assert level == "emergency", f"{page}: {item.get_text()[:80]!r} is in the {level} card"
    assert checked >= 13


def test_every_page_about_needling_carries_the_lung_warning(site):
    for page in ("topics/safety/index", "topics/safety/aftercare", "topics/safety/side-effects",
                 "topics/conditions/neck-and-headaches", "topics/conditions/shoulder-and-upper-back",
                 "topics/science/how-it-works", "topics/comparisons/injections", "contact"):
        card = site.soup(page).select_one("article .care-emergency")
        assert card is not None and card.select_one(".care-item-collapsed-lung-signs"), page
        assert "emergency department" in card.get_text() and "Tell them you had needling" in card.get_text()


def test_no_hand_written_card_or_typed_phone_number_in_the_sources():
    from clinic_details import literal_patterns  # docs/_ext is on the path through conf.py

    clinic = {"phone": "780-539-1261", "email": "info@hillstar.ca"}
    conf = (ROOT / "conf.py").read_text(encoding="utf-8")
    assert all(value in conf for value in clinic.values()), "conf.py's clinic dict moved: update this test"
    for path in [*DOCS.rglob("*.md"), *DOCS.rglob("*.toml")]:
        text = path.read_text(encoding="utf-8")
        assert not re.search(r":class:.*\bcare-(?:non-urgent|urgent|emergency)\b", text), path
        for pattern, _ in literal_patterns(clinic):
            assert not pattern.search(text), f"{path}: types the clinic's {pattern.pattern[:20]}..."


def test_phone_number_shows_only_as_a_link_or_in_the_footers(site):
    for page in pages(site):
        soup = site.soup(page)
        for text in soup.find_all(string=re.compile(r"780\D?539\D?1261")):
            if text.find_parent(["script", "style"]) or text.find_parent(class_=["clinic-footer", "print-footer"]):
                continue
            link = text.find_parent("a")
            assert link is not None and link.get("href") == "tel:+17805391261", (
                f"{page}: the phone number outside a tel: link: {text.parent}")
