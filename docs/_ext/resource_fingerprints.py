"""The favicon and logo links carry a `?v=` fingerprint, as Sphinx gives the CSS and JS it links.

Hosts serve `_static/` as immutable for a year (deploy/, security_headers), so a link without one
would keep a replaced icon in readers' caches. Sphinx points `favicon_url` and `logo_url` at
`_static/` first (tools/event_order.py); this adds the checksum of the source file.
"""

from __future__ import annotations

from pathlib import Path

from sphinx.application import Sphinx

from tools.event_order import PageContext
from tools.shared import fingerprint


def fingerprint_resources(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    for key, setting in (("favicon_url", app.config.html_favicon), ("logo_url", app.config.html_logo)):
        url = context.get(key)
        if url and setting and "://" not in setting and "?" not in url:
            context[key] = url + fingerprint(Path(app.confdir, setting))


def setup(app: Sphinx) -> dict:
    app.connect("html-page-context", fingerprint_resources, priority=PageContext.RESOURCE_FINGERPRINTS)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
