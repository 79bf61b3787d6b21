"""Give every page a printed footer: canonical URL, its QR code, version, and when it was checked."""

from __future__ import annotations

import html

import segno
from sphinx.application import Sphinx

from page_metadata import review_status
from tools.shared import page_url


def qr_image(url: str) -> str:
    """A QR code as an inline image; made at build time so no service ever sees the URL. The smallest
    symbol that holds the URL (error level L at least), with the best error correction that fits it
    (segno's boost_error): fewer, larger modules scan better at 20 mm. A two-colour PNG, 8 pixels a
    module (about 370 dpi printed at 20 mm, so sharp however a viewer scales it), is 0.6 KB in the
    page, against 1.9 KB as an SVG path."""
    data = segno.make(url, error="l").png_data_uri(scale=8, border=2)
    return f'<img class="qr-code" src="{data}" alt="QR code for {html.escape(url)}">'


def add_print_footer(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    if doctree is None:  # search page, genindex: no source document
        return
    url = page_url(app, pagename)
    context["print_footer"] = {
        "url": url,
        "short_url": url.split("://", 1)[-1],
        "qr_image": qr_image(url),
        "review_status": review_status(app.env.metadata.get(pagename, {})),
    }


def setup(app: Sphinx) -> dict:
    app.connect("html-page-context", add_print_footer)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
