"""Fail the build when two pages share a long passage: a copy drifts, and on a health site a drifted copy
is a contradiction a patient may act on.

A passage is ``shared_passages_min_words`` (25) or more identical words in a row, in the pages' own
Markdown, after markup, labels, directive lines and citations are taken out. Text a page includes from
``docs/_snippets/`` or renders from a data file (care cards, evidence) is not the page's own, so the
single sources never count. The later copy (by page name) is reported at its file and line, naming the
first copy and the way out: keep one home and link it with ``{ref}``, or include a snippet.
"""

from __future__ import annotations

import re

from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.util import logging

logger = logging.getLogger(__name__)

FRONT_MATTER = re.compile(r"\A---\n.*?\n---\n", re.S)
# Lines that are markup, not prose: labels, fences and their options, comments, raw HTML, table rules.
MARKUP_LINE = re.compile(r"^\s*(?:\([\w-]+\)=|:{3,}|`{3,}|:[\w-]+:|<!--|-->|<|\|?\s*-{3,})")
# Where a passage ends: a heading, a label or a fence (the same heading on two pages is not a copy).
BREAK_LINE = re.compile(r"^\s*(?:#|\([\w-]+\)=|:{3,}|`{3,})")
CITATION = re.compile(r"\{cite(?::\w+)?\}`[^`]*`")
ROLE = re.compile(r"\{[\w:-]+\}`([^`<]*?)\s*(?:<[^>]*>)?`")
WORD = re.compile(r"[a-z0-9]+(?:['’][a-z]+)?")


def words_with_lines(text: str) -> list[tuple[str, int]]:
    """The prose words of a MyST page, each with its 1-based source line; headings and fences break runs."""
    offset = 0
    if match := FRONT_MATTER.match(text):
        offset = match.group(0).count("\n")
        text = text[match.end():]
    words = []
    for number, line in enumerate(text.splitlines(), offset + 1):
        if BREAK_LINE.match(line):
            words.append((f"\0{number}", number))  # never equal to a word, nor to a break of another page
            continue
        if MARKUP_LINE.match(line):
            continue
        line = ROLE.sub(r"\1", CITATION.sub(" ", line)).lower()
        words.extend((word, number) for word in WORD.findall(line))
    return words


def note_words(app: Sphinx, docname: str, source: list[str]) -> None:
    app.env.shared_passages_words = getattr(app.env, "shared_passages_words", {})  # type: ignore[attr-defined]
    app.env.shared_passages_words[docname] = words_with_lines(source[0])  # type: ignore[attr-defined]


def purge(app: Sphinx, env: BuildEnvironment, docname: str) -> None:
    getattr(env, "shared_passages_words", {}).pop(docname, None)


def merge(app: Sphinx, env: BuildEnvironment, docnames: set[str], other: BuildEnvironment) -> None:
    env.shared_passages_words = getattr(env, "shared_passages_words", {})  # type: ignore[attr-defined]
    for docname in docnames:
        if docname in getattr(other, "shared_passages_words", {}):
            env.shared_passages_words[docname] = other.shared_passages_words[docname]  # type: ignore[attr-defined]


def shared_runs(pages: dict[str, list[tuple[str, int]]], size: int) -> list[tuple[str, int, str, int, str]]:
    """(page, line, other page, other line, first words) for each maximal run of `size`+ words two pages share.

    Each run is reported once, on the later page by name, naming the first page that has it.
    """
    def windows(words: list[tuple[str, int]]) -> list[tuple[int, tuple[str, ...]]]:
        texts = [word for word, _ in words]
        breaks = [0]  # breaks[i]: how many breaks come before word i
        for word in texts:
            breaks.append(breaks[-1] + word.startswith("\0"))
        return [(start, tuple(texts[start:start + size])) for start in range(len(texts) - size + 1)
                if breaks[start + size] == breaks[start]]

    page_windows = {docname: windows(pages[docname]) for docname in sorted(pages)}
    first: dict[tuple[str, ...], tuple[str, int]] = {}
    for docname, runs in page_windows.items():
        for start, window in runs:
            first.setdefault(window, (docname, start))
    found = []
    for docname, runs in page_windows.items():
        words, covered = pages[docname], -1
        for start, window in runs:
            other, other_start = first[window]
            if other == docname or start <= covered:
                continue
            other_words, length = pages[other], size  # extend the run as far as both copies agree
            while (start + length < len(words) and other_start + length < len(other_words)
                   and not words[start + length][0].startswith("\0")
                   and words[start + length][0] == other_words[other_start + length][0]):
                length += 1
            covered = start + length - 1
            found.append((docname, words[start][1], other, other_words[other_start][1],
                          " ".join(word for word, _ in words[start:start + 8])))
    return found


def check(app: Sphinx, env: BuildEnvironment) -> None:
    size = app.config.shared_passages_min_words
    pages = {doc: words for doc, words in getattr(env, "shared_passages_words", {}).items() if doc in env.found_docs}
    for docname, line, other, other_line, start in shared_runs(pages, size):
        logger.warning("%d or more words in a row are also in %s:%d (\"%s …\"); keep one home for them and "
                       "link it with {ref}, or put them in docs/_snippets/ and {include} them "
                       "(README, 'Shared passages')",
                       size, env.doc2path(other), other_line, start, location=(docname, line),
                       type="shared_passages")


def setup(app: Sphinx) -> dict:
    app.add_config_value("shared_passages_min_words", 25, "env", types=[int])
    app.connect("source-read", note_words)
    app.connect("env-purge-doc", purge)
    app.connect("env-merge-info", merge)
    app.connect("env-check-consistency", check)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
