"""A page loads only the stylesheets and scripts it uses.

Per page, drop the code-highlighting stylesheet and Sphinx's search helpers (this site shows no
code, and only the search page searches; with the site's own search, `section_search_enabled`, it
needs none of them either: nothing reads DOCUMENTATION_OPTIONS or `?highlight=`, and its "/" shortcut
focused the sidebar's box, not the page's), print-article.css on the search page (its results come
after the script ran, and they print as a list of links with print.css alone; copy_link adds its
files only to pages with section headings), the tabs script, the sphinx-design stylesheet with Furo's
stylesheet for it (furo-extensions.css) when the page has no such component (dropdowns do
not count: strip_markup writes them as plain <details>), and the dropdowns' own stylesheet
(dropdown.css: 20 of the site's pages have one; the decision guide and the search page do not).
It runs after every handler that adds a page's own assets (tools/event_order.py), since it hands the
page copies of the builder's lists.
"""

from __future__ import annotations

import re
from pathlib import Path

from sphinx.application import Sphinx

from strip_markup import lean_dropdowns
from tools.event_order import PageContext

UNUSED_EVERYWHERE = {"pygments.css", "sphinx_highlight.js", "doctools.js", "documentation_options.js"}
# The search page has no section to link to, and no article parts to print (its results are links).
NOT_ON_SEARCH = {"print-article.css"}
DESIGN_CLASS = re.compile(r'class="[^"]*\bsd-')
DROPDOWN_CLASS = re.compile(r'class="[^"]*\b(?:sd-)?dropdown\b')  # as sphinx-design writes it, or strip_markup


def unused_assets(pagename: str, body: str, own_search: bool = True) -> set[str]:
    """The file names this page does not need (`own_search`: the site's own search, not Sphinx's)."""
    if pagename != "search":
        unused = set(UNUSED_EVERYWHERE)
    else:
        unused = UNUSED_EVERYWHERE | NOT_ON_SEARCH if own_search else {"pygments.css", *NOT_ON_SEARCH}
    if not DROPDOWN_CLASS.search(body):
        unused.add("dropdown.css")
    if "sd-tab-set" not in body:
        unused.add("design-tabs.js")
    if not DESIGN_CLASS.search(lean_dropdowns(body)):  # no sphinx-design component once dropdowns are plain
        # Furo's sheet for extensions styles sphinx-design's components, and undoes the padding and
        # width sphinx-design gives `.container`: with no sphinx-design CSS, none of it applies.
        unused.update(("sphinx-design.min.css", "furo-extensions.css"))
    return unused


def drop_unused_assets(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    own_search = getattr(app.config, "section_search_enabled", False)  # without section_search: Sphinx's
    unused = unused_assets(pagename, context.get("body", ""), own_search)
    for key in ("css_files", "script_files"):
        if key in context:
            context[key] = [asset for asset in context[key]
                            if Path(getattr(asset, "filename", str(asset))).name not in unused]


def setup(app: Sphinx) -> dict:
    app.connect("html-page-context", drop_unused_assets, priority=PageContext.DROP_UNUSED_ASSETS)
    return {"version": "2.0", "parallel_read_safe": True, "parallel_write_safe": True}
