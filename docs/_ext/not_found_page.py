"""The 404 page (sphinx-notfound-page) says what happened and offers a search box and the home page.

Its links start with `notfound_urls_prefix`, which follows html_baseurl (site_addresses), so this
runs after that. conf.py's own `notfound_context`, if it sets one, wins.
"""

from __future__ import annotations

import html

from sphinx.application import Sphinx
from sphinx.config import Config

from tools.event_order import ConfigInited

NOT_FOUND_BODY = """<h1>Page not found</h1>
<p>Sorry, we could not find that page. It may have moved, or the address may have a typo.</p>
<form class="notfound-search" action="{prefix}search.html" method="get" role="search">
  <label for="notfound-query">Search this site</label>
  <input id="notfound-query" name="q" type="search" autocomplete="off">
  <button type="submit">Search</button>
</form>
<p>Or start again from the <a href="{prefix}index.html">home page</a>.</p>
"""


def not_found_body(app: Sphinx, config: Config) -> None:
    if "notfound_context" in config and config.notfound_context == config.values["notfound_context"].default:
        config.notfound_context = {
            "title": "Page not found",
            "body": NOT_FOUND_BODY.format(prefix=html.escape(config.notfound_urls_prefix or "/")),
        }


def setup(app: Sphinx) -> dict:
    app.connect("config-inited", not_found_body, priority=ConfigInited.NOT_FOUND_PAGE)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
