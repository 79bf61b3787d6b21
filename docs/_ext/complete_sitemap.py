"""Make sitemap.xml list every page on every build, in a stable order.

sphinx-sitemap collects a page's address when the page is written, so after an incremental build
its sitemap listed only the pages written in that run (2 of 31 after a no-change rebuild). Just
before it writes the file, every page of the project is added again through sphinx-sitemap's own
function (so its URL scheme and `sitemap_excludes` apply), duplicates are dropped and the list sorted.

A serial build keeps those links in an in-process queue instead of sphinx-sitemap's
`multiprocessing.Manager().Queue()`: that manager forks a server process per build, which lived
as long as the app and, forked inside the test session, held Playwright's driver pipe open so the
session hung at exit. Only a parallel build (-j) needs the shared queue.
"""

from __future__ import annotations

import multiprocessing
import queue

import sphinx_sitemap
from sphinx.application import Sphinx

from tools.event_order import BuildFinished


def add_every_page(app: Sphinx, exception: Exception | None) -> None:
    links = getattr(app, "sitemap_links", None)  # sphinx-sitemap's queue of (link, last updated)
    if exception or app.builder.format != "html" or links is None:
        return
    for docname in sorted(app.env.all_docs):
        sphinx_sitemap.add_html_link(app, docname, "page.html", {}, None)
    collected: dict[str, object] = {}
    while True:
        try:
            link, last_updated = links.get_nowait()
        except queue.Empty:
            break
        collected[link] = collected.get(link) or last_updated
    for link in sorted(collected):
        links.put((link, collected[link]))


class _InProcessManager:
    """What sphinx-sitemap asks of `multiprocessing.Manager()`, without a server process."""

    @staticmethod
    def Queue() -> queue.Queue:  # the name sphinx-sitemap calls
        return queue.Queue()


def setup(app: Sphinx) -> dict:
    app.setup_extension("sphinx_sitemap")
    # Set per app: a module attribute, so a later parallel build in the same process gets the real one.
    sphinx_sitemap.Manager = _InProcessManager if app.parallel <= 1 else multiprocessing.Manager
    app.connect("build-finished", add_every_page, priority=BuildFinished.COMPLETE_SITEMAP)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
