"""Offline reading: a service worker of our own at the root of each build, and the offline page.

The worker (`offline-worker.js`, written to the output as `sw.js`) saves, on a reader's first visit,
the pages in `offline_pages`, every page of the sections in `offline_sections` (a landing page and
its toctree, read from the build) and every file those pages load (the worker reads them from the
pages it saves; the build lists the folders their scripts load parts from); then every page the
reader opens. A page not saved shows `offline.html`, which lists what is saved and
gives the clinic's phone. Its cache is named by the release and a hash of the build (README,
"Offline reading"). `sw-register.js` registers it from every page.
"""

from __future__ import annotations

import hashlib
import json
import posixpath
import re
from pathlib import Path

from sphinx.application import Sphinx
from sphinx.util import logging

from minify_static import MINIFIERS
from tools.event_order import BuildFinished, PageContext

logger = logging.getLogger(__name__)

WORKER_SOURCE = Path(__file__).with_name("offline-worker.js")
WORKER = "sw.js"
OFFLINE_PAGE = "offline"
# Folders a page's scripts load files from later, named in a data- attribute (the search page's
# semantic table, one file per first letter): the worker cannot list a folder, so the build does.
# What the pages themselves load, the worker reads from the pages as it saves them.
LOADS_FROM_FOLDER = re.compile(r'\bdata-[\w-]+="([^":"]+/)"')


def section_pages(env, landing: str) -> list[str]:
    """A section's landing page and every page in its toctree, recursively, in order."""
    pages, queue = [], [landing]
    while queue:
        docname = queue.pop(0)
        if docname not in pages:
            pages.append(docname)
            queue += env.toctree_includes.get(docname, [])
    return pages


def saved_pages(app: Sphinx) -> list[str]:
    """The docnames saved on every reader's first visit (besides the offline page)."""
    env = app.env
    pages = list(app.config.offline_pages)
    for landing in app.config.offline_sections:
        if landing not in env.all_docs:
            logger.warning("offline_sections: %r is not a page; name a section's landing page", landing,
                           type="offline", location="conf.py")
            continue
        pages += section_pages(env, landing)
    return list(dict.fromkeys(pages))


def folder_files(outdir: Path, page: str) -> list[str]:
    """The files in the folders a built page's scripts load from, as paths from the site root."""
    files = []
    for url in LOADS_FROM_FOLDER.findall((outdir / page).read_text(encoding="utf-8")):
        folder = posixpath.normpath(posixpath.join(posixpath.dirname(page), url))
        if folder != "." and not folder.startswith("..") and (outdir / folder).is_dir():  # not the site root
            files += sorted(f"{folder}/{path.name}" for path in (outdir / folder).iterdir() if path.is_file())
    return files


def by_folder(files: list[str]) -> dict[str, list[str] | str]:
    """{"_static/": ["clinic.css?v=…", …], "section-search-terms/": "a b …", …}: the worker's list
    without repeating folder names; a folder of scripts only (the search's parts) is one string of
    their names without ".js", since every page loads this list (sw.js)."""
    folders: dict[str, list[str]] = {}
    for file in dict.fromkeys(files):
        folder, _, name = file.rpartition("/")
        folders.setdefault(folder + "/" if folder else "", []).append(name)
    return {folder: " ".join(name[:-3] for name in names) if _scripts_only(names) else names
            for folder, names in folders.items()}


def _scripts_only(names: list[str]) -> bool:
    return len(names) > 1 and all(name.endswith(".js") and not set(name) & set(" ?#") for name in names)


def build_hash(outdir: Path, release: str) -> str:
    """Changes whenever any page or asset of this build does, so browsers install the new worker."""
    sha = hashlib.sha256(release.encode())
    for path in sorted(outdir.rglob("*")):
        if path.is_file() and path.name != WORKER and ".doctrees" not in path.parts:
            sha.update(str(path.relative_to(outdir)).encode() + b"\0" + path.read_bytes())
    return sha.hexdigest()[:16]


def release_order(app: Sphinx) -> int:
    """The release's place in docs/versions.toml (oldest 0); dev comes after every release."""
    info = getattr(app, "versions_info", {}) or {}
    if "order" in info:
        return info["order"]
    return len(info.get("releases", []))


def write_worker(app: Sphinx, exception: Exception | None) -> None:
    if exception or app.builder.format != "html":
        return
    outdir = Path(app.outdir)
    pages = [f"{docname}.html" for docname in [*saved_pages(app), OFFLINE_PAGE]]
    files = []
    for page in pages:
        if not (outdir / page).is_file():
            logger.warning("offline: %s was not built, so it cannot be saved for offline reading", page,
                           type="offline", location="conf.py")
            continue
        files += [page, *folder_files(outdir, page)]
    settings = {"release": app.config.release, "order": release_order(app),
                "build": build_hash(outdir, app.config.release), "files": by_folder(files)}
    source = WORKER_SOURCE.read_text(encoding="utf-8")
    # The settings line stays JSON (a release script or a test can read and rewrite it); the code is minified.
    worker = (f"const OFFLINE={json.dumps(settings, separators=(',', ':'))};\n"
              + (MINIFIERS[".js"](source) if app.config.minify_static else source))
    (outdir / WORKER).write_text(worker, encoding="utf-8")
    # Browsers must see a new worker as soon as it is published (nginx: deploy/nginx-site.conf).
    if (host_headers := outdir / "_headers").is_file():
        with host_headers.open("a", encoding="utf-8") as out:
            out.write(f"/{WORKER}\n  Cache-Control: no-cache\n")


def add_offline_page(app: Sphinx):
    yield OFFLINE_PAGE, {"title": "You are offline"}, "offline.html"


def page_list(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    """The offline page lists every page: saved ones shown, the others shown by offline.js if cached."""
    if pagename != OFFLINE_PAGE:
        return
    always = set(saved_pages(app))
    titles = {docname: title.astext() for docname, title in app.env.titles.items()} | {"search": "Search"}
    listing = [{"docname": docname, "title": titles[docname], "saved": docname in always}
               for docname in [*app.env.found_docs, "search"] if docname in titles]
    # by name among equal titles: found_docs is a set, whose order changes from one build to the next
    context["offline_listing"] = sorted(listing, key=lambda page: (not page["saved"], page["title"].lower(),
                                                                   page["docname"]))
    app.add_js_file("offline.js", loading_method="defer")


def exclude_from_sitemap(app: Sphinx, config) -> None:
    if hasattr(config, "sitemap_excludes"):
        config.sitemap_excludes = [*config.sitemap_excludes, f"{OFFLINE_PAGE}.html"]


def setup(app: Sphinx) -> dict:
    app.add_config_value("offline_pages", ["index", "search"], "html", types=[list])
    app.add_config_value("offline_sections", [], "html", types=[list])
    app.add_js_file("sw-register.js", loading_method="defer")
    app.connect("config-inited", exclude_from_sitemap)
    app.connect("html-collect-pages", add_offline_page)
    app.connect("html-page-context", page_list, priority=PageContext.ADD_ASSETS)
    app.connect("build-finished", write_worker, priority=BuildFinished.OFFLINE_WORKER)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
