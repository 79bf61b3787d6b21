"""Blocks a page shows for one answer only, moved out of the page into one small file.

The decision guide shows the research of the problem the reader chooses, one of nine: carrying all
nine in its HTML made it the heaviest page (README, "Decision guide"). Its summaries sit in a
`fetch-on-choice` directive:

    ::::{fetch-on-choice}
    :::{evidence-summary}
    :condition: neck
    :compact:
    :::
    ::::

Every block inside (an `{evidence-summary}`, keyed by its condition) is written, as the page's own
HTML renders it, to one file, `_static/on-choice/<page>.html`: one request, whichever problem is
chosen, so the site never learns which (issue 17). The page's `{evidence-links}` list, whose items
link each condition's findings on its own page, names that file in `data-fetch-on-choice` (with
`?v=` and a hash of its text, so the service worker keeps it cache first). Without JavaScript the
page shows the links; on the first choice decide.js fetches the file and shows the chosen block,
titled with its item's link. The file is lean, since it is all downloaded: each block is a
`<div data-condition>` without its title (the page's link stands in), with no `<p>` in a list item
and `<b>` for `<strong>`.
tools/page_weight.py counts the file, so the budget still counts what a reader downloads. It gets
the trims of the page's article (strip_markup), and, being HTML, is read by prune_theme_css like the pages.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

from evidence import evidence_block, evidence_cell, visit_plain
from strip_markup import without_dead_markup

logger = logging.getLogger(__name__)

FOLDER = "_static/on-choice"
ATTRIBUTE = "fetch-on-choice"  # data-fetch-on-choice on the list that links each block's condition
# Markup the fetched blocks can do without: a list's class, the <p> around a list item's one line, the
# line breaks after block tags (between inline ones a line break is a space, and stays); the labels
# in bold ("Pain.", "Low.") are <b>, offset text, as the pages' <strong> shows them.
LEAN = [(re.compile(r'<ul class="simple">'), "<ul>"), (re.compile(r"<(/?)strong>"), r"<\1b>"),
        (re.compile(r"<li><p>((?:(?!</?p[ >]).)*)</p></li>", re.S), r"<li>\1</li>"),
        (re.compile(r"(<ul>|</ul>|</li>|</p>|</div>)\n"), r"\1")]


class on_choice_node(nodes.General, nodes.Element):
    """The blocks to move out: gone from the page once written to their files."""


class FetchOnChoice(SphinxDirective):
    has_content = True

    def run(self) -> list[nodes.Node]:
        node = on_choice_node()
        self.set_source_info(node)
        self.state.nested_parse(self.content, self.content_offset, node)
        return [node]


def keyed_blocks(node: on_choice_node) -> list[tuple[str, nodes.Element]]:
    return [(child["data"]["condition"], child) for child in node.children
            if isinstance(child, evidence_block) and child.get("data", {}).get("condition")]


def in_article(html: str) -> str:
    """The block's HTML with the trims it gets in the page's article (strip_markup's passes)."""
    opening, closing = '<article role="main">', "</article>"
    return without_dead_markup(opening + html + closing).removeprefix(opening).removesuffix(closing).strip()


def lean_block(block: nodes.Element) -> nodes.Element:
    """A copy of the block without its classes and title: decide.js gives it both back."""
    lean = block.deepcopy()
    lean["classes"] = []
    title = next((child for child in lean.children if "evidence-summary-title" in child.get("classes", [])), None)
    if title is not None:
        lean.remove(title)
    return lean


def lean_html(html: str) -> str:
    for pattern, replacement in LEAN:
        html = pattern.sub(replacement, html)
    return html


def write_files(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """Every block into the page's one file; the list that links them names it; the blocks leave the page."""
    if app.builder.format != "html":
        return
    groups = list(doctree.findall(on_choice_node))
    if not groups:
        return
    items = {item["data"]["condition"]: item for item in doctree.findall(evidence_cell)
             if item.get("tag") == "li" and "condition" in item.get("data", {})}
    blocks, lists = [], []
    for group in groups:
        for key, block in keyed_blocks(group):
            item = items.get(key)
            if item is None:
                logger.warning("fetch-on-choice: no {evidence-links} item for %r on this page, so no reader "
                               "could reach its research; add an {evidence-links} list that names it", key,
                               location=group, type="fetch_on_choice")
                continue
            blocks.append(lean_html(in_article(app.builder.render_partial(lean_block(block))["fragment"])))
            if all(item.parent is not known for known in lists):
                lists.append(item.parent)
        group.parent.remove(group)
    if not blocks:
        return
    path = Path(app.outdir, FOLDER, f"{docname}.html")
    path.parent.mkdir(parents=True, exist_ok=True)
    html = "\n".join(blocks) + "\n"
    path.write_text(html, encoding="utf-8")
    digest = hashlib.sha256(html.encode()).hexdigest()[:8]
    to_root = "../" * docname.count("/")  # the file's address is relative to the page
    for links in lists:
        links["data"][ATTRIBUTE] = f"{to_root}{FOLDER}/{docname}.html?v={digest}"


def setup(app: Sphinx) -> dict:
    # Other builders show the blocks where they stand; HTML pages lose them once written to files.
    app.add_node(on_choice_node, html=(visit_plain, visit_plain), latex=(visit_plain, visit_plain),
                 text=(visit_plain, visit_plain))
    app.add_directive("fetch-on-choice", FetchOnChoice)
    app.connect("doctree-resolved", write_files)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
