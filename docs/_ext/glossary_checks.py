"""Report glossary mistakes at their own lines, with what to write.

Sphinx placed them badly: a term defined twice was reported at a line between the two entries
(`:sorted:` reorders them) and a definition that lost its indentation as "glossary terms must not
be separated by empty lines", at another entry. The `{glossary}` blocks are read from the source
first; when a problem is found there, Sphinx's own message about it is not shown.
"""

from __future__ import annotations

import re

from sphinx.application import Sphinx
from sphinx.util import logging

logger = logging.getLogger(__name__)

FENCE = re.compile(r"^(?P<fence>`{3,}|:{3,})\{glossary\}")
ROLE_TERM = re.compile(r"^\{[\w:-]+\}`(?P<text>[^`]*)`$")  # {search-only}`Acupunture`
# Sphinx's messages about the same problems, at lines that mislead.
SPHINX_MESSAGES = ("duplicate term description of", "glossary terms must not be separated by empty lines",
                   "glossary seems to be misformatted")


def glossary_blocks(lines: list[str]):
    """(first line index, lines) of each {glossary} block, without its options."""
    index = 0
    while index < len(lines):
        match = FENCE.match(lines[index])
        index += 1
        if not match:
            continue
        fence = match["fence"]
        while index < len(lines) and lines[index].startswith(":") and not lines[index].startswith(fence):
            index += 1  # the directive's options (:sorted:)
        start = index
        while index < len(lines) and not lines[index].startswith(fence):
            index += 1
        yield [(n, lines[n]) for n in range(start, index)]


def problems(text: str) -> list[tuple[int, str]]:
    """(line, message) for duplicate terms and definitions that are not indented."""
    lines = text.splitlines()
    found = []
    seen: dict[str, int] = {}
    for block in glossary_blocks(lines):
        entry: list[tuple[int, str]] = []
        has_definition = False
        blank_after_terms = False
        for number, line in block + [(len(lines), "")]:
            if not line.strip():
                blank_after_terms = bool(entry) and not has_definition
                if entry and not has_definition and number == len(lines):
                    found.append(no_definition(entry))
                continue
            if line[0].isspace():
                has_definition = has_definition or bool(entry)
                continue
            if blank_after_terms or has_definition:  # a new entry starts
                if blank_after_terms:
                    found.append(no_definition(entry))
                entry, has_definition, blank_after_terms = [], False, False
            term = ROLE_TERM.match(line.strip())
            name = (term["text"] if term else line.strip()).lower()
            if name in seen:
                found.append((number + 1, f"glossary term {line.strip()!r} is already defined at line {seen[name]}; "
                                          "keep one entry: move this entry's other names and words into it, "
                                          "then delete this one"))
            else:
                seen[name] = number + 1
            entry.append((number, line.strip()))
    return found


def no_definition(entry: list[tuple[int, str]]) -> tuple[int, str]:
    number, last = entry[-1]
    first = entry[0][1]
    if len(entry) > 1 and (last.endswith(".") or len(last.split()) > 6):
        return number + 1, (f"this line looks like the definition of glossary entry {first!r} (line "
                            f"{entry[0][0] + 1}) but is not indented; indent it by three spaces")
    return number + 1, (f"glossary entry {first!r} has no definition; write it on the next line, "
                        "indented by three spaces")


def check_source(app: Sphinx, docname: str, source: list[str]) -> None:
    if "{glossary}" not in source[0]:
        return
    for line, message in problems(source[0]):
        app.glossary_problems = True
        logger.warning(message, location=(docname, line), type="glossary_checks")


class HideSphinxGlossaryMessages:
    """Sphinx's own message for a problem already reported at its line (before it is counted)."""

    def __init__(self, app: Sphinx) -> None:
        self.app = app

    def filter(self, record) -> bool:
        return not (getattr(self.app, "glossary_problems", False)
                    and record.getMessage().startswith(SPHINX_MESSAGES))


def install(app: Sphinx) -> None:
    for handler in logging.logging.getLogger(logging.NAMESPACE).handlers:
        if isinstance(handler, logging.WarningStreamHandler):
            handler.filters.insert(0, HideSphinxGlossaryMessages(app))


def setup(app: Sphinx) -> dict:
    install(app)
    app.connect("source-read", check_source)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
