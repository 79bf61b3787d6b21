"""Blocks a page shows for one answer only, moved out of the page into one small file each.

The decision guide shows the research of the problem the reader chooses, one of nine: carrying all
nine in its HTML made it the heaviest page (README, "Decision guide"). Its summaries sit in a
`fetch-on-choice` directive:

    ::::{fetch-on-choice}
    :::{evidence-summary}
    :condition: neck
    :compact:
    :::
    ::::

Each block inside (an `{evidence-summary}`, keyed by its condition) is written, as the page's own
HTML renders it, to `_static/on-choice/<page>/<condition>.html`. The page's `{evidence-links}` item
for the same condition, the link to its findings on the condition's own page, names that file in
`data-fetch-on-choice` (with `?v=` and a hash of its text, so the service worker keeps it cache
first). Without JavaScript the page shows the links; on the first choice decide.js fetches every
problem's file (so the site never learns which was chosen) and shows the chosen one.
tools/page_weight.py counts all of a page's `data-fetch-on-choice` files, so the budget still counts
what a reader downloads. Each file gets the trims of the page's article (strip_markup),
and, being HTML, is read by prune_theme_css like the pages.
"""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

from evidence import evidence_block, evidence_cell, visit_plain
from strip_markup import without_dead_markup

logger = logging.getLogger(__name__)

FOLDER = "_static/on-choice"
ATTRIBUTE = "fetch-on-choice"  # data-fetch-on-choice on the list item that links the same condition


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
    return without_dead_markup(opening + html + closing).removeprefix(opening).removesuffix(closing).strip() + "\n"


def write_files(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """Each block to its file; the matching list item names it; the blocks leave the page."""
    if app.builder.format != "html":
        return
    groups = list(doctree.findall(on_choice_node))
    if not groups:
        return
    folder = Path(app.outdir, FOLDER, docname)
    shutil.rmtree(folder, ignore_errors=True)  # a problem no longer listed leaves no file behind
    folder.mkdir(parents=True)
    items = {item["data"]["condition"]: item for item in doctree.findall(evidence_cell)
             if item.get("tag") == "li" and "condition" in item.get("data", {})}
    # From the page's folder to the site root: the files' addresses are relative to the page.
    to_root = "../" * docname.count("/")
    for group in groups:
        for key, block in keyed_blocks(group):
            item = items.get(key)
            if item is None:
                logger.warning("fetch-on-choice: no {evidence-links} item for %r on this page, so no reader "
                               "could reach its research; add an {evidence-links} list that names it", key,
                               location=group, type="fetch_on_choice")
                continue
            html = in_article(app.builder.render_partial(block.deepcopy())["fragment"])
            (folder / f"{key}.html").write_text(html, encoding="utf-8")
            digest = hashlib.sha256(html.encode()).hexdigest()[:8]
            item["data"][ATTRIBUTE] = f"{to_root}{FOLDER}/{docname}/{key}.html?v={digest}"
        group.parent.remove(group)


def setup(app: Sphinx) -> dict:
    # Other builders show the blocks where they stand; HTML pages lose them once written to files.
    app.add_node(on_choice_node, html=(visit_plain, visit_plain), latex=(visit_plain, visit_plain),
                 text=(visit_plain, visit_plain))
    app.add_directive("fetch-on-choice", FetchOnChoice)
    app.connect("doctree-resolved", write_files)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
