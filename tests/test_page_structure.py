"""A box that swallowed what follows it, and third-party or unsafe HTML, fail the build at the line
to fix, on every run (docs/_ext/fence_structure.py, docs/_ext/safe_html.py)."""

from __future__ import annotations

import pytest

EXTENSIONS = ["strict_rebuild", "myst_parser", "sphinx_design", "security_headers", "fence_structure", "safe_html"]
# Furo and the site's CSP: the one inline script a page has is Furo's, allowed by its hash.
CONF = {"myst_enable_extensions": ["colon_fence", "attrs_block", "attrs_inline"], "html_theme": "furo"}

IN_SHORT = ":::{admonition} In short\n:class: in-short\nTwo short sentences.\n"
URGENT = ":::{admonition} See a doctor today if\n:class: care care-urgent\n- a fever\n"
EMERGENCY = ":::{admonition} Call 911 if\n:class: care care-emergency\n- you cannot breathe\n"
HEADING = "(other-next)=\n## What happens next?\n\nText.\n"


def build_twice(small_project, body: str, **conf):
    project = small_project({"index": "# Home\n\n```{toctree}\nother\n```\n", "other": f"# Other\n\n{body}"},
                            EXTENSIONS, **{**CONF, **conf})
    for _ in range(2):  # the second, unchanged build fails the same way
        project.build(clean=False, strict=True)
        yield project.app.statuscode, project.warnings


# Line numbers are those of other.md: "# Other" is line 1, the body starts at line 3.
CASES = [
    pytest.param(IN_SHORT + "\n" + HEADING, ["other.md:3:", '"In short" box that opens here contains the heading',
                                             "'What happens next?' (line 8)", "close the box with `:::`"],
                 id="in-short-swallows-heading"),
    pytest.param(URGENT + "\n" + EMERGENCY + ":::\n",
                 ["other.md:3:", "care card 'See a doctor today if' that opens here contains the care card "
                  "'Call 911 if' that opens at line 7", "close the first with `:::`"], id="care-card-in-care-card"),
    pytest.param(URGENT + "\n" + HEADING + ":::\n", ["other.md:3:", "care card 'See a doctor today if'",
                                                     "contains the heading"], id="care-card-swallows-heading"),
    pytest.param('<script>alert("hi")</script>\n', ["other.md:3:", "raw HTML <script>", "docs/_static"],
                 id="raw-script"),
    pytest.param('<iframe src="https://www.youtube.com/embed/x"></iframe>\n',
                 ["other.md:3:", "raw HTML <iframe>", "loads from another host"], id="iframe"),
    pytest.param('<object data="movie.swf"></object>\n', ["other.md:3:", "raw HTML <object>"], id="object"),
    pytest.param('Text\n\n<img src="https://cdn.example.org/pic.png" alt="x">\n',
                 ["other.md:5:", "src='https://cdn.example.org/pic.png'", "loads from another host",
                  "copy the file into docs/_static"], id="external-image-raw"),
    pytest.param("![A chart](https://cdn.example.org/chart.png)\n",
                 ["other.md:3:", "image 'https://cdn.example.org/chart.png' loads from another host"],
                 id="external-image-markdown"),
    pytest.param('<button onclick="go()">Go</button>\n', ["other.md:3:", "inline event handler"],
                 id="inline-handler"),
    pytest.param("See [the old site](http://example.org/page).\n",
                 ["other.md:3:", "plain http:// link 'http://example.org/page'", "write https://", "HTTP_ALLOWED"],
                 id="plain-http-link"),
]


@pytest.mark.parametrize(("body", "expected"), CASES)
def test_swallowed_boxes_and_unsafe_html_fail_at_their_line(small_project, body, expected):
    for code, warnings in build_twice(small_project, body):
        assert code == 1
        assert "Traceback" not in warnings
        for fragment in expected:
            assert fragment in warnings, f"{fragment!r} not in:\n{warnings}"


def test_external_script_added_by_configuration_is_caught_in_the_output(small_project):
    for code, warnings in build_twice(small_project, "Text.\n", html_js_files=["https://cdn.example.org/x.js"]):
        assert code == 1
        assert "other.html:" in warnings and "src='https://cdn.example.org/x.js'" in warnings


def test_boxes_closed_properly_and_links_to_other_sites_pass(small_project):
    body = (IN_SHORT + ":::\n\n" + URGENT + ":::\n\n" + EMERGENCY + ":::\n\n" + HEADING
            + "\nRead [the NHS page](https://www.nhs.uk/).\n")
    project = small_project({"index": "# Home\n\n```{toctree}\nother\n```\n", "other": f"# Other\n\n{body}"},
                            EXTENSIONS, **CONF)
    project.build()
