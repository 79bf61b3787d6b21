"""The sidebar lists every section but opens only the current one.

Furo's tree holds every page of every section (about 3 KB of every page); this one is Furo's own,
built with collapse=True. The home page keeps the whole tree: it is the site's map.
"""

from __future__ import annotations

from furo.navigation import get_navigation_tree
from sphinx.application import Sphinx

from tools.event_order import PageContext


def open_only_current_section(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    if "toctree" in context and pagename != app.config.root_doc:
        context["furo_navigation_tree"] = get_navigation_tree(
            context["toctree"](collapse=True, titles_only=True, maxdepth=-1, includehidden=True))


def setup(app: Sphinx) -> dict:
    app.connect("html-page-context", open_only_current_section, priority=PageContext.SIDEBAR_TREE)
    return {"version": "2.0", "parallel_read_safe": True, "parallel_write_safe": True}
