"""Every built page loses the markup no reader needs, at build-finished, before anything reads the pages.

The passes, in the order of PASSES (each takes a page's HTML and returns it):

1. `share_repeated_icons`: an icon sphinx-design repeats inline (the chevron of every dropdown,
   318 bytes each: about 9 KB of the FAQ) is drawn once, as a symbol in Furo's sprite, and used
   by reference where it stood.
2. `drop_unused_icons`: the sprite's symbols the page never uses (Furo ships nine, a page uses seven).
3. `drop_indentation`: blank lines and indentation between tags (not inside pre, textarea or script;
   a style element is minified instead: Furo's colour variables).

A new trim of the page markup is a function here, placed in PASSES where it must run.
"""

from __future__ import annotations

import re
from pathlib import Path

import rcssmin
from sphinx.application import Sphinx

from tools.event_order import BuildFinished

INDENTATION = re.compile(r"(?P<verbatim><(pre|textarea|script|style)\b.*?</\2>)|(?<=>)[ \t]*\n\s*(?=<)", re.S)
SVG_SYMBOL = re.compile(r'<symbol id="([^"]+)".*?</symbol>\s*', re.S)
SVG_USE = re.compile(r'<use (?:xlink:)?href="#([^"]+)"')
SVG_SPRITE = '<svg xmlns="http://www.w3.org/2000/svg" style="display: none;">'  # Furo's, at the top of the body
DESIGN_ICON = re.compile(r'<svg version="1\.1" (?P<size>width="[^"]*" height="[^"]*") '
                         r'class="(?P<cls>sd-octicon sd-octicon-(?P<name>[\w-]+))" viewBox="(?P<box>[^"]*)" '
                         r'aria-hidden="true">(?P<shape>.*?)</svg>', re.S)


def share_repeated_icons(page: str) -> str:
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


def drop_unused_icons(page: str) -> str:
    used_icons = set(SVG_USE.findall(page))
    return SVG_SYMBOL.sub(lambda m: m.group(0) if m.group(1) in used_icons else "", page)


def drop_indentation(page: str) -> str:
    return INDENTATION.sub(kept_verbatim, page)


def kept_verbatim(match: re.Match) -> str:
    """What stands in for a match of INDENTATION: a newline, or the element as written (a style minified)."""
    if not match["verbatim"]:
        return "\n"
    if match[2] != "style":
        return match["verbatim"]
    opening, css = match["verbatim"][:-len("</style>")].split(">", 1)
    return f"{opening}>{rcssmin.cssmin(css)}</style>"


PASSES = (share_repeated_icons, drop_unused_icons, drop_indentation)


def without_dead_markup(page: str) -> str:
    for strip in PASSES:
        page = strip(page)
    return page


def strip_markup(app: Sphinx, exception: Exception | None) -> None:
    if exception or app.builder.format != "html":
        return
    for page in Path(app.outdir).rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        if (lean := without_dead_markup(text)) != text:
            page.write_text(lean, encoding="utf-8")


def setup(app: Sphinx) -> dict:
    app.connect("build-finished", strip_markup, priority=BuildFinished.STRIP_MARKUP)
    return {"version": "2.0", "parallel_read_safe": True, "parallel_write_safe": True}
