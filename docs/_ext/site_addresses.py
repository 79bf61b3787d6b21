"""Every absolute address follows `html_baseurl` alone.

A per-version build overrides `html_baseurl` with `-D`; the other extensions' address settings are
filled from it unless conf.py sets them: sphinxext-opengraph's `ogp_site_url` and
sphinx-notfound-page's `notfound_urls_prefix` (the 404 page's links). `html_baseurl` itself gets
its closing slash, so the canonical links, the sitemap and robots.txt join paths to it the same way.
"""

from __future__ import annotations

from urllib.parse import urlparse

from sphinx.application import Sphinx
from sphinx.config import Config

from tools.event_order import ConfigInited


def derive_from_baseurl(app: Sphinx, config: Config) -> None:
    baseurl = config.html_baseurl
    if baseurl and not baseurl.endswith("/"):
        config.html_baseurl = baseurl = baseurl + "/"
    if "ogp_site_url" in config and not config.ogp_site_url:
        config.ogp_site_url = baseurl
    if "notfound_urls_prefix" in config and \
            config.notfound_urls_prefix == config.values["notfound_urls_prefix"].default:
        config.notfound_urls_prefix = urlparse(baseurl).path or "/"


def setup(app: Sphinx) -> dict:
    app.connect("config-inited", derive_from_baseurl, priority=ConfigInited.BASEURL)
    return {"version": "2.0", "parallel_read_safe": True, "parallel_write_safe": True}
