"""Keep published links working: redirect moved pages and moved section ids (docs/redirects.toml).

A moved page leaves a small stub at its old address that sends readers on, keeping the `#fragment`.
A moved section id is sent to its new label by `_static/redirects.js`, like CPython's anchor
redirects. The script is a file, not inline, so a strict Content-Security-Policy can allow it.
"""

from __future__ import annotations

import html
import json
import posixpath
import tomllib
from pathlib import Path

from sphinx.application import Sphinx
from sphinx.util import logging
from sphinx.util.osutil import relative_uri

from strict_rebuild import build_failed
from tools.shared import absolute_url, line_of, static_fingerprint, toml_error_line

logger = logging.getLogger(__name__)

SCRIPT = "redirects.js"
MOVED_PAGE = "deep-links-redirect"  # the stub's <meta name>, which redirects.js reads
STUB = """<!DOCTYPE html>
<html lang="{lang}">
<head>
<meta charset="utf-8">
<title>This page has moved</title>
<meta name="robots" content="noindex">
{canonical}<meta name="{moved}" content="{target}">
{anchors}<script src="{static}{script}"></script>
<noscript><meta http-equiv="refresh" content="0; url={target}"></noscript>
</head>
<body><p>This page has moved to <a href="{target}">{target}</a>.</p></body>
</html>
"""


