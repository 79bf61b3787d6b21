"""The evidence file (docs/evidence.toml) and its directives, on a tiny project and on the real site.

Bad records fail the strict build with the file, the line of the record and what to write; good
ones render as summaries of findings and a chart whose citations resolve through sphinxcontrib-bibtex.
"""

from __future__ import annotations

import re
import textwrap
import tomllib
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from tools import shared

CONDITIONS = textwrap.dedent("""\
    [conditions.neck]
    name = "Neck pain"
    short = "Neck"
    page = "neck"
""")
FINDING = textwrap.dedent("""\
    [[finding]]
    condition = "neck"
    comparison = "sham"
    outcome = "Pain"
    time = "Short term"
    result = "Pain was lower."
    direction = "better"
    certainty = "low"
    source = "known2020"
    clinician = "MD −1.5 (95% CI −2.0 to −1.0)."
""")
NECK_PAGE = "# Neck\n\n:::{evidence-summary}\n:condition: neck\n:::\n"
INDEX_PAGE = ("# Home\n\n:::{evidence-chart}\n:::\n\n```{toctree}\nneck\n```\n\n"
              "```{bibliography}\n```\n\n```{glossary}\nSham needling\n   Fake needling.\n```\n")


@pytest.fixture
def build_evidence(small_project, known_bib):
    """Build a tiny project with the given evidence file; return (app, warnings)."""

    def build(evidence: str, pages: dict[str, str] | None = None):
        pages = {"index": INDEX_PAGE, "neck": NECK_PAGE, **(pages or {})}
        project = small_project(pages, ["myst_parser", "sphinx_design", "sphinxcontrib.bibtex", "evidence"],
                                files={"refs.bib": known_bib, "evidence.toml": evidence}, bibtex_bibfiles=["refs.bib"],
                                nitpicky=True, myst_enable_extensions=["colon_fence"]).build(clean=False)
        return project.app, project.warnings

    return build


def test_good_evidence_renders_a_summary_and_a_chart(build_evidence):
    app, warnings = build_evidence(CONDITIONS + "\n" + FINDING)
    assert warnings == ""
    neck = BeautifulSoup((app.outdir / "neck.html").read_text(encoding="utf-8"), "lxml")
    summary = neck.select_one(".evidence-summary")
    assert summary["data-condition"] == "neck"
    text = summary.get_text(" ", strip=True)
    for words in ("Needling compared with fake needling", "Pain was lower.", "Needling did better", "Low"):
        assert words in text
    scale = summary.select_one("[role=img]")
    assert scale["aria-label"] == "2 of 4" and scale.get_text() == "■■□□"
    citation = summary.select_one(".bibtex-citation a")  # resolved by sphinxcontrib-bibtex
    page, _, target = citation["href"].partition("#")
    entry = BeautifulSoup((app.outdir / page).read_text(encoding="utf-8"), "lxml").find(id=target)
    assert "A known study" in entry.find_parent(["dd", "div", "li"]).get_text()
    clinicians = neck.select_one(".for-clinicians")
    assert "95% CI −2.0 to −1.0" in clinicians.get_text() and clinicians.select_one(".bibtex-citation a")
    home = BeautifulSoup((app.outdir / "index.html").read_text(encoding="utf-8"), "lxml")
    svg = home.select_one(".evidence-chart svg[role=img]")
    assert home.find(id=svg["aria-labelledby"]).get_text().startswith("How sure the research is")
    words = home.find(id=svg["aria-describedby"]).find_next("ul").get_text(" ", strip=True)
    assert "Neck pain : 1 finding. How sure: 1 low. Needling did better in 1." in words
    assert "evidence.css" in (app.outdir / "neck.html").read_text(encoding="utf-8")


def test_pages_without_evidence_do_not_load_its_stylesheet(build_evidence):
    app, _ = build_evidence(CONDITIONS + "\n" + FINDING, {"other": "# Other\n\nText.\n",
                                                        "index": INDEX_PAGE.replace("neck\n```", "neck\nother\n```")})
    assert "evidence.css" not in (app.outdir / "other.html").read_text(encoding="utf-8")


def line_of(text: str, needle: str) -> int:
    return next(number for number, line in enumerate(text.splitlines(), 1) if needle in line)


