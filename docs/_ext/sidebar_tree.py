"""The sidebar's navigation tree, made once per build; each page marks only its own place in it.

Furo asks Sphinx for the whole site's tree on every page and rewrites it with BeautifulSoup, and the
sidebar asked again for a tree with only the current section open: two passes over the whole site
for every page written, so a site ten times larger took eighteen times as long to build. Here
Sphinx resolves the tree and Furo rewrites it once, when the builder starts writing. Each page then
writes it out as the two of them would: the page's entries and those above them `current`, their
toggles checked, the last `current-page`, and every other section closed. The home page keeps the
whole tree open: it is the site's map. The output is byte for byte theirs (tests/test_sidebar_tree.py).

A page whose `toctree` another extension replaced (sphinx-notfound-page gives the 404 page absolute
links), and every page of a site whose tree holds what this does not model, get Sphinx's and
Furo's own tree.
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass, field

from bs4 import BeautifulSoup, NavigableString, Tag
from bs4.formatter import HTMLFormatter
from furo.navigation import get_navigation_tree
from sphinx.application import Sphinx
from sphinx.environment.adapters.toctree import TocTree, global_toctree_for_doc
from sphinx.util import logging

from tools.event_order import PageContext

FURO_TREE = {"collapse": False, "titles_only": True, "maxdepth": -1, "includehidden": True}  # what Furo asks
SECTION_TREE = {**FURO_TREE, "collapse": True}  # what every page but the home page shows
BUILDERS = {"html", "dirhtml"}  # whose pages' toctree() is Sphinx's global tree with relative links
FORMATTER = HTMLFormatter.REGISTRY["minimal"]  # how Furo's str(soup) writes text and attributes
# Furo's toggle for an entry with a list under it (furo/navigation.py), as BeautifulSoup writes it.
TOGGLE = ('<input aria-label={label}{checked} class="toctree-checkbox" id="toctree-checkbox-{n}" '
          'name="toctree-checkbox-{n}" role="switch" type="checkbox"/><label for="toctree-checkbox-{n}">'
          '<span class="icon"><svg><use href="#svg-arrow-right"></use></svg></span></label>')
MARKS = {"current", "has-children", "current-page"}  # the classes a page's place adds
logger = logging.getLogger(__name__)


def quoted(value: str) -> str:
    return FORMATTER.quoted_attribute_value(FORMATTER.attribute_value(value))


@dataclass
class Entry:
    """One <li>: a link to a page (or a section of one, or out of the site) and the list under it."""

    docname: str | None  # None: a link out of the site
    anchor: str  # "#id" when it links to a section of the page
    href: str  # a link out of the site, quoted
    link_classes: str  # Sphinx's, "reference internal" or "reference external"
    text: str  # the link's content, as Furo writes it
    label: str  # its toggle's aria-label, quoted
    classes: list[str]  # Sphinx's, ["toctree-l2"]
    children: list[Entry] | None  # None: no list under it


class Unmodelled(Exception):
    """The tree holds markup that PageTree does not write."""


@dataclass
class Navigation:
    """The site's whole tree: captions and white space as written, and the lists of entries."""

    parts: list[str | list[Entry]]
    root: str
    # A link's address depends only on the folder of the page it is on (but a page's link to itself).
    hrefs: dict[str, dict[tuple[str, str], str]] = field(default_factory=dict)  # folder: {(page, #id): href}

    @classmethod
    def of(cls, builder) -> Navigation | None:
        env, root = builder.env, builder.config.root_doc
        tree = global_toctree_for_doc(env, root, builder, tags=builder.tags, **FURO_TREE)
        soup = BeautifulSoup(get_navigation_tree(builder.render_partial(tree)["fragment"]), "html.parser")
        docnames = {builder.get_relative_uri(root, docname): docname for docname in env.found_docs}
        try:
            if any("tocdepth" in metadata for metadata in env.metadata.values()):
                raise Unmodelled("a page's tocdepth")  # Sphinx prunes collapsed entries under it differently
            return cls([entries(part, docnames) if isinstance(part, Tag) and part.name == "ul" else raw(part)
                        for part in soup.contents], root)
        except Unmodelled as unmodelled:
            logger.info("sidebar_tree: every page asks Sphinx for its own tree; the site's holds %s", unmodelled)
            return None


def raw(part) -> str:
    if isinstance(part, Tag) and part.find(["ul", "li", "a", "input"]):
        raise Unmodelled(part.name)
    return part.output_ready(formatter=FORMATTER) if isinstance(part, NavigableString) else part.decode()


