"""Drop the theme and extension CSS that can match nothing on this site.

Furo and sphinx-design style API docs, code, ads, every admonition kind and dozens of components;
this site uses few of them. At build-finished, in each stylesheet of THEME_CSS:

- a selector goes when it needs a class, element or id that no built page contains and no script a
  page loads mentions (scripts add classes such as `scrolled` at run time), and a rule goes with its
  last selector. What sits inside :not(), :is(), :where() and :has() does not count as needed;
- a custom property (`--name: ...`) goes when no stylesheet, page or script refers to it, repeated
  until nothing more goes (one unused property can be the only user of another);
- a @keyframes block goes when no remaining rule or script names it;
- a custom property the theme declares once, on `body`, that nothing outside the theme's sheets
  reads or sets, is written out where it is used, when that is shorter (Furo names each colour and
  size two or three times over: `--color-sidebar-link-text: var(--color-foreground-secondary)`).
  Its value may only refer to properties set on `body` alone (the theme's dark variants, our
  colours in conf.py), so that it resolves to the same value at every use.

The page's contents list has links without classes (docs/_templates/page.html), so furo.css's two
rules for them select `[href]` instead of `.reference`, at the same specificity, pruned or not.

Set `prune_theme_css = False` (e.g. `-D prune_theme_css=0`) to ship the stylesheets whole; the
tests build both ways and compare the computed styles.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from pathlib import Path

import tinycss2
from sphinx.application import Sphinx

from tools.event_order import BuildFinished
from tools.shared import fingerprint

THEME_CSS = ("styles/furo.css", "styles/furo-extensions.css", "sphinx-design.min.css")
CLASS_ATTR = re.compile(r'class="([^"]*)"')
ID_ATTR = re.compile(r'\bid="([^"]*)"')
HTML_TAG = re.compile(r"<([a-zA-Z][a-zA-Z0-9-]*)")
VAR_REFERENCE = re.compile(r"var\(\s*(--[\w-]+)")
SCRIPT_WORD = re.compile(r"-*[_a-zA-Z][\w-]*")
CONDITIONAL_AT_RULES = ("media", "supports")
BODY_ONLY = re.compile(r"body(?:\[[^\]]*\]|:not\(\[[^\]]*\]\))*")  # body, body[data-theme=dark], ...
STYLE_BLOCK = re.compile(r"<style[^>]*>(.*?)</style>", re.S)
STYLE_ATTRIBUTE_PROPERTY = re.compile(r'style="[^"]*?(--[\w-]+)\s*:')


@dataclass
class SiteUsage:
    """What the built site can put in front of a stylesheet."""

    classes: set[str] = field(default_factory=set)
    elements: set[str] = field(default_factory=set)
    ids: set[str] = field(default_factory=set)
    script_words: set[str] = field(default_factory=set)  # class, element and property names scripts may use
    page_text: list[str] = field(default_factory=list)  # pages and unpruned stylesheets, for var() references

    @classmethod
    def of(cls, outdir: Path) -> SiteUsage:
        usage = cls()
        for page in outdir.rglob("*.html"):
            text = page.read_text(encoding="utf-8")
            usage.page_text.append(text)
            usage.elements.update(tag.lower() for tag in HTML_TAG.findall(text))
            usage.ids.update(ID_ATTR.findall(text))
            for attr in CLASS_ATTR.findall(text):
                usage.classes.update(attr.split())
        for script in loaded_scripts(outdir, usage.page_text):
            usage.script_words.update(SCRIPT_WORD.findall(script.read_text(encoding="utf-8", errors="replace")))
        return usage


def loaded_scripts(outdir: Path, pages: list[str]) -> list[Path]:
    """The scripts a page can run: those named in a page, and those named in such a script (a reader
    loaded on demand, a worker). Scripts Sphinx copies that no page loads (its own search, say) add no words."""
    scripts = {path: path.read_text(encoding="utf-8", errors="replace") for path in (outdir / "_static").rglob("*.js")}
    named = "".join(pages)
    loaded: list[Path] = []
    while True:
        runs = sorted(set(NAME_RUN.findall(named)))
        if not (found := [path for path in scripts if path not in loaded and is_named(path.name, named, runs)]):
            return loaded
        loaded += found
        named += "".join(scripts[path] for path in found)


NAME_RUN = re.compile(r"[\w.-]+")


def is_named(name: str, text: str, runs: list[str]) -> bool:
    """Whether `name` occurs in `text` not preceded by a word character, dot or hyphen. A file name made
    of those characters can only begin such a run of them, so it is looked up among the text's runs
    (`runs`: NAME_RUN's matches, sorted), instead of searching the whole text for each name."""
    if not NAME_RUN.fullmatch(name):
        return re.search(rf"(?<![\w.-]){re.escape(name)}", text) is not None
    at = bisect.bisect_left(runs, name)
    return at < len(runs) and runs[at].startswith(name)


# -- Selectors ------------------------------------------------------------------------------

def split_selectors(prelude: list) -> list[list]:
    selectors: list[list] = [[]]
    for token in prelude:
        if token.type == "literal" and token.value == ",":
            selectors.append([])
        else:
            selectors[-1].append(token)
    return selectors


def selector_can_match(tokens: list, usage: SiteUsage) -> bool:
    """False when the selector needs a class, element or id the site never has (functional pseudos aside)."""
    previous = None
    for token in tokens:
        if token.type == "hash" and token.value not in usage.ids and token.value not in usage.script_words:
            return False
        if token.type == "ident":
            if previous is not None and previous.type == "literal" and previous.value == ".":
                if token.value not in usage.classes and token.value not in usage.script_words:
                    return False
            elif previous is None or not (previous.type == "literal" and previous.value in (":", "|")):
                name = token.value.lower()
                if name not in usage.elements and name not in usage.script_words:
                    return False
        previous = token
    return True


def matching_selectors(rule, usage: SiteUsage) -> str:
    """The rule's selector list without the selectors that can match nothing ("" if none can).

    A list holding a vendor-prefixed pseudo (`::-moz-focus-inner`) stays whole: browsers drop a
    rule with a selector they do not know, and removing it could wake a rule they ignored.
    """
    selectors = split_selectors(rule.prelude)
    matching = [s for s in selectors if selector_can_match(s, usage)]
    if matching and ":-" in tinycss2.serialize(rule.prelude):
        matching = selectors
    return ",".join(tinycss2.serialize(s).strip() for s in matching)


# -- Stylesheets as a small tree, so they can be pruned in several passes ------------------

@dataclass
class Rule:
    prelude: str
    declarations: list | None = None  # a style rule's declarations
    children: list[Rule] | None = None  # an @media/@supports block's rules
    raw: str = ""  # any other at-rule (@keyframes, @font-face, ...), kept as written
    keyframes_name: str = ""

    def serialize(self) -> str:
        if self.children is not None:
            inner = "".join(child.serialize() for child in self.children)
            return f"{self.prelude}{{{inner}}}" if inner else ""
        if self.declarations is not None:
            body = ";".join(d.serialize() for d in self.declarations)
            return f"{self.prelude}{{{body}}}" if body else ""
        return self.raw


def parse(css: str, usage: SiteUsage) -> list[Rule]:
    rules = []
    for node in tinycss2.parse_stylesheet(css, skip_whitespace=True, skip_comments=True):
        if node.type == "qualified-rule":
            if selectors := matching_selectors(node, usage):
                declarations = [d for d in tinycss2.parse_declaration_list(
                    node.content, skip_whitespace=True, skip_comments=True) if d.type == "declaration"]
                rules.append(Rule(selectors, declarations=declarations))
        elif node.type == "at-rule" and node.lower_at_keyword in CONDITIONAL_AT_RULES and node.content:
            children = parse(tinycss2.serialize(node.content), usage)
            rules.append(Rule(f"@{node.at_keyword}{tinycss2.serialize(node.prelude)}".rstrip(),
                              children=children))
        elif node.type == "at-rule" and node.lower_at_keyword.endswith("keyframes"):
            name = tinycss2.serialize(node.prelude).strip()
            rules.append(Rule("", raw=node.serialize(), keyframes_name=name))
        else:
            rules.append(Rule("", raw=node.serialize()))
    return rules


def style_rules(rules: list[Rule]):
    for rule in rules:
        if rule.children is not None:
            yield from style_rules(rule.children)
        elif rule.declarations is not None:
            yield rule


def drop_unreferenced_properties(sheets: list[list[Rule]], usage: SiteUsage) -> None:
    outside = set(VAR_REFERENCE.findall("".join(usage.page_text))) | usage.script_words
    while True:
        referenced = set(outside)
        for rule in (r for sheet in sheets for r in style_rules(sheet)):
            for declaration in rule.declarations:
                referenced.update(VAR_REFERENCE.findall(tinycss2.serialize(declaration.value)))
        dropped = False
        for rule in (r for sheet in sheets for r in style_rules(sheet)):
            kept = [d for d in rule.declarations if not d.name.startswith("--") or d.name in referenced]
            dropped |= len(kept) != len(rule.declarations)
            rule.declarations = kept
        if not dropped:
            return


def declared_properties(css: str, where: dict[str, list[str]]) -> None:
    """Each custom property's declaring selectors in a stylesheet, into `where`."""
    for node in tinycss2.parse_stylesheet(css, skip_whitespace=True, skip_comments=True):
        if node.type == "qualified-rule":
            selectors = [part.strip() for part in tinycss2.serialize(node.prelude).split(",")]
            for declaration in tinycss2.parse_declaration_list(node.content, skip_whitespace=True,
                                                               skip_comments=True):
                if declaration.type == "declaration" and declaration.name.startswith("--"):
                    where.setdefault(declaration.name, []).extend(selectors)
        elif node.type == "at-rule" and node.content and node.lower_at_keyword in CONDITIONAL_AT_RULES:
            declared_properties(tinycss2.serialize(node.content), where)


def substitute(tokens: list, name: str, value: list) -> tuple[list, int]:
    """`tokens` with each var(name) (without a fallback) replaced by `value`, and how many were."""
    result, count = [], 0
    for token in tokens:
        if token.type == "function" and token.lower_name == "var":
            arguments = [a for a in token.arguments if a.type not in ("whitespace", "comment")]
            if len(arguments) == 1 and arguments[0].type == "ident" and arguments[0].value == name:
                result.extend(value)
                count += 1
                continue
        if token.type == "function":
            token.arguments, inner = substitute(token.arguments, name, value)
            count += inner
        elif token.type in ("() block", "[] block", "{} block"):
            token.content, inner = substitute(token.content, name, value)
            count += inner
        result.append(token)
    return result, count


def inline_body_constants(sheets: list[list[Rule]], usage: SiteUsage, outside_css: list[str]) -> None:
    outside = set(VAR_REFERENCE.findall("".join(usage.page_text))) | usage.script_words
    where: dict[str, list[str]] = {}
    for rule in (rule for sheet in sheets for rule in style_rules(sheet)):  # as declared_properties reads them
        for name in (d.name for d in rule.declarations if d.name.startswith("--")):
            where.setdefault(name, []).extend(part.strip() for part in rule.prelude.split(","))
    candidates = [(rule, d) for sheet in sheets for rule in sheet if rule.declarations is not None
                  and rule.prelude == "body" for d in rule.declarations
                  if d.name.startswith("--") and len(where.get(d.name, ())) == 1 and not d.important]
    for css in outside_css:
        declared_properties(css, where)
    for text in usage.page_text:
        for name in STYLE_ATTRIBUTE_PROPERTY.findall(text):
            where.setdefault(name, []).append("[style]")

    def body_only(name: str) -> bool:
        return all(BODY_ONLY.fullmatch(selector) for selector in where.get(name, ()))

    def declared(rule: Rule) -> str:
        return ";".join(d.serialize() for d in rule.declarations)

    users = [rule for sheet in sheets for rule in style_rules(sheet)]
    text = {id(rule): declared(rule) for rule in users}  # kept up to date as properties are written out
    outside_body = [rule for rule in users if re.search(r"html|:root", rule.prelude)]
    for home, declaration in candidates:
        name, value = declaration.name, strip_whitespace(declaration.value)
        refs = set(VAR_REFERENCE.findall(tinycss2.serialize(value)))
        if name in outside or len(where[name]) != 1 or name in refs or not all(body_only(r) for r in refs):
            continue
        if any(f"var({name})" in text[id(rule)] for rule in outside_body):
            continue  # html is outside body: there the property was never set
        uses = sum(text[id(rule)].count(f"var({name})") for rule in users)
        written = len(tinycss2.serialize(value))
        if not uses or uses * written > len(declaration.serialize()) + 1 + uses * len(f"var({name})"):
            continue
        changed = [home]
        for rule in users:
            for other in rule.declarations:
                other.value, count = substitute(other.value, name, value)
                if count:
                    changed.append(rule)
        home.declarations = [d for d in home.declarations if d is not declaration]
        text.update({id(rule): declared(rule) for rule in changed if id(rule) in text})


def strip_whitespace(tokens: list) -> list:
    tokens = list(tokens)
    while tokens and tokens[0].type == "whitespace":
        tokens.pop(0)
    while tokens and tokens[-1].type == "whitespace":
        tokens.pop()
    return tokens


def drop_unused_keyframes(sheets: list[list[Rule]], usage: SiteUsage) -> None:
    names_in_use = set(usage.script_words)
    for rule in (r for sheet in sheets for r in style_rules(sheet)):
        for declaration in rule.declarations:
            if "animation" in declaration.lower_name:
                names_in_use.update(t.value for t in declaration.value if t.type == "ident")

    def keep(rules: list[Rule]) -> list[Rule]:
        for rule in rules:
            if rule.children is not None:
                rule.children = keep(rule.children)
        return [r for r in rules if not r.keyframes_name or r.keyframes_name in names_in_use]

    for index, sheet in enumerate(sheets):
        sheets[index][:] = keep(sheet)


# The page's contents list (Furo's right sidebar) links without the `reference internal` classes
# (docs/_templates/page.html): its rules match those links by [href], at the same specificity.
TOC_LINK_SELECTORS = {".toc-tree li.scroll-current>.reference": ".toc-tree li.scroll-current>[href]",
                      ".toc-tree a.reference": ".toc-tree a[href]"}


def classless_toc_links(css: str) -> str:
    for selector, classless in TOC_LINK_SELECTORS.items():
        css = css.replace(selector + "{", classless + "{").replace(selector + ",", classless + ",")
    return css


def refingerprint(outdir: Path, sheets: list[Path]) -> None:
    """Point every page's links to the rewritten sheets at their new contents. Sphinx fingerprinted
    them (`?v=`) as copied, before this pass; a pruned sheet changes with the pages, not only with its
    source, so a release could otherwise serve new pages with a stale sheet cached for a year."""
    static = outdir / "_static"
    current = {path.relative_to(static).as_posix(): fingerprint(path) for path in sheets}
    links = re.compile("(" + "|".join(map(re.escape, current)) + r")\?v=[0-9a-f]{8}")
    for page in outdir.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        relinked = links.sub(lambda match: match[1] + current[match[1]], text)
        if relinked != text:
            page.write_text(relinked, encoding="utf-8")


def prune_theme_css(app: Sphinx, exception: Exception | None) -> None:
    if exception or app.builder.format != "html":
        return
    static = Path(app.outdir, "_static")
    paths = [static / name for name in THEME_CSS if (static / name).exists()]
    if not app.config.prune_theme_css:  # shipped whole, but matching the page's classless contents links
        for path in paths:
            path.write_text(classless_toc_links(path.read_text(encoding="utf-8")), encoding="utf-8")
    else:
        prune(static, paths)
    refingerprint(Path(app.outdir), paths)


def prune(static: Path, paths: list[Path]) -> None:
    """Rewrite the theme's sheets without what the built site cannot match."""
    outdir = static.parent
    usage = SiteUsage.of(outdir)
    outside_css = sorted({block for text in usage.page_text for block in STYLE_BLOCK.findall(text)})
    for other in static.rglob("*.css"):  # our own stylesheets use the theme's properties
        if other not in paths:
            outside_css.append(other.read_text(encoding="utf-8"))
            usage.page_text.append(outside_css[-1])
    sheets = [parse(path.read_text(encoding="utf-8"), usage) for path in paths]
    drop_unreferenced_properties(sheets, usage)
    inline_body_constants(sheets, usage, outside_css)
    drop_unused_keyframes(sheets, usage)
    for path, sheet in zip(paths, sheets, strict=True):
        path.write_text(classless_toc_links("".join(rule.serialize() for rule in sheet)), encoding="utf-8")
        path.with_name(path.name + ".map").unlink(missing_ok=True)  # maps the unpruned file


def setup(app: Sphinx) -> dict:
    app.add_config_value("prune_theme_css", True, "html", types=(bool,))
    app.connect("build-finished", prune_theme_css, priority=BuildFinished.PRUNE_THEME_CSS)
    return {"version": "2.0", "parallel_read_safe": True, "parallel_write_safe": True}
