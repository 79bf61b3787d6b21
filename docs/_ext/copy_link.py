"""Put a "copy link to this section" button on every heading (docs/_static/copy-link.js and .css)."""

from __future__ import annotations

from sphinx.application import Sphinx


def setup(app: Sphinx) -> dict:
    app.add_css_file("copy-link.css")
    app.add_js_file("copy-link.js", loading_method="defer")
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
