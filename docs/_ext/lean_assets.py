"""Keep pages light: load only the stylesheets and scripts a page uses."""

from __future__ import annotations

import re
from pathlib import Path

import tinycss2
from sphinx.application import Sphinx

# This site shows no code; outside the search page nothing uses Sphinx's search helpers.
UNUSED_EVERYWHERE = {"pygments.css", "sphinx_highlight.js", "doctools.js"}
SD_CSS = "sphinx-design.min.css"
CLASS_ATTR = re.compile(r'class="([^"]*)"')
SD_CLASS = re.compile(r"\.(sd-[\w-]+)")


def drop_unused_assets(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    body = context.get("body", "")
    unused = set(UNUSED_EVERYWHERE) if pagename != "search" else {"pygments.css"}
    if "sd-tab-set" not in body:
        unused.add("design-tabs.js")
    for key in ("css_files", "script_files"):
        if key in context:
            context[key] = [asset for asset in context[key]
                            if Path(getattr(asset, "filename", str(asset))).name not in unused]


def used_classes(outdir: Path) -> set[str]:
    classes: set[str] = set()
    for page in outdir.rglob("*.html"):
        for attr in CLASS_ATTR.findall(page.read_text(encoding="utf-8")):
            classes.update(attr.split())
    return classes


def keep_rule(rule, classes: set[str]) -> bool:
    """Keep a rule unless every selector in it needs a sphinx-design class no page uses."""
    if rule.type != "qualified-rule":
        return True
    selectors = tinycss2.serialize(rule.prelude).split(",")
    return any(all(name in classes for name in SD_CLASS.findall(selector)) for selector in selectors)


def prune_css(css: str, classes: set[str]) -> str:
    kept = []
    for rule in tinycss2.parse_stylesheet(css, skip_whitespace=True, skip_comments=True):
        if rule.type == "at-rule" and rule.content is not None and rule.lower_at_keyword == "media":
            inner = [r for r in tinycss2.parse_rule_list(rule.content, skip_whitespace=True, skip_comments=True)
                     if keep_rule(r, classes)]
            if inner:
                kept.append(f"@media{tinycss2.serialize(rule.prelude)}{{{''.join(r.serialize() for r in inner)}}}")
        elif keep_rule(rule, classes):
            kept.append(rule.serialize())
    return "".join(kept)


def prune_design_css(app: Sphinx, exception: Exception | None) -> None:
    """sphinx-design ships CSS for every component; keep the rules for the ones the site uses."""
    css_path = Path(app.outdir, "_static", SD_CSS)
    if exception or app.builder.format != "html" or not css_path.exists():
        return
    css_path.write_text(prune_css(css_path.read_text(encoding="utf-8"), used_classes(Path(app.outdir))),
                        encoding="utf-8")


def setup(app: Sphinx) -> dict:
    app.connect("html-page-context", drop_unused_assets)
    app.connect("build-finished", prune_design_css)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
