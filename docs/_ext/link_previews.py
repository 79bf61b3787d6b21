"""Make shared links preview well and the site easy to find: page descriptions, robots.txt, 404 page.

Everything that needs an absolute address is driven by ``html_baseurl`` alone (sphinxext-opengraph's
``ogp_site_url``, sphinx-notfound-page's ``notfound_urls_prefix``, the sitemap line in robots.txt),
so a per-version build that overrides ``html_baseurl`` with ``-D`` gets consistent URLs everywhere.
"""

from __future__ import annotations

import html
from pathlib import Path
from urllib.parse import urlparse

from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.util import logging

from tools.event_order import ConfigInited, PageContext

logger = logging.getLogger(__name__)

NOT_FOUND_BODY = """<h1>Page not found</h1>
<p>Sorry, we could not find that page. It may have moved, or the address may have a typo.</p>
<form class="notfound-search" action="{prefix}search.html" method="get" role="search">
  <label for="notfound-query">Search this site</label>
  <input id="notfound-query" name="q" type="search" autocomplete="off">
  <button type="submit">Search</button>
</form>
<p>Or start again from the <a href="{prefix}index.html">home page</a>.</p>
"""


def derive_from_baseurl(app: Sphinx, config: Config) -> None:
    """Fill the other extensions' URL settings from html_baseurl unless conf.py sets them."""
    baseurl = config.html_baseurl
    if baseurl and not baseurl.endswith("/"):
        config.html_baseurl = baseurl = baseurl + "/"
    if "ogp_site_url" in config and not config.ogp_site_url:
        config.ogp_site_url = baseurl
    if "notfound_urls_prefix" in config:
        default = config.values["notfound_urls_prefix"].default
        if config.notfound_urls_prefix == default:
            config.notfound_urls_prefix = urlparse(baseurl).path or "/"
        if config.notfound_context == config.values["notfound_context"].default:
            config.notfound_context = {
                "title": "Page not found",
                "body": NOT_FOUND_BODY.format(prefix=html.escape(config.notfound_urls_prefix or "/")),
            }


def add_description(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    """`description:` from the front matter as the meta description and the Open Graph description."""
    description = str(app.env.metadata.get(pagename, {}).get("description", "")).strip()
    if not description:
        return
    context["metatags"] = (context.get("metatags") or "") + \
        f'<meta name="description" content="{html.escape(description)}">\n'
    # sphinxext-opengraph takes og:* fields from the page metadata; give it a copy, not the env's dict.
    context["meta"] = {**(context.get("meta") or {}), "og:description": description}


def write_robots_txt(app: Sphinx, exception: Exception | None) -> None:
    if exception or app.builder.format != "html":
        return
    lines = ["User-agent: *", "Allow: /"]
    if app.config.html_baseurl:
        lines.append(f"Sitemap: {app.config.html_baseurl}{app.config.sitemap_filename}"
                     if "sitemap_filename" in app.config else "")
    Path(app.outdir, "robots.txt").write_text("\n".join(filter(None, lines)) + "\n", encoding="utf-8")


def setup(app: Sphinx) -> dict:
    app.connect("config-inited", derive_from_baseurl, priority=ConfigInited.BASEURL)
    app.connect("html-page-context", add_description, priority=PageContext.DESCRIPTION)
    app.connect("build-finished", write_robots_txt)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
