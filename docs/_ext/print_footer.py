"""Give every page a printed footer: canonical URL, its QR code, version, and when it was checked."""

from __future__ import annotations

import segno
from sphinx.application import Sphinx

from page_metadata import review_status
from tools.shared import page_url


def qr_svg(url: str) -> str:
    """An inline SVG QR code; made at build time so no service ever sees the URL. The smallest symbol
    that holds the URL (error level L at least), with the best error correction that fits it (segno's
    boost_error): on every page, fewer, larger modules are lighter and scan better at 20 mm."""
    return segno.make(url, error="l").svg_inline(scale=2, border=2, title=f"QR code for {url}")


def add_print_footer(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    if doctree is None:  # search page, genindex: no source document
        return
    url = page_url(app, pagename)
    context["print_footer"] = {
        "url": url,
        "short_url": url.split("://", 1)[-1],
        "qr_svg": qr_svg(url),
        "review_status": review_status(app.env.metadata.get(pagename, {})),
    }


def setup(app: Sphinx) -> dict:
    app.connect("html-page-context", add_print_footer)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
