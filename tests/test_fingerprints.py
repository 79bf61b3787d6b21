"""Every file the built site links under _static/ carries a ?v= fingerprint.

nginx and `_headers` serve `_static/` as immutable for a year, so a link without one would keep a
reader on a stale script or stylesheet after a release. Read from the whole built site.
"""

from __future__ import annotations

import posixpath
import re
from urllib.parse import urlsplit

from bs4 import BeautifulSoup

from prune_theme_css import THEME_CSS
from tools.shared import fingerprint

FINGERPRINT = re.compile(r"^v=[0-9a-f]{8}$")


def static_links(site):
    """(page, tag, url) for every <script src> and <link href> that points into _static/."""
    for path in sorted(site.out.rglob("*.html")):
        if ".doctrees" in path.parts:
            continue
        page = path.relative_to(site.out).as_posix()
        soup = BeautifulSoup(path.read_text(encoding="utf-8"), "lxml")
        for tag, attribute in (("script", "src"), ("link", "href")):
            for element in soup.find_all(tag, attrs={attribute: True}):
                url = element[attribute]
                parts = urlsplit(url)
                if parts.scheme or parts.netloc:
                    continue  # an absolute address (canonical link): not a file we serve from here
                target = posixpath.normpath(posixpath.join(posixpath.dirname(page), parts.path))
                if target.startswith("_static/"):
                    yield page, tag, url


def test_every_static_script_and_stylesheet_link_has_a_fingerprint(site):
    links = list(static_links(site))
    pages = {page for page, _, _ in links}
    # Not vacuous: the search page, a redirect stub and a topic page are among those read.
    assert {"search.html", "genindex.html", "topics/safety/aftercare.html"} <= pages
    assert any(url.endswith(("favicon.svg", ".css")) or ".css?" in url for _, _, url in links)
    missing = [f"{page}: <{tag}> {url}" for page, tag, url in links
               if not FINGERPRINT.match(urlsplit(url).query)]
    assert not missing, "links into _static/ without a ?v= fingerprint:\n" + "\n".join(missing)


def test_pruned_theme_sheets_are_linked_by_what_they_now_hold(site):
    """The theme's sheets are pruned against the pages after Sphinx fingerprinted them, so their
    contents change with the pages, not only with their source: the links must follow."""
    links = [(page, url) for page, tag, url in static_links(site) if tag == "link"]
    checked = 0
    for name in THEME_CSS:
        built = site.out / "_static" / name
        if not built.is_file():
            continue
        expected = fingerprint(built)
        stale = [f"{page}: {url}" for page, url in links
                 if urlsplit(url).path.endswith("_static/" + name) and "?" + urlsplit(url).query != expected]
        assert not stale, f"links to {name} not fingerprinted {expected}:\n" + "\n".join(stale)
        checked += sum(urlsplit(url).path.endswith("_static/" + name) for _, url in links)
    assert checked >= 30  # every page links furo.css: not vacuous
