"""Published links keep working: every page and id in docs/anchors.lock is checked in every HTML build.

Clinicians and patients have these links. At build-finished, each locked `page.html#id` must be in
the objects.inv just written (read with Sphinx's own inventory reader), be an id of that page, or be
sent by a redirect (docs/redirects.toml, through the redirects extension's own data) to one that
is. Otherwise the build warns at `docs/anchors.lock:<line>`, naming the link and the two ways out,
so the strict build (-W) fails. `make anchors-lock` (tools/anchors_lock.py) writes the lock.
"""

from __future__ import annotations

import os
from pathlib import Path

from sphinx.application import Sphinx
from sphinx.util import logging

from redirects import redirected
from tools.anchors_lock import inventory, locked_lines
from tools.event_order import BuildFinished

logger = logging.getLogger(__name__)

MAX_HOPS = 10  # a chain of redirects longer than this (or a loop) leads nowhere


class Site:
    """What the finished build publishes: its inventory's addresses and each page's ids."""

    def __init__(self, app: Sphinx) -> None:
        self.app = app
        entries = inventory(Path(app.outdir))
        self.uris = {uri for _, _, uri, _ in entries}
        self.label_uris = {name: uri for name, kind, uri, _ in entries if kind == "std:label"}
        self.docnames = {app.builder.get_target_uri(docname): docname for docname in app.env.found_docs}

    def docname(self, page: str) -> str:
        return self.docnames.get(page, page.removesuffix(self.app.builder.out_suffix))

    def source(self, docname: str) -> str:
        """The page's file as the maintainer sees it from conf.py's folder (docs/... on this site)."""
        env = self.app.env
        path = env.doc2path(docname) if docname in env.found_docs else Path(self.app.srcdir, f"{docname}.md")
        return os.path.relpath(path, self.app.confdir)

    def has_id(self, docname: str, anchor: str) -> bool:
        return docname in self.app.env.found_docs and anchor in self.app.env.get_doctree(docname).ids

    def works(self, link: str, hops: int = MAX_HOPS) -> bool:
        if link in self.uris:
            return True
        page, _, anchor = link.partition("#")
        docname = self.docname(page)
        if anchor and self.has_id(docname, anchor):
            return True
        target = redirected(self.app, docname, anchor)
        if target is None or hops == 0:
            return False
        new_docname, new_anchor = target
        return self.works(self.app.builder.get_target_uri(new_docname) + (f"#{new_anchor}" if new_anchor else ""),
                          hops - 1)


def two_ways_out(site: Site, link: str) -> str:
    """What broke, and the two fixes the README gives: restore it, or add a redirect."""
    page, _, anchor = link.partition("#")
    docname = site.docname(page)
    source = site.source(docname)
    if not anchor:
        return (f"published page {link} is gone, and readers have its link; restore {source}, "
                f'or add a redirect to docs/redirects.toml: [pages] "{docname}" = "<new/docname>"')
    if anchor.startswith("term-"):
        restore = f"restore the glossary term of #{anchor} in {source}"
    else:
        restore = f"restore the label `({anchor})=` on the line before its heading in {source}"
    if anchor in site.label_uris:  # the label moved to another page: the redirect is known
        moved, new_label = f" (the label now lives at {site.label_uris[anchor]})", anchor
    else:
        moved, new_label = "", "<new-label>"
    return (f"published link {link} no longer works{moved}, and readers have it; {restore}, "
            f'or add a redirect to docs/redirects.toml: [anchors] "{docname}#{anchor}" = "{new_label}"')


def check_locked_links(app: Sphinx, exception: Exception | None) -> None:
    lock = Path(app.srcdir, app.config.anchors_lock_file)
    if exception or app.builder.name != "html" or not lock.is_file() or not Path(app.outdir, "objects.inv").is_file():
        return
    site = Site(app)
    for line, link in locked_lines(lock):
        if not site.works(link):
            logger.warning("%s (README, \"Deep links\")", two_ways_out(site, link),
                           location=f"{lock}:{line}", type="anchors", subtype="lock")


def setup(app: Sphinx) -> dict:
    app.setup_extension("redirects")
    app.add_config_value("anchors_lock_file", "anchors.lock", "html", types=[str])
    app.connect("build-finished", check_locked_links, priority=BuildFinished.CHECK_OUTPUT)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
