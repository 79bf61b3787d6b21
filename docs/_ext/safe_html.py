"""Fail the build on third-party or unsafe HTML, on every page (README, "Privacy and security headers").

Nothing a reader does may leave their browser, and a health site runs no code it did not write.
Two passes, so every mistake is named where it can be fixed:

- in each page's source (doctree-read), at its line: raw HTML with `<script>`, `<iframe>`,
  `<object>`, `<embed>` or `<frame>`, an inline event handler (`onclick=` ...), or a `src`/`href`
  that loads from another host; an image from another host; a plain `http://` link;
- in each page written (build-finished), whatever a template or an extension added: a script,
  stylesheet, frame, image or icon from another host, an inline script the Content-Security-Policy
  does not allow by hash, an event handler, an embedded object, a plain `http://` link.

Links *to* other sites (`<a href="https://...">`) are fine: they load nothing until followed.
"""

from __future__ import annotations

import base64
import hashlib
import re
import time
from pathlib import Path
from urllib.parse import urlsplit

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.util import logging

from tools.event_order import BuildFinished
from tools.shared import html_elements

logger = logging.getLogger(__name__)

# Plain http:// links that are allowed, each with why (none needed today: every source has https).
HTTP_ALLOWED: dict[str, str] = {}
EMBEDS = ("script", "iframe", "frame", "object", "embed")
LOADING_ATTRIBUTES = {"src", "href", "data", "poster", "srcset"}
LOADS_FROM_HREF = {"stylesheet", "icon", "preload", "modulepreload", "prefetch", "manifest", "apple-touch-icon"}
DATA_SCRIPTS = {"application/ld+json", "application/json"}  # data, not code: the CSP allows them
RAW_TAG = re.compile(r"<\s*(?P<tag>[a-zA-Z][\w-]*)(?P<attrs>[^>]*)>", re.S)
RAW_ATTR = re.compile(r"""(?P<name>[\w:-]+)\s*=\s*(?P<q>["']?)(?P<value>[^"'\s>]*)(?P=q)""")
HASH_SOURCE = re.compile(r"'(sha(?:256|384|512)-[A-Za-z0-9+/=]+)'")
FIX_EMBED = ("write it as a page of its own, or link to it; this site embeds and runs nothing from elsewhere "
             "(a script of ours goes in docs/_static and is added with app.add_js_file)")
FIX_EXTERNAL = ("copy the file into docs/_static and load it from there, or link to the page instead; "
                "a reader's browser must not contact another host")
FIX_HANDLER = ("remove it; behaviour goes in a script file in docs/_static "
               "(the Content-Security-Policy blocks inline code)")


def external(url: str) -> bool:
    url = url.strip()
    return bool(urlsplit(url).scheme in ("http", "https") or url.startswith("//"))


def plain_http(url: str) -> bool:
    return url.strip().lower().startswith("http://") and url.strip() not in HTTP_ALLOWED


def markup_problems(html: str) -> list[tuple[int, str]]:
    """(line within `html`, message) for unsafe markup in raw HTML someone wrote in a page."""
    found = []
    for match in RAW_TAG.finditer(html):
        tag, line = match["tag"].lower(), html.count("\n", 0, match.start())
        attrs = {m["name"].lower(): m["value"] for m in RAW_ATTR.finditer(match["attrs"])}
        if tag in EMBEDS:
            found.append((line, f"raw HTML <{tag}>: {FIX_EMBED}"))
        for name, value in attrs.items():
            if name.startswith("on"):
                found.append((line, f"raw HTML <{tag} {name}=...>, an inline event handler: {FIX_HANDLER}"))
            elif name in LOADING_ATTRIBUTES - {"href"} and external(value):
                found.append((line, f"raw HTML <{tag} {name}={value!r}> loads from another host: {FIX_EXTERNAL}"))
        if tag == "link" and external(attrs.get("href", "")):
            found.append((line, f"raw HTML <link href={attrs['href']!r}> loads from another host: {FIX_EXTERNAL}"))
        if tag == "a" and plain_http(attrs.get("href", "")):
            found.append((line, plain_http_message(attrs["href"])))
    return found


def plain_http_message(url: str) -> str:
    return (f"plain http:// link {url!r}: write https:// (check the site serves it); an unencrypted link "
            "shows what a reader looks up; if the site has no https, add it to HTTP_ALLOWED in "
            "docs/_ext/safe_html.py with the reason")


