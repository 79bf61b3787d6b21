"""Catch boxes that swallowed what follows them: usually a `:::` fence left open.

An unclosed fence silently moved the next section into the "In short" box (its heading became a
rubric) and put the "Call 911" card inside the "See a doctor today" card, and the build passed. On a
safety page that is the worst silent failure, so the doctree is checked, by class, after parsing
(hand-written boxes and those a directive renders alike):

- an "In short" box, a care card (`care`) or a "For clinicians" dropdown that contains a heading;
- an "In short" box or care card inside another one.

Each is reported at the line of the opening fence of the outer box.
"""

from __future__ import annotations

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.util import logging

logger = logging.getLogger(__name__)

BOXES = {"in-short": '"In short" box', "care": "care card", "for-clinicians": '"For clinicians" dropdown'}
NO_NESTING = {"in-short", "care"}  # boxes that never hold another of these


def kind(node: nodes.Node) -> str | None:
    if not isinstance(node, nodes.Element):
        return None
    classes = set(node.get("classes", ())) | set(node.get("container_classes", ()))
    return next((name for name in BOXES if name in classes), None)


def describe(node: nodes.Element, box: str) -> str:
    title = node.next_node(nodes.title)
    return f"{BOXES[box]} {title.astext()!r}" if box == "care" and title is not None else BOXES[box]


def is_heading(node: nodes.Node) -> bool:
    """A Markdown heading inside a directive: MyST makes it a rubric with its level."""
    return isinstance(node, nodes.section) or (isinstance(node, nodes.rubric) and "level" in node.attributes)


def check_boxes(app: Sphinx, doctree: nodes.document) -> None:
    docname = app.env.docname
    for box in doctree.findall(lambda node: kind(node) is not None):
        name = kind(box)
        where = (docname, box.line or 1)
        heading = next(iter(box.findall(is_heading, include_self=False)), None)
        if heading is not None:
            text = heading.next_node(nodes.title).astext() if isinstance(heading, nodes.section) else heading.astext()
            logger.warning(
                "the %s that opens here contains the heading %r%s; close the box with `:::` on its own "
                "line before the heading (a fence left open swallows what follows)",
                describe(box, name), text, f" (line {heading.line})" if heading.line else "", location=where,
                type="fence_structure", subtype="heading")
        if name in NO_NESTING:
            inner = next(iter(box.findall(lambda node: kind(node) in NO_NESTING, include_self=False)), None)
            if inner is not None:
                opens = f"that opens at line {inner.line}" if inner.line else "a directive renders inside it"
                logger.warning(
                    "the %s that opens here contains the %s %s; close the first with `:::` on its own line "
                    "before the second opens", describe(box, name), describe(inner, kind(inner)), opens,
                    location=where, type="fence_structure", subtype="nested")


def setup(app: Sphinx) -> dict:
    app.connect("doctree-read", check_boxes)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
