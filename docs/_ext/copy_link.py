"""Put a "copy link to this section" button on every section heading (docs/_static/copy-link.js and .css).

Only pages with section headings load the two files (not the search page, which has none), and not a
page whose front matter says `copy-link: false`: the decision guide, a form whose headings are its
steps, keeps Furo's ¶ permalink on each (the link a physiotherapist copies) without 2.7 KB of buttons.
"""

from __future__ import annotations

from docutils import nodes
from sphinx.application import Sphinx

from tools.event_order import PageContext

OPT_OUT = "copy-link"  # front matter field; false leaves the page without the buttons (page_metadata checks it)


def wants_buttons(metadata: dict) -> bool:
    return str(metadata.get(OPT_OUT, "true")).strip().lower() != "false"


def add_copy_link(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    if doctree is None or not wants_buttons(app.env.metadata.get(pagename, {})):
        return
    # A section inside a section: a heading below the page title (copy-link.js gives those a button).
    if any(isinstance(section.parent, nodes.section) for section in doctree.findall(nodes.section)):
        # Page-specific: Sphinx adds these to this page only.
        app.add_css_file("copy-link.css")
        app.add_js_file("copy-link.js", loading_method="defer")


def setup(app: Sphinx) -> dict:
    app.connect("html-page-context", add_copy_link, priority=PageContext.ADD_ASSETS)
    return {"version": "2.0", "parallel_read_safe": True, "parallel_write_safe": True}
