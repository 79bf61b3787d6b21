"""Show each glossary entry with one headword: the other term lines as "Also called ...", or hidden.

Every term line of a ``{glossary}`` entry stays a term in the doctree that the search reads (it uses
an entry's lines as synonyms) and in ``objects.inv`` (its id is a published link). Only the HTML page
changes, after references are resolved:

- the first line is the headword, the one ``<dt>`` readers see;
- a line written as ``{search-only}`Acupunture``` (a misspelling, a plural, a brand name) is not shown;
- the other lines are listed under the headword as "Also called: ...".

The ids of the lines not shown as a ``<dt>`` move onto the headword, so an old ``#term-...`` link lands
on the entry. A ``{search-only}`` line outside a glossary term, or as an entry's headword, is a warning.
"""

from __future__ import annotations

from pathlib import Path

from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util import logging
from sphinx.util.docutils import SphinxRole

logger = logging.getLogger(__name__)

SEARCH_ONLY_CLASS = "glossary-search-only"
ALSO_CALLED_CLASS = "glossary-also-called"


class SearchOnlyRole(SphinxRole):
    """Marks a glossary term line that search finds but the glossary page does not show."""

    def run(self) -> tuple[list[nodes.Node], list[nodes.system_message]]:
        return [nodes.inline(self.rawtext, self.text, classes=[SEARCH_ONLY_CLASS])], []


def is_search_only(term: nodes.term) -> bool:
    return any(SEARCH_ONLY_CLASS in node["classes"] for node in term.findall(nodes.inline))


def _words(term: nodes.term) -> list[nodes.Node]:
    """The term's text nodes for the "Also called" line (without its index entry)."""
    return [child.deepcopy() for child in term.children if not isinstance(child, addnodes.index)]


def _term_location(env, term: nodes.term) -> tuple[str, int] | nodes.Node:
    """Where the term line is in its file. MyST numbers glossary term lines from the directive, not the file."""
    marker = f"{{search-only}}`{term.astext()}`"
    try:
        lines = Path(term.source).read_text(encoding="utf-8").splitlines()
        line = next(number for number, text in enumerate(lines, 1) if text.strip() == marker)
        return env.path2doc(term.source), line
    except (OSError, TypeError, StopIteration):
        return term


class GlossaryHeadwords(SphinxPostTransform):
    default_priority = 900  # after references are resolved, so every {term} link already has its id
    formats = ("html",)

    def run(self, **kwargs) -> None:
        for node in list(self.document.findall(nodes.inline)):
            if SEARCH_ONLY_CLASS in node["classes"] and not isinstance(node.parent, nodes.term):
                logger.warning("{search-only} marks a glossary term line; write it alone on a term line "
                               "of a {glossary} entry", location=node, type="glossary", subtype="search-only")
        for glossary in self.document.findall(addnodes.glossary):
            for item in glossary.findall(nodes.definition_list_item):
                self.show_headword(item)

    def show_headword(self, item: nodes.definition_list_item) -> None:
        terms = [child for child in item.children if isinstance(child, nodes.term)]
        if not terms:
            return
        headword, others = terms[0], terms[1:]
        if is_search_only(headword):
            logger.warning("the first term line of a glossary entry is its headword, so it cannot be "
                           "{search-only}; put a shown line first", location=_term_location(self.env, headword),
                           type="glossary", subtype="search-only")
        also_called = [term for term in others if not is_search_only(term)]
        for term in others:
            headword["ids"].extend(term["ids"])
            item.remove(term)
        definition = next((child for child in item.children if isinstance(child, nodes.definition)), None)
        if also_called and definition is not None:
            line = nodes.paragraph(classes=[ALSO_CALLED_CLASS])
            line += nodes.Text("Also called: ")
            for number, term in enumerate(also_called):
                if number:
                    line += nodes.Text(", ")
                line += nodes.inline("", "", *_words(term), classes=["glossary-synonym"])
            line += nodes.Text(".")
            definition.insert(0, line)


def setup(app: Sphinx) -> dict:
    app.add_role("search-only", SearchOnlyRole())
    app.add_post_transform(GlossaryHeadwords)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