@pytest.mark.parametrize(
    ("change", "needle", "expected"),
    [
        (('source = "known2020"', 'source = "unknown1999"'), 'source = "unknown1999"',
         "unknown citation key 'unknown1999'; cite a key of docs/references.bib"),
        (('condition = "neck"', 'condition = "knee"'), 'condition = "knee"',
         "unknown condition 'knee'; use one of neck, or add [conditions.knee]"),
        (('certainty = "low"\n', ''), "[[finding]]", "missing 'certainty'; write certainty = one of"),
        (('certainty = "low"', 'certainty = "lowish"'), 'certainty = "lowish"', "unknown certainty 'lowish'"),
        (('certainty = "low"', 'certainty = "low to very low"'), 'certainty = "low to very low"',
         "unknown certainty 'low to very low'"),
        (('outcome = "Pain"', 'outcome = "Pain"\neffect = "big"'), 'effect = "big"',
         "unknown field 'effect'; allowed fields are"),
        (('comparison = "sham"', 'comparison = "placebo"'), 'comparison = "placebo"',
         "unknown comparison 'placebo'; write one of \"sham\""),
        (('direction = "better"', 'direction = "up"'), 'direction = "up"', "unknown direction 'up'"),
        (('page = "neck"', 'page = "nekc"'), 'page = "nekc"',
         "condition 'neck': page 'nekc' is not a page of the site"),
        (('name = "Neck pain"\n', ''), "[conditions.neck]", "condition 'neck': missing 'name'"),
    ],
)
def test_bad_record_fails_with_file_line_and_fix(build_evidence, change, needle, expected):
    evidence = (CONDITIONS + "\n" + FINDING).replace(*change)
    _, warnings = build_evidence(evidence)
    assert f"evidence.toml:{line_of(evidence, needle)}: WARNING: " in warnings, warnings
    assert expected in warnings, warnings
    assert "Traceback" not in warnings


def test_bad_toml_and_unknown_condition_in_a_directive(build_evidence):
    _, warnings = build_evidence(CONDITIONS + "\n[[finding]\n")
    assert "evidence.toml:" in warnings and "is not valid TOML" in warnings
    _, warnings = build_evidence(CONDITIONS + "\n" + FINDING,
                                 {"neck": NECK_PAGE.replace(":condition: neck", ":condition: nekc")})
    assert re.search(r"neck\.md:\d+: WARNING: evidence-summary: unknown condition 'nekc'; use one of neck",
                     warnings), warnings


def test_chart_labels_are_read_one_by_one():
    """The readability check scores each label of a chart on its own, not as one long sentence."""
    from tools.readability import patient_text, score_text

    html = ('<article role="main"><svg role="img"><title>How sure we are.</title><text>Not rated</text>'
            '<text>Very low</text><text>Neck</text></svg></article>')
    assert score_text(patient_text(html)).sentences == 4


def test_filters_and_compact_overview(build_evidence):
    """:comparison:, :source: and :headline: pick findings; a finding about two shown conditions appears once."""
    two = CONDITIONS + '\n[conditions.jaw]\nname = "Jaw pain"\nshort = "Jaw"\npage = "neck"\n'
    shared = FINDING.replace('condition = "neck"', 'condition = ["neck", "jaw"]').replace(
        "Pain was lower.", "Shared finding.")
    other = FINDING.replace('comparison = "sham"', 'comparison = "another treatment"').replace(
        "Pain was lower.", "Other finding.").replace('source = "known2020"', 'source = "known2020"\nheadline = true')
    page = ("# Neck\n\n:::{evidence-summary}\n:condition: neck, jaw\n:compact:\n:clinician: no\n:::\n\n"
            ":::{evidence-summary}\n:condition: all\n:comparison: another treatment\n:compact:\n:clinician: no\n:::\n\n"
            ":::{evidence-summary}\n:condition: all\n:headline:\n:source: known2020\n:clinician: no\n:::\n")
    app, warnings = build_evidence(two + "\n" + shared + "\n" + other, {"neck": page})
    assert warnings == ""
    blocks = BeautifulSoup((app.outdir / "neck.html").read_text(encoding="utf-8"), "lxml").select(".evidence-summary")
    assert [b["data-condition"] for b in blocks] == ["neck", "neck", "neck"]  # jaw's only finding is neck's too
    first, second, third = (b.get_text() for b in blocks)
    assert "Shared finding." in first and "Other finding." in first
    assert "Other finding." in second and "Shared finding." not in second
    assert "Other finding." in third and "Shared finding." not in third
    assert blocks[2].select_one("table caption").get_text() == "Summary of findings: Neck pain"


# -- the real site -----------------------------------------------------------------------------

