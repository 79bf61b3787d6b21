"""Two pages may not share a long passage (docs/_ext/shared_passages.py): one home, linked or included."""

from __future__ import annotations

import pytest

from shared_passages import words_with_lines

SHARED = ("Soreness after needling is very common and it usually settles within a few days so keep moving "
          "gently and call the clinic if it gets worse or if you are not sure what is normal for you today")
assert len(SHARED.split()) > 25


@pytest.fixture
def build_pages(small_project):
    def build(other: str, files: dict[str, str] | None = None):
        pages = {"index": f"# Home\n\n```{{toctree}}\nother\n```\n\nIntro.\n\n{SHARED}.\n", "other": other}
        project = small_project(pages, ["myst_parser", "shared_passages"], files=files or {},
                                exclude_patterns=["_snippets"])
        return project.build(clean=False).warnings

    return build


def test_a_copied_passage_fails_at_its_line_naming_the_first_copy(build_pages):
    warnings = build_pages(f"# Other\n\nSomething else.\n\nAs we said: {SHARED}, really.\n")
    assert "other.md:5" in warnings and "index.md:9" in warnings and "25 or more words" in warnings
    assert "{ref}" in warnings and "_snippets" in warnings


def test_24_words_in_a_row_are_not_a_copy(build_pages):
    assert build_pages("# Other\n\n" + " ".join(SHARED.split()[:24]) + ".\n") == ""


def test_markup_and_citations_do_not_hide_a_copy(build_pages):
    marked = SHARED.replace("Soreness", "{term}`Soreness <post-needling soreness>`")
    marked = marked.replace("gently", "gently {cite:p}`x2020`")
    warnings = build_pages(f"# Other\n\n{marked}\n")
    assert "other.md:3" in warnings


def test_a_heading_ends_a_passage(build_pages):
    words = SHARED.split()
    text = " ".join(words[:15]) + "\n\n(other-x)=\n## " + " ".join(words[15:20]) + "\n\n" + " ".join(words[20:]) + "\n"
    assert build_pages(f"# Other\n\n{text}") == ""


def test_an_included_snippet_is_the_single_source(build_pages):
    page = "# Other\n\n```{include} _snippets/soreness.md\n```\n"
    assert build_pages(page, files={"_snippets/soreness.md": f"{SHARED}.\n"}) == ""


def test_words_keep_their_lines_and_skip_front_matter():
    words = words_with_lines("---\ndescription: A page.\n---\n\n(x)=\n# Title\n\nOne {cite:p}`k` two.\n")
    assert [(w, n) for w, n in words if not w.startswith("\0")] == [("one", 8), ("two", 8)]
