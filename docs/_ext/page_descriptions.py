"""Each page's front-matter `description` becomes its meta description and Open Graph description.

It runs before sphinxext-opengraph (tools/event_order.py), which then keeps the description
instead of taking the first words of the page.
"""

from __future__ import annotations

import html

from sphinx.application import Sphinx

from tools.event_order import PageContext


def add_description(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    description = str(app.env.metadata.get(pagename, {}).get("description", "")).strip()
    if not description:
        return
    context["metatags"] = (context.get("metatags") or "") + \
        f'<meta name="description" content="{html.escape(description)}">\n'
    # sphinxext-opengraph takes og:* fields from the page metadata; give it a copy, not the env's dict.
    context["meta"] = {**(context.get("meta") or {}), "og:description": description}


def setup(app: Sphinx) -> dict:
    app.connect("html-page-context", add_description, priority=PageContext.DESCRIPTION)
    return {"version": "2.0", "parallel_read_safe": True, "parallel_write_safe": True}