def evidence_data() -> dict:
    return tomllib.loads((shared.DOCS / "evidence.toml").read_text(encoding="utf-8"))


def test_every_condition_page_shows_its_summary_from_the_file(site):
    conditions = evidence_data()["conditions"]
    pages = {table["page"] for table in conditions.values()}
    condition_pages = {f"topics/conditions/{p.stem}" for p in (shared.DOCS / "topics" / "conditions").glob("*.md")
                       if p.stem != "index"}
    assert condition_pages <= pages, "every condition page has a condition in docs/evidence.toml"
    for key, table in conditions.items():
        summary = site.soup(table["page"]).select_one(f'.evidence-summary[data-condition="{key}"]')
        assert summary is not None, f"{table['page']} shows no summary of findings for {key!r}"
        assert summary.select("tbody tr, li") and summary.select(".bibtex-citation a")


def test_evidence_page_shows_the_chart_for_every_condition(site):
    soup = site.soup("topics/science/evidence")
    chart = soup.select_one("#evidence-by-condition .evidence-chart svg[role=img]")
    assert chart is not None and soup.find(id=chart["aria-labelledby"]).get_text(strip=True)
    words = soup.find(id=chart["aria-describedby"]).find_next("ul").get_text(" ", strip=True)
    for table in evidence_data()["conditions"].values():
        assert table["name"] in words
    assert soup.select('#evidence-overall .evidence-summary[data-condition="other"] li')


def test_changing_one_record_changes_every_page_that_shows_it(site, edited_evidence_site):
    """Edit one record in a copy of docs/, build it (conftest's edited_evidence_site), and compare with
    the site built from the original."""
    edit = edited_evidence_site.edits["headline added to other care"]
    assert (shared.DOCS / "evidence.toml").read_text(encoding="utf-8").count(edit.record["result"]) == 1, \
        "pick a record whose result is said nowhere else"
    showing = {path.relative_to(site.out) for path in site.out.rglob("*.html")
               if edit.record["result"] in path.read_text(encoding="utf-8")}
    page = evidence_data()["conditions"][edit.record["condition"]]["page"]
    assert {Path(f"{page}.html"), Path("topics/science/evidence.html")} <= showing, showing
    out = edited_evidence_site.out
    changed = {path.relative_to(out) for path in out.rglob("*.html") if edit.result in path.read_text(encoding="utf-8")}
    assert changed == showing
    for page in showing:
        assert edit.record["result"] not in (out / page).read_text(encoding="utf-8")


# -- `{evidence-links}`, which the evidence page uses, on a tiny project -----------------------------------

LINKS_CONDITION = '[conditions.neck]\nname = "Neck pain"\nshort = "Neck"\npage = "neck"\n'
LINKS_FINDING = ('[[finding]]\ncondition = "neck"\ncomparison = "another treatment"\noutcome = "Pain"\n'
                 'time = "Short term"\nresult = "Pain was lower."\ndirection = "better"\ncertainty = "low"\n'
                 'source = "known2020"\n')


def links_project(small_project, known_bib, neck_page: str):
    guide = ("# Guide\n\n:::{evidence-links}\n:condition: neck\n:::\n\n```{toctree}\nneck\n```\n\n"
             "```{bibliography}\n```\n")
    return small_project({"index": guide, "neck": neck_page}, ["myst_parser", "sphinxcontrib.bibtex", "evidence"],
                         files={"refs.bib": known_bib, "evidence.toml": LINKS_CONDITION + "\n" + LINKS_FINDING},
                         bibtex_bibfiles=["refs.bib"], myst_enable_extensions=["colon_fence"])


def test_evidence_links_lead_to_the_section_that_holds_the_summary(small_project, known_bib):
    neck = "# Neck\n\n(neck-research)=\n## What studies found\n\n:::{evidence-summary}\n:condition: neck\n:::\n"
    links = BeautifulSoup(links_project(small_project, known_bib, neck).build().html("index"), "lxml").select(
        "ul.research-links > li")
    assert [(li["data-condition"], li.a["href"], li.get_text()) for li in links] == [
        ("neck", "neck.html#neck-research", "Neck pain")]


def test_a_condition_whose_page_has_no_summary_fails_at_the_directive(small_project, known_bib):
    warnings = links_project(small_project, known_bib, "# Neck\n\nNo summary here.\n").build(clean=False).warnings
    message = r"index\.md:3: WARNING: evidence-links: neck has no summary of findings on its page neck"
    assert re.search(message, warnings), warnings