def entries(ul: Tag, docnames: dict[str, str]) -> list[Entry]:
    """The <li>s of a <ul> that Sphinx wrote ("\\n", then each <li> and "\\n") and Furo rewrote."""
    items = ul.contents
    if set(ul.attrs) - {"class"} or set(ul.get("class", [])) - {"current"} or items[::2] != ["\n"] * (
            len(items) // 2 + 1):
        raise Unmodelled(str(ul)[:80])
    return [entry(li, docnames) for li in items[1::2]]


def entry(li: Tag, docnames: dict[str, str]) -> Entry:
    parts = li.contents
    if not (isinstance(li, Tag) and li.name == "li" and set(li.attrs) == {"class"} and parts
            and isinstance(link := parts[0], Tag) and link.name == "a" and set(link.attrs) == {"class", "href"}):
        raise Unmodelled(str(li)[:80])
    if len(parts) == 1:
        children = None
    elif [part.name if isinstance(part, Tag) else str(part) for part in parts[1:]] == ["input", "label", "ul", "\n"]:
        children = entries(parts[3], docnames)
    else:
        raise Unmodelled(str(li)[:80])
    link_classes = [name for name in link["class"] if name != "current"]
    address, hash_sign, fragment = link["href"].partition("#")
    if "external" in link_classes:
        docname, anchor, href = None, "", quoted(link["href"])
    elif address in docnames:
        docname, anchor, href = docnames[address], hash_sign + fragment if fragment else "", ""  # "#": no link
    else:
        raise Unmodelled(link["href"])
    return Entry(docname, anchor, href, " ".join(link_classes), link.decode_contents(formatter=FORMATTER),
                 quoted(f"Toggle navigation of {link.text}"), [name for name in li["class"] if name not in MARKS],
                 children)


class PageTree:
    """The tree as Sphinx (`_resolve_toctree`) and then Furo (`get_navigation_tree`) write it for a page.

    Sphinx marks each entry that links to the page, and every entry and list above it, `current`
    (an entry of a section of the page counts only for keeping the lists above it open). Collapsed,
    only the entries of the page's ancestors have their lists resolved, and of those lists only the
    ones above the page are kept. Furo gives each entry that has a list a toggle, numbered in
    document order and checked if the entry is current, and marks the last current entry.
    """

    def __init__(self, navigation: Navigation, builder, pagename: str) -> None:
        self.builder, self.pagename, self.navigation = builder, pagename, navigation
        self.hrefs = navigation.hrefs.setdefault(builder.get_target_uri(pagename).rpartition("/")[0], {})
        self.collapse = pagename != navigation.root
        self.ancestors = set(TocTree(builder.env).get_toctree_ancestors(pagename)) if self.collapse else set()
        self.state: dict[int, tuple[bool, bool, bool]] = {}  # id(entry): its list shown, it current, its link
        self.last_current: Entry | None = None
        self.toggles = 0

    def html(self) -> str:
        for part in self.navigation.parts:
            if isinstance(part, list):
                self.mark(part)
        out: list[str] = []
        for part in self.navigation.parts:
            if isinstance(part, list):
                self.write(part, out)
            else:
                out.append(part)
        return "".join(out)

    def mark(self, entries: list[Entry]) -> tuple[bool, bool]:
        """Whether these entries hold a link to the page, and one to the page itself; in document order."""
        any_link = any_current = False
        for entry in entries:
            link = links = entry.docname == self.pagename
            own = current = link and not entry.anchor
            if own:
                self.last_current = entry  # until a current entry below it
            resolved = entry.children is not None and (not self.collapse or entry.docname in self.ancestors)
            if resolved:
                below_links, below_current = self.mark(entry.children)
                links, current = links or below_links, current or below_current
            self.state[id(entry)] = (resolved and (links or not self.collapse), current, own)
            any_link, any_current = any_link or links, any_current or current
        return any_link, any_current

    def write(self, entries: list[Entry], out: list[str]) -> None:
        out.append('<ul class="current">\n' if any(self.state[id(entry)][1] for entry in entries) else "<ul>\n")
        for entry in entries:
            shown, current, own = self.state[id(entry)]
            classes = [*entry.classes, *["current"] * current, *["has-children"] * shown,
                       *["current-page"] * (entry is self.last_current)]
            out.append(f'<li class="{" ".join(classes)}"><a class="{"current " * own}{entry.link_classes}" '
                       f'href={self.href(entry)}>{entry.text}</a>')
            if shown:
                self.toggles += 1
                out.append(TOGGLE.format(label=entry.label, checked=' checked=""' * current, n=self.toggles))
                self.write(entry.children, out)
                out.append("\n")
            out.append("</li>\n")
        out.append("</ul>")

    def href(self, entry: Entry) -> str:
        if entry.docname is None:
            return entry.href
        key, own = (entry.docname, entry.anchor), entry.docname == self.pagename
        if own or key not in self.hrefs:
            href = quoted(self.builder.get_relative_uri(self.pagename, entry.docname) + entry.anchor or "#")
            if own:
                return href
            self.hrefs[key] = href
        return self.hrefs[key]


NAVIGATIONS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # builder: its Navigation, or None


def navigation(builder) -> Navigation | None:
    if builder not in NAVIGATIONS:
        NAVIGATIONS[builder] = Navigation.of(builder) if builder.name in BUILDERS else None
    return NAVIGATIONS[builder]


class WithoutFuroTree:
    """A page's `toctree()` for Furo's handler: Furo's own call gets no tree, as this module writes it."""

    def __init__(self, toctree) -> None:
        self.toctree = toctree

    def __call__(self, **kwargs) -> str:
        return "" if kwargs == FURO_TREE else self.toctree(**kwargs)


def make_tree(app: Sphinx, builder) -> None:
    navigation(builder)  # before the pages, so parallel writers inherit it


def spare_furo(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    if "toctree" in context and navigation(app.builder) is not None:
        context["toctree"] = WithoutFuroTree(context["toctree"])


def page_tree(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    toctree = context.get("toctree")
    if isinstance(toctree, WithoutFuroTree):
        context["toctree"] = toctree.toctree
        context["furo_navigation_tree"] = PageTree(navigation(app.builder), app.builder, pagename).html()
    elif toctree is not None and pagename != app.config.root_doc:
        context["furo_navigation_tree"] = get_navigation_tree(toctree(**SECTION_TREE))


def setup(app: Sphinx) -> dict:
    app.connect("write-started", make_tree)
    app.connect("html-page-context", spare_furo, priority=PageContext.SPARE_FURO_TREE)
    app.connect("html-page-context", page_tree, priority=PageContext.SIDEBAR_TREE)
    return {"version": "3.0", "parallel_read_safe": True, "parallel_write_safe": True}
