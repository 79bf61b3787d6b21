"""Keep pages light: load only the stylesheets and scripts a page uses, and send no dead markup.

- Per page, drop the code-highlighting stylesheet, Sphinx's search helpers (outside the search
  page), the tabs script and the sphinx-design stylesheet when the page has no such component.
- The sidebar lists every section but holds the pages of the current one only: Furo holds them
  all (about 3 KB of every page). The home page keeps the whole tree, as the site's map.
- At build-finished, every page loses the indentation between tags (not inside pre, textarea,
  or script; a style element is minified: Furo's colour variables) and the inline SVG icons it
  never uses (Furo ships nine, a page uses seven).
  An icon sphinx-design repeats inline (the chevron of every dropdown, 318 bytes each: about 9 KB
  of the FAQ) is drawn once, as a symbol in Furo's sprite, and used by reference where it stood.
"""

from __future__ import annotations

import re
from pathlib import Path

import rcssmin
from furo.navigation import get_navigation_tree
from sphinx.application import Sphinx

# This site shows no code; outside the search page nothing uses Sphinx's search helpers.
UNUSED_EVERYWHERE = {"pygments.css", "sphinx_highlight.js", "doctools.js", "documentation_options.js"}
DESIGN_CLASS = re.compile(r'class="[^"]*\bsd-')
# Blank lines and indentation between two tags, unless inside an element where spaces count.
INDENTATION = re.compile(r"(?P<verbatim><(pre|textarea|script|style)\b.*?</\2>)|(?<=>)[ \t]*\n\s*(?=<)", re.S)
SVG_SYMBOL = re.compile(r'<symbol id="([^"]+)".*?</symbol>\s*', re.S)
SVG_USE = re.compile(r'<use (?:xlink:)?href="#([^"]+)"')
SVG_SPRITE = '<svg xmlns="http://www.w3.org/2000/svg" style="display: none;">'  # Furo's, at the top of the body
DESIGN_ICON = re.compile(r'<svg version="1\.1" (?P<size>width="[^"]*" height="[^"]*") '
                         r'class="(?P<cls>sd-octicon sd-octicon-(?P<name>[\w-]+))" viewBox="(?P<box>[^"]*)" '
                         r'aria-hidden="true">(?P<shape>.*?)</svg>', re.S)


def drop_unused_assets(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    body = context.get("body", "")
    unused = set(UNUSED_EVERYWHERE) if pagename != "search" else {"pygments.css"}
    if "sd-tab-set" not in body:
        unused.add("design-tabs.js")
    if not DESIGN_CLASS.search(body):  # no sphinx-design component on this page
        unused.add("sphinx-design.min.css")
    for key in ("css_files", "script_files"):
        if key in context:
            context[key] = [asset for asset in context[key]
                            if Path(getattr(asset, "filename", str(asset))).name not in unused]


def open_only_current_section(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    """Furo's own tree, built with collapse=True, except on the home page: it is the site map."""
    if "toctree" in context and pagename != app.config.root_doc:
        context["furo_navigation_tree"] = get_navigation_tree(
            context["toctree"](collapse=True, titles_only=True, maxdepth=-1, includehidden=True))


def shared_design_icons(page: str) -> str:
    """Each sphinx-design icon used more than once on the page, drawn once and referenced."""
    icons = {}
    for icon in DESIGN_ICON.finditer(page):
        icons.setdefault((icon["name"], icon["box"], icon["shape"]), []).append(icon)
    shared = {key: f"svg-sd-{key[0]}" for key, uses in icons.items() if len(uses) > 1}
    if not shared or SVG_SPRITE not in page:
        return page

    def by_reference(icon: re.Match) -> str:
        symbol = shared.get((icon["name"], icon["box"], icon["shape"]))
        if symbol is None:
            return icon[0]
        return f'<svg {icon["size"]} class="{icon["cls"]}" aria-hidden="true"><use href="#{symbol}"></use></svg>'

    symbols = "".join(f'<symbol id="{symbol}" viewBox="{box}">{shape}</symbol>\n'
                      for (_, box, shape), symbol in shared.items())
    page = DESIGN_ICON.sub(by_reference, page)
    return page.replace(SVG_SPRITE, SVG_SPRITE + "\n" + symbols, 1)


def without_dead_markup(page: str) -> str:
    page = shared_design_icons(page)
    used_icons = set(SVG_USE.findall(page))
    page = SVG_SYMBOL.sub(lambda m: m.group(0) if m.group(1) in used_icons else "", page)
    return INDENTATION.sub(kept_verbatim, page)


def kept_verbatim(match: re.Match) -> str:
    """What stands in for a match of INDENTATION: a newline, or the element as written (a style minified)."""
    if not match["verbatim"]:
        return "\n"
    if match[2] != "style":
        return match["verbatim"]
    opening, css = match["verbatim"][:-len("</style>")].split(">", 1)
    return f"{opening}>{rcssmin.cssmin(css)}</style>"


def strip_dead_markup(app: Sphinx, exception: Exception | None) -> None:
    if exception or app.builder.format != "html":
        return
    for page in Path(app.outdir).rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        if (lean := without_dead_markup(text)) != text:
            page.write_text(lean, encoding="utf-8")


def setup(app: Sphinx) -> dict:
    app.connect("html-page-context", drop_unused_assets)
    app.connect("html-page-context", open_only_current_section, priority=600)  # after Furo's (500)
    app.connect("build-finished", strip_dead_markup, priority=400)  # before others read the pages
    return {"version": "1.1", "parallel_read_safe": True, "parallel_write_safe": True}
