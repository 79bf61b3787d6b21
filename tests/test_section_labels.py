"""The label checker: every heading of a content page has an explicit label that follows the rule.

Each case builds a small project with the `small_project` factory (conftest.py).
"""

from __future__ import annotations

import pytest

FRONT = """---
description: A test page.
reviewed: 2026-11-01
next-review: 2027-05-01
reviewer: Registered physiotherapist
sign-off: pending
---

"""


@pytest.fixture
def build_labelled(small_project):
    """Build {docname: markdown} with page_metadata and section_labels; return (app, warnings)."""

    def build(pages: dict[str, str]):
        toctree = "\n".join(name for name in pages if name != "index")
        pages.setdefault("index", f"(home)=\n# Home\n\n```{{toctree}}\n{toctree}\n```\n")
        project = small_project({name: FRONT + text for name, text in pages.items()},
                                ["myst_parser", "page_metadata", "section_labels"], nitpicky=True)
        project.build(clean=False)
        return project.app, project.warnings

    return build


GOOD = ("(aftercare)=\n# After\n\n(aftercare-normal)=\n## What is normal?\n\n"
        "(aftercare-normal-soreness)=\n### Soreness\n")


def test_labelled_pages_build_without_warnings(build_labelled):
    _, warnings = build_labelled({
        "aftercare": GOOD,
        "safety/index": "(safety)=\n# Safety\n\n(safety-overview)=\n## Overview\n",
    })
    assert warnings == ""


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("# After\n", ["aftercare.md:9", "'After'", "no label", "add `(aftercare)=`"],
                     id="title-without-label"),
        pytest.param("(aftercare)=\n# After\n\n## Does it hurt?\n",
                     ["aftercare.md:12", "'Does it hurt?'", "no label", "`(aftercare-does-it-hurt)=`"],
                     id="section-without-label"),
        pytest.param("(aftercare)=\n# After\n\n(aftercare-a)=\n## A\n\n### Deeper\n",
                     ["aftercare.md:15", "'Deeper'", "no label", "`(aftercare-deeper)=`"],
                     id="subsection-without-label"),
        pytest.param("(after-care)=\n# After\n",
                     ["aftercare.md:10", "'after-care'", "naming rule", "page slug, `(aftercare)=`"],
                     id="title-label-not-slug"),
        pytest.param("(aftercare)=\n# After\n\n(hurt)=\n## Does it hurt?\n",
                     ["aftercare.md:13", "'hurt'", "naming rule", "`(aftercare-<topic>)=`",
                      "add a redirect"],
                     id="section-label-without-slug"),
        pytest.param("(aftercare)=\n# After\n\n(aftercare_does_it_hurt)=\n## Does it hurt?\n",
                     ["aftercare.md:13", "'aftercare_does_it_hurt'", "single hyphens"],
                     id="section-label-with-underscores"),
    ],
)
def test_bad_labels_are_reported_with_file_line_and_fix(build_labelled, text, expected):
    _, warnings = build_labelled({"aftercare": text})
    for fragment in expected:
        assert fragment in warnings, f"{fragment!r} not in warnings:\n{warnings}"


def test_section_index_and_home_use_their_own_slugs(build_labelled):
    _, warnings = build_labelled({
        "index": "(index)=\n# Home\n\n```{toctree}\nsafety/index\n```\n",
        "safety/index": "(safety-index)=\n# Safety\n",
    })
    assert "index.md:10" in warnings and "`(home)=`" in warnings
    assert "safety/index.md:10" in warnings and "`(safety)=`" in warnings
