"""Put a "Listen to this page" button on every content page (docs/_static/listen.js and .css).

The page loads only the button (listen.js, which adds it where the browser has speech synthesis);
the reading code, listen-reader.js, loads at the first press, fingerprinted like Sphinx's own assets.
Pages without content of their own (the search page, genindex) load neither.
"""

from __future__ import annotations

from sphinx.application import Sphinx

from tools.event_order import PageContext
from tools.shared import static_fingerprint

READER = "listen-reader.js"


def add_listen_button(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    if doctree is None:
        return
    reader = context["pathto"](f"_static/{READER}", 1) + static_fingerprint(app, READER)
    # Page-specific: Sphinx adds these to this page only.
    app.add_css_file("listen.css")
    app.add_js_file("listen.js", loading_method="defer", **{"data-reader": reader})


def setup(app: Sphinx) -> dict:
    app.connect("html-page-context", add_listen_button, priority=PageContext.ADD_ASSETS)
    return {"version": "1.1", "parallel_read_safe": True, "parallel_write_safe": True}
