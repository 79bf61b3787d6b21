"""Put a "Listen to this page" button on every content page (docs/_static/listen.js and .css).

The script adds the button itself, only where the browser has speech synthesis; pages without
content of their own (the search page, genindex) do not load it.
"""

from __future__ import annotations

from sphinx.application import Sphinx


def add_listen_button(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    if doctree is not None:  # page-specific: Sphinx adds these to this page only
        app.add_css_file("listen.css")
        app.add_js_file("listen.js", loading_method="defer")


def setup(app: Sphinx) -> dict:
    # Before lean_assets (500) copies the page's asset lists.
    app.connect("html-page-context", add_listen_button, priority=400)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