def line_of(node: nodes.Node) -> int:
    while node is not None and not node.line:
        node = node.parent
    return node.line if node is not None else 1


def check_source(app: Sphinx, doctree: nodes.document) -> None:
    docname = app.env.docname
    problems = []
    for raw in doctree.findall(nodes.raw):
        if "html" in raw.get("format", "").split():
            problems += [(line_of(raw) + offset, message) for offset, message in markup_problems(raw.astext())]
    for reference in doctree.findall(nodes.reference):
        if plain_http(reference.get("refuri", "")):
            problems.append((line_of(reference), plain_http_message(reference["refuri"])))
    for image in doctree.findall(nodes.image):
        if external(image.get("uri", "")):
            problems.append((line_of(image), f"image {image['uri']!r} loads from another host: {FIX_EXTERNAL}"))
    for line, message in problems:
        logger.warning(message, location=(docname, line), type="safe_html", subtype="source")
    if problems:
        app.safe_html_reported = getattr(app, "safe_html_reported", set()) | {docname}


class PageScan:
    """What a built page loads and runs."""

    def __init__(self, allowed_hashes: set[str]) -> None:
        self.allowed_hashes = allowed_hashes
        self.problems: list[tuple[int, str]] = []

    def feed(self, html: str) -> None:
        for element in html_elements(html):
            self.check(element.tag, element.attrib, element.sourceline or 1)
            if element.tag == "script" and not element.get("src") \
                    and element.get("type", "").lower() not in DATA_SCRIPTS:
                self.check_inline_script(element.text or "", element.sourceline or 1)

    def check(self, tag: str, attr, line: int) -> None:
        for name in attr:
            if name.startswith("on"):
                self.problems.append((line, f"<{tag} {name}=...>, an inline event handler: {FIX_HANDLER}"))
        if tag in EMBEDS[1:]:
            self.problems.append((line, f"<{tag}>: {FIX_EMBED}"))
        for name in LOADING_ATTRIBUTES - {"href"}:
            if external(attr.get(name, "")):
                self.problems.append((line, f"<{tag} {name}={attr[name]!r}> loads from another host: {FIX_EXTERNAL}"))
        rels = set(attr.get("rel", "").lower().split())
        if tag == "link" and LOADS_FROM_HREF & rels and external(attr.get("href", "")):
            self.problems.append((line, f"<link rel={attr['rel']!r} href={attr['href']!r}> loads from another "
                                        f"host: {FIX_EXTERNAL}"))
        if tag == "a" and plain_http(attr.get("href", "")):
            self.problems.append((line, plain_http_message(attr["href"])))

    def check_inline_script(self, code: str, line: int) -> None:
        digest = "sha256-" + base64.b64encode(hashlib.sha256(code.encode()).digest()).decode()
        if code.strip() and digest not in self.allowed_hashes:
            self.problems.append((line, f"an inline <script> the Content-Security-Policy does not allow "
                                        f"({digest}): {FIX_EMBED}"))


def note_start(app: Sphinx) -> None:
    app.safe_html_started = time.time() - 1  # file times are coarse on some file systems


def check_output(app: Sphinx, exception: Exception | None) -> None:
    """The pages written in this build (all of them after a failed one: strict_rebuild re-reads them)."""
    if exception or app.builder.format != "html":
        return
    policy = app.config.site_content_security_policy if "site_content_security_policy" in app.config else ""
    allowed = set(HASH_SOURCE.findall(policy))
    out = Path(app.outdir)
    reported = {app.builder.get_target_uri(doc) for doc in getattr(app, "safe_html_reported", set())}
    for page in sorted(out.rglob("*.html")):
        relative = page.relative_to(out).as_posix()
        if relative.startswith("_") or page.stat().st_mtime < app.safe_html_started or relative in reported:
            continue
        scan = PageScan(allowed)
        scan.feed(page.read_text(encoding="utf-8"))
        for line, message in scan.problems:
            logger.warning("%s", message, location=f"{page}:{line}", type="safe_html", subtype="output")


def setup(app: Sphinx) -> dict:
    app.connect("builder-inited", note_start)
    app.connect("doctree-read", check_source)
    app.connect("build-finished", check_output, priority=BuildFinished.CHECK_OUTPUT)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
