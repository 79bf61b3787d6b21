"""Every built page loses the markup no reader needs, at build-finished, before anything reads the pages.

The passes, in the order of PASSES (each takes a page's HTML and returns it):

1. `lean_dropdowns`: each sphinx-design dropdown (a card of five nested classed elements and a
   chevron icon, about 480 bytes of markup: 14 KB of the FAQ) becomes a plain `<details
   class="dropdown">` with `<summary>` and `<div class="dropdown-body">`, styled by dropdown.css
   (chevron drawn in CSS; only the pages with a dropdown load it). Its other classes
   (`for-clinicians`) and attributes stay. A page with no other sphinx-design component then loads
   no sphinx-design stylesheet (page_assets).
2. `share_repeated_icons`: an icon sphinx-design repeats inline is drawn once, as a symbol in
   Furo's sprite, and used by reference where it stood.
3. `drop_unused_icons`: the sprite's symbols the page never uses (Furo ships nine, a page uses seven).
4. `lean_sprite`: the sprite's symbols without what an inline SVG does not need: the nested
   `<svg>`'s xmlns and class (no CSS or script reads them), line breaks, end tags of empty shapes,
   spaces around path commands, and the icon set's invisible bounding-box path.
5. `drop_link_wrappers`: the `<span class="xref std std-term">` (or `std std-ref`, `doc`) that wraps the
   whole text of a cross-reference link: no stylesheet, script or test reads those classes.
6. `drop_bracket_spans`: docutils' `<span class="fn-bracket">[</span>` around citation numbers, as
   plain brackets (64 entries on the references page: about 4 KB).
7. `drop_unlinked_citation_ids`: a citation's `id="idN"` that no link on the page targets
   (sphinxcontrib-bibtex makes no back-links to citations).
8. `lean_citation_list`: the references page's list, a `<div role="list">` of `<div class="citation"
   role="listitem">` entries each holding a label and one paragraph, becomes a native `<ul>` of
   `<li id="idN">` (the published id) with the label and the text (1.8 KB of 64 entries).
9. `drop_article_link_classes`: `class="reference internal"` / `"reference external"` on the links
   inside the article (2.5 KB of the decision guide): no stylesheet or script reads them there
   (print.css marks links out by their `http` address). The sidebar and the page's contents keep
   theirs: Furo styles those links by `.reference`.
10. `drop_theme_credit`: Furo's "Made with Sphinx and @pradyunsg's Furo" line under every page (three
   links out of the site a patient has no use for; the copyright line stays).
11. `drop_heading_slug_ids`: the id docutils derives from a heading's words (`<span id="how-long-...">`),
   beside the section's label, which is the published id (objects.inv, the anchor lock): nothing links it.
12. `drop_second_viewport`: the viewport tag docutils writes into the page's metadata, after Furo's own
   (the same setting twice: the browser reads one).
13. `drop_indentation`: blank lines and indentation between tags (not inside pre, textarea or script;
   a style element is minified instead: Furo's colour variables).

A new trim of the page markup is a function here, placed in PASSES where it must run.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

import rcssmin
from docutils.nodes import make_id
from sphinx.application import Sphinx

from tools.event_order import BuildFinished

INDENTATION = re.compile(r"(?P<verbatim><(pre|textarea|script|style)\b.*?</\2>)|(?<=>)[ \t]*\n\s*(?=<)", re.S)
SVG_SYMBOL = re.compile(r'<symbol id="([^"]+)".*?</symbol>\s*', re.S)
SVG_USE = re.compile(r'<use (?:xlink:)?href="#([^"]+)"')
SVG_SPRITE = '<svg xmlns="http://www.w3.org/2000/svg" style="display: none;">'  # Furo's, at the top of the body
SPRITE_SYMBOLS = re.compile(r'(?:\s*<symbol id="[^"]+".*?</symbol>)+', re.S)
BETWEEN_TAGS = re.compile(r">\s+<")
SPRITE_INNER_SVG = re.compile(r"<svg\s(?P<attributes>[^>]*)>")  # the icons nested in the sprite's symbols
SPRITE_SHAPE = re.compile(r"<(path|line|circle|polyline)\b([^>]*?)\s*/?>(?:</\1>)?")
PATH_DATA = re.compile(r'd="([^"]*)"')
PATH_COMMAND_SPACE = re.compile(r"\s*([A-Za-z])\s*")
HEADING_SLUG = re.compile(r'(?P<section><section id="[^"]+">\s*)<span id="(?P<slug>[^"]+)"></span>'
                          r'(?P<tag><h[1-6]>(?P<heading>.*?)<a class="headerlink")', re.S)
INVISIBLE_BOX = re.compile(r'<path stroke="none" d="M0 0h24v24H0z" fill="none"\s*/>')
LINK_WRAPPER = re.compile(r'(?P<link><a class="reference internal" href="[^"]*">)'
                          r'<span class="(?:xref std std-term|std std-ref|doc)">'
                          r'(?P<text>(?:(?!</?span\b|</a>).)*)</span></a>', re.S)
BRACKET_SPAN = re.compile(r'<span class="fn-bracket">([\[\]])</span>')
DROPDOWN = re.compile(  # sphinx-design's dropdown, as it writes one
    r'<details class="sd-sphinx-override sd-dropdown sd-card sd-mb-3(?P<classes>(?: [\w-]+)*)"(?P<attributes>[^>]*)>\s*'
    r'<summary class="sd-summary-title sd-card-header">\s*<span class="sd-summary-text">(?P<title>.*?)</span>'
    r'<span class="sd-summary-state-marker sd-summary-chevron-right">.*?</span>\s*</summary>\s*'
    r'<div class="sd-summary-content sd-card-body docutils">(?P<body>.*?)</div>\s*</details>', re.S)
CITATION_LIST = re.compile(r'<div role="list" class="citation-list">(?P<entries>(?:\s*<div class="citation" '
                           r'id="[^"]+" role="listitem">.*?</div>)+)\s*</div>', re.S)
CITATION_ENTRY = re.compile(r'<div class="citation" id="(?P<id>[^"]+)" role="listitem">\s*'
                            r'(?P<label><span class="label">[^<]*</span>)\s*'
                            r'<p>(?P<text>(?:(?!</?p\b|</?div\b).)*)</p>\s*</div>', re.S)
ARTICLE = re.compile(r'<article role="main"[^>]*>.*?</article>', re.S)
ARTICLE_LINK_CLASS = re.compile(r'<a class="reference (?:internal|external)" (?=href=)')
THEME_CREDIT = re.compile(r'\s*Made with <a href="https://www\.sphinx-doc\.org/">Sphinx</a> and .*?'
                          r'<a href="https://github\.com/pradyunsg/furo">Furo</a>', re.S)
FURO_VIEWPORT = '<meta name="viewport" content="width=device-width,initial-scale=1">'
DOCUTILS_VIEWPORT = re.compile(r'<meta name="viewport" content="width=device-width, initial-scale=1" />')
CITATION_ID = re.compile(r'<span class="bibtex-citation" id="(?P<id>id\d+)">')
DESIGN_ICON = re.compile(r'<svg version="1\.1" (?P<size>width="[^"]*" height="[^"]*") '
                         r'class="(?P<cls>sd-octicon sd-octicon-(?P<name>[\w-]+))" viewBox="(?P<box>[^"]*)" '
                         r'aria-hidden="true">(?P<shape>.*?)</svg>', re.S)


def lean_dropdowns(page: str) -> str:
    """Each dropdown as a plain <details> with its own small stylesheet (dropdown.css), not a card."""
    def lean(match: re.Match) -> str:
        body = match["body"].replace('<p class="sd-card-text">', "<p>")
        return (f'<details class="dropdown{match["classes"]}"{match["attributes"]}><summary>{match["title"]}</summary>'
                f'<div class="dropdown-body">{body}</div></details>')
    return DROPDOWN.sub(lean, page)


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


def lean_sprite(page: str) -> str:
    start = page.find(SVG_SPRITE)
    symbols = SPRITE_SYMBOLS.match(page, start + len(SVG_SPRITE)) if start >= 0 else None
    if symbols is None:
        return page
    lean = INVISIBLE_BOX.sub("", SPRITE_INNER_SVG.sub(lean_inner_svg, symbols[0]))
    lean = SPRITE_SHAPE.sub(lean_shape, lean)
    return page[:symbols.start()] + BETWEEN_TAGS.sub("><", lean) + page[symbols.end():]


def lean_inner_svg(match: re.Match) -> str:
    attributes = re.sub(r'\s(?:xmlns|class)="[^"]*"', "", " " + match["attributes"])
    return "<svg " + " ".join(attributes.split()) + ">"


def lean_shape(match: re.Match) -> str:
    """An empty shape element self-closed, its path data without spaces around the commands."""
    attributes = PATH_DATA.sub(lambda d: 'd="' + PATH_COMMAND_SPACE.sub(r"\1", d[1]).strip() + '"', match[2])
    return f"<{match[1]}{attributes.rstrip(' /')}/>"


def drop_heading_slug_ids(page: str) -> str:
    """The id docutils derives from a heading's words, kept beside the section's label: nothing links
    it (links, the table of contents, copy-link and objects.inv use the label; README, "Deep links")."""
    def dropped(match: re.Match) -> str:
        words = re.sub(r"<[^>]+>", "", match["heading"])
        return match[0] if match["slug"] != make_id(html.unescape(words)) else match["section"] + match["tag"]
    return HEADING_SLUG.sub(dropped, page)


def drop_link_wrappers(page: str) -> str:
    return LINK_WRAPPER.sub(r"\g<link>\g<text></a>", page)


def drop_bracket_spans(page: str) -> str:
    return BRACKET_SPAN.sub(r"\1", page)


def drop_unlinked_citation_ids(page: str) -> str:
    linked = set(re.findall(r'href="#(id\d+)"', page))
    return CITATION_ID.sub(lambda m: m[0] if m["id"] in linked else '<span class="bibtex-citation">', page)


def lean_citation_list(page: str) -> str:
    def lean(match: re.Match) -> str:
        entries = CITATION_ENTRY.sub(r'<li id="\g<id>">\g<label>\n\g<text></li>', match["entries"])
        return match[0] if "role=\"listitem\"" in entries else f'<ul class="citation-list">{entries}\n</ul>'
    return CITATION_LIST.sub(lean, page)


def drop_article_link_classes(page: str) -> str:
    return ARTICLE.sub(lambda article: ARTICLE_LINK_CLASS.sub("<a ", article[0]), page, count=1)


def drop_theme_credit(page: str) -> str:
    return THEME_CREDIT.sub("", page, count=1)


def drop_second_viewport(page: str) -> str:
    if FURO_VIEWPORT not in page:  # a page without Furo's head keeps the one it has
        return page
    return DOCUTILS_VIEWPORT.sub("", page, count=1)


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


PASSES = (lean_dropdowns, share_repeated_icons, drop_unused_icons, lean_sprite, drop_link_wrappers,
          drop_bracket_spans, drop_unlinked_citation_ids, lean_citation_list, drop_article_link_classes,
          drop_theme_credit, drop_heading_slug_ids, drop_second_viewport, drop_indentation)


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