class Redirects:
    """The redirects file, read once per build, with the line of each entry for messages."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.pages: dict[str, str] = {}
        self.anchors: dict[str, dict[str, str]] = {}  # old page -> {old id: new label or page#id}
        self.text = path.read_text(encoding="utf-8") if path.exists() else ""
        if not self.text:
            return
        try:
            data = tomllib.loads(self.text)
        except tomllib.TOMLDecodeError as error:
            line = toml_error_line(error)
            logger.warning("%s is not valid TOML (%s); fix the syntax: quote both sides, "
                           '"old/docname" = "new/docname", under [pages] or [anchors]',
                           path.name, error, type="redirects", location=f"{path}:{line}")
            return
        for key in sorted(set(data) - {"pages", "anchors"}):
            self.warn(key, "unknown table; use [pages] for moved pages and [anchors] for moved section ids")
        self.pages = {old.strip("/"): new.strip("/") for old, new in data.get("pages", {}).items()}
        for key, new in data.get("anchors", {}).items():
            page, sep, old_id = key.partition("#")
            if not sep or not page or not old_id:
                self.warn(key, 'write anchor redirects as "page#old-id" = "new-label"')
                continue
            self.anchors.setdefault(page.strip("/"), {})[old_id] = new

    def warn(self, key: str, message: str) -> None:
        logger.warning("redirect %r: %s", key, message, type="redirects",
                       location=f"{self.path}:{(line_of(self.text, key) if key else None) or 1}")


def load(app: Sphinx) -> None:
    # Kept on the app, not the pickled environment: it is read afresh on every build.
    app.deep_link_redirects = Redirects(Path(app.srcdir, app.config.redirects_file))


def anchor_target(app: Sphinx, new: str) -> tuple[str, str] | None:
    """(docname, id) for `new-label` or `docname#id`, or None when it does not exist."""
    if "#" in new:
        docname, _, anchor = new.partition("#")
        return (docname, anchor) if docname in app.env.found_docs else None
    label = app.env.get_domain("std").labels.get(new.lower())
    return (label[0], label[1]) if label else None


def redirected(app: Sphinx, docname: str, anchor: str) -> tuple[str, str] | None:
    """Where one redirect sends a link to `docname#anchor` (anchor may be ""), as redirects.js does:
    a moved id first, else a moved page with the same fragment. None when no redirect applies."""
    redirects: Redirects | None = getattr(app, "deep_link_redirects", None)
    if redirects is None:
        return None
    moved_ids = redirects.anchors.get(docname, {})
    if anchor and anchor in moved_ids:
        return anchor_target(app, moved_ids[anchor])
    if docname in redirects.pages and docname not in app.env.found_docs:
        return redirects.pages[docname], anchor
    return None


def check(app: Sphinx, env) -> list[str]:
    """Every redirect must lead somewhere real, and must not hide a page that still exists."""
    redirects: Redirects = app.deep_link_redirects
    for old, new in redirects.pages.items():
        if old in env.found_docs:
            redirects.warn(old, "this page still exists; remove the page or this redirect")
        if new not in env.found_docs:
            redirects.warn(old, f"target page {new!r} does not exist; give the docname of an existing page")
    for page, moved in redirects.anchors.items():
        if page not in env.found_docs and page not in redirects.pages:
            redirects.warn(f"{page}#{next(iter(moved))}",
                           f"page {page!r} neither exists nor has a redirect in [pages]")
        for old_id, new in moved.items():
            if anchor_target(app, new) is None:
                redirects.warn(f"{page}#{old_id}", f"new label {new!r} does not exist; "
                                                   "give an existing label, or page#id")
    return []


def anchor_map(app: Sphinx, from_uri: str, page: str) -> dict[str, str]:
    """{old id: URL relative to `from_uri`} for the moved ids of `page`."""
    urls = {}
    for old_id, new in app.deep_link_redirects.anchors.get(page, {}).items():
        target = anchor_target(app, new)
        if target:
            to_uri = app.builder.get_target_uri(target[0])
            urls[old_id] = (relative_uri(from_uri, to_uri) or posixpath.basename(to_uri)) + "#" + target[1]
    return urls


def json_script(urls: dict[str, str]) -> str:
    data = json.dumps(urls, sort_keys=True).replace("</", "<\\/")
    return f'<script type="application/json" id="anchor-redirects">{data}</script>\n'


def add_anchor_redirects(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    if pagename not in app.deep_link_redirects.anchors:
        return
    redirects: Redirects = app.deep_link_redirects
    for old_id in redirects.anchors[pagename]:
        if doctree is not None and old_id in doctree.ids:
            redirects.warn(f"{pagename}#{old_id}", "this id still exists on the page, so the redirect "
                                                   "would never be used; remove the redirect")
    urls = anchor_map(app, app.builder.get_target_uri(pagename), pagename)
    context["metatags"] = context.get("metatags", "") + json_script(urls)
    app.add_js_file(SCRIPT)  # in html-page-context: for this page only


def pages_with_moved_ids(app: Sphinx, env, added, changed, removed) -> list[str]:
    """Rewrite pages that have moved ids on every build, so edits to the redirects file show."""
    return [page for page in app.deep_link_redirects.anchors if page in env.found_docs]


def write_stubs(app: Sphinx, exception: Exception | None) -> None:
    # A failed build writes no stub: the next build would not rewrite it, and it could hide a page.
    if exception or build_failed(app) or app.builder.format != "html" or not hasattr(app, "deep_link_redirects"):
        return
    baseurl = app.config.html_baseurl
    written: set[str] = set()
    for old, new in app.deep_link_redirects.pages.items():
        if old in app.env.found_docs or new not in app.env.found_docs:
            continue  # never over a live page, never to nowhere (check() has warned)
        old_uri = app.builder.get_target_uri(old)
        target = relative_uri(old_uri, app.builder.get_target_uri(new))
        out = Path(app.outdir, old_uri + ("index.html" if old_uri.endswith("/") or not old_uri else ""))
        out.parent.mkdir(parents=True, exist_ok=True)
        new_url = absolute_url(baseurl, app.builder.get_target_uri(new))
        canonical = f'<link rel="canonical" href="{html.escape(new_url)}">\n' if baseurl else ""
        anchors = anchor_map(app, old_uri, old)
        write_if_changed(out, STUB.format(
            lang=app.config.language or "en", canonical=canonical, moved=MOVED_PAGE, target=html.escape(target),
            anchors=json_script(anchors) if anchors else "",
            static=relative_uri(old_uri, "_static/"), script=SCRIPT + static_fingerprint(app, SCRIPT),
        ))
        written.add(old)
    remove_old_stubs(app, written)


def is_stub(page: str) -> bool:
    """True for the HTML of a moved page's stub."""
    return f'<meta name="{MOVED_PAGE}"' in page


def write_if_changed(path: Path, text: str) -> None:
    if not path.exists() or path.read_text(encoding="utf-8") != text:
        path.write_text(text, encoding="utf-8")


def remove_old_stubs(app: Sphinx, written: set[str]) -> None:
    """Delete the stubs of redirects that were removed from the file (kept in a list beside the doctrees)."""
    record = Path(app.doctreedir, "redirect-stubs.json")
    before = set(json.loads(record.read_text(encoding="utf-8"))) if record.exists() else set()
    for old in before - written - app.env.found_docs:
        Path(app.outdir, app.builder.get_target_uri(old)).unlink(missing_ok=True)
    record.write_text(json.dumps(sorted(written)), encoding="utf-8")


def setup(app: Sphinx) -> dict:
    app.add_config_value("redirects_file", "redirects.toml", "env", types=[str])
    app.connect("builder-inited", load)
    app.connect("env-updated", check)  # every build: consistency checks skip builds that read no page
    app.connect("html-page-context", add_anchor_redirects)
    app.connect("env-get-outdated", pages_with_moved_ids)
    app.connect("build-finished", write_stubs)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
