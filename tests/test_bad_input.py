"""Bad input fails the strict build with the file, the problem and the fix.

Each case builds a small project with our extensions (the `small_project` factory in conftest.py).
"""

from __future__ import annotations

import pytest

GOOD_META = {
    "description": "A test page.",
    "reviewed": "2026-11-01",
    "next-review": "2027-05-01",
    "reviewer": "Registered physiotherapist",
    "sign-off": "pending",
}


# A page body with a glossary; its entries start at lines 14 and 17 of the page, `extra` at line 20.
GLOSSARY = """```{{glossary}}
:sorted:

Needle
   A thin tool.

Knot
   A sore spot.

{extra}```"""


def page(title: str, body: str = "Text.", label: str | None = None, **meta: str | None) -> str:
    fields = {**GOOD_META, **meta}
    front = "\n".join(f"{key}: {value}" for key, value in fields.items() if value is not None)
    anchor = f"({label})=\n" if label else ""
    return f"---\n{front}\n---\n\n{anchor}# {title}\n\n{body}\n"


@pytest.fixture
def build_tiny(small_project, known_bib):
    """Build a small project from {docname: text} strictly (-W); return (app, warnings).

    `runs=2` builds it a second time, unchanged, and returns (app, warnings) of each run.
    """

    def build(pages: dict[str, str], runs: int = 1):
        pages.setdefault("index", page("Home", "```{toctree}\nother\n```\n\n```{bibliography}\n```"))
        pages.setdefault("other", page("Other"))
        project = small_project(pages, ["strict_rebuild", "myst_parser", "sphinxcontrib.bibtex", "page_metadata",
                                        "glossary_checks"],
                                files={"refs.bib": known_bib}, bibtex_bibfiles=["refs.bib"], nitpicky=True)
        results = [(project.build(clean=False, strict=True).app, project.warnings) for _ in range(runs)]
        return results[0] if runs == 1 else results

    return build


def test_good_project_builds_without_warnings(build_tiny):
    _, warnings = build_tiny({})
    assert warnings == ""


@pytest.mark.parametrize(
    ("other_page", "expected"),
    [
        pytest.param(page("Other", reviewer=None), ["other.md:", "'reviewer'", "missing", "add `reviewer:`"],
                     id="missing-field"),
        pytest.param(page("Other", reviewed="27/11/2026"),
                     ["other.md:3", "'reviewed'", "not a valid date", "YYYY-MM-DD"],
                     id="malformed-date"),
        pytest.param(page("Other", reviewed="2026-13-01"),
                     ["other.md:3", "'reviewed'", "2026-13-01 is not a date that exists", "YYYY-MM-DD"],
                     id="impossible-date"),
        pytest.param(page("Other").replace("pending\n---\n", "pending\n", 1),
                     ["other.md:1", "no closing `---`", "add a line `---` after its last field (line 6)"],
                     id="unclosed-front-matter"),
        pytest.param(page("Other", reviewer="Physio: senior: x"),
                     ["other.md:5", "not valid YAML", "quote a value that contains a colon"], id="front-matter-yaml"),
        pytest.param(page("Other", **{"next-review": "2026-10-01"}),
                     ["other.md:4", "'next-review'", "not after reviewed", "write a later date"],
                     id="next-review-before-reviewed"),
        pytest.param(page("Other", reviwed="2026-11-01"),
                     ["other.md:", "'reviwed'", "unknown field", "check the spelling"],
                     id="unknown-field"),
        pytest.param(page("Other", **{"copy-link": "hide"}),
                     ["other.md:7", "'copy-link'", "'hide' is not allowed", "write false"], id="copy-link-not-false"),
        pytest.param(page("Other", "See {ref}`no-such-label`."), ["other.md:", "no-such-label"],
                     id="broken-ref"),
        pytest.param(page("Other", "As shown {cite:p}`unknown2099`."), ["other.md:", "unknown2099"],
                     id="unknown-citation"),
        pytest.param(page("Other", "A {term}`no such term`."), ["other.md:", "no such term"],
                     id="unknown-term"),
        pytest.param(page("Other", GLOSSARY.format(extra="Needle\n   Again.\n")),
                     ["other.md:20:", "'Needle' is already defined at line 14", "keep one entry"],
                     id="duplicate-glossary-term"),
        pytest.param(page("Other", GLOSSARY.format(extra="Taut band\nA tight strip of muscle.\n")),
                     ["other.md:21:", "looks like the definition of glossary entry 'Taut band' (line 20)",
                      "indent it by three spaces"], id="unindented-glossary-definition"),
    ],
)
def test_bad_input_is_reported_with_file_and_fix(build_tiny, other_page, expected):
    # The second, unchanged build must fail the same way: Sphinx alone re-reads nothing and passes.
    for app, warnings in build_tiny({"other": other_page}, runs=2):
        assert app.statuscode == 1
        assert "Traceback" not in warnings
        for fragment in expected:
            assert fragment in warnings, f"{fragment!r} not in warnings:\n{warnings}"
        for misleading in ("duplicate term description", "must not be separated by empty lines"):
            assert misleading not in warnings  # Sphinx's message for the same problem, at another line


def test_duplicate_label_across_pages_is_reported(build_tiny):
    home = page("Home", "```{toctree}\nother\n```", label="dup")
    for app, warnings in build_tiny({"index": home, "other": page("Other", label="dup")}, runs=2):
        assert app.statuscode == 1
        assert "duplicate label dup" in warnings and "other instance in" in warnings


def test_page_in_no_toctree_is_reported(build_tiny):
    _, warnings = build_tiny({"lost": page("Lost")})
    assert "lost.md" in warnings and "isn't included in any toctree" in warnings


def test_overdue_page_shows_a_note(build_tiny):
    app, warnings = build_tiny({"other": page("Other", reviewed="2020-01-01", **{"next-review": "2020-06-01"})})
    assert warnings == ""
    html = (app.outdir / "other.html").read_text()
    assert "Check overdue" in html
    assert app.env.metadata["other"]["review-overdue"] is True


def test_metadata_line_is_under_the_title(build_tiny):
    app, _ = build_tiny({})
    html = (app.outdir / "other.html").read_text()
    title_end = html.index("</h1>")
    assert html.index("Checked against its sources on 1 November 2026 · Next check due 1 May 2027") > title_end
    assert "Awaiting clinical sign-off" in html
