"""Drop the Furo stylesheet rules that can match nothing on this site.

Furo styles API docs, code, ads and every admonition kind; this site uses few of them. At
build-finished, a rule is dropped when each of its selectors needs a class that no built page
contains and no shipped script mentions (scripts add classes such as `scrolled` at run time).
Classes inside :not(), :is(), :where() and :has() do not count as needed, so those rules stay.
"""

from __future__ import annotations

import re
from pathlib import Path

import tinycss2
from sphinx.application import Sphinx

THEME_CSS = ("styles/furo.css", "styles/furo-extensions.css")
CLASS_ATTR = re.compile(r'class="([^"]*)"')
SELECTOR_CLASS = re.compile(r"\.(-?[_a-zA-Z][\w-]*)")
FUNCTIONAL_PSEUDO = re.compile(r":(?:not|is|where|has|matches|-webkit-any)\((?:[^()]|\([^()]*\))*\)")
JS_WORD = re.compile(r"[_a-zA-Z][\w-]*")


def used_classes(outdir: Path) -> set[str]:
    """Every class in a built page, and every word in a shipped script (to be safe)."""
    classes: set[str] = set()
    for page in outdir.rglob("*.html"):
        for attr in CLASS_ATTR.findall(page.read_text(encoding="utf-8")):
            classes.update(attr.split())
    for script in (outdir / "_static").rglob("*.js"):
        classes.update(JS_WORD.findall(script.read_text(encoding="utf-8", errors="replace")))
    return classes


def selector_can_match(selector: str, classes: set[str]) -> bool:
    return all(name in classes for name in SELECTOR_CLASS.findall(FUNCTIONAL_PSEUDO.sub("", selector)))


def keep_rule(rule, classes: set[str]) -> bool:
    if rule.type != "qualified-rule":
        return True
    return any(selector_can_match(s, classes) for s in tinycss2.serialize(rule.prelude).split(","))


def prune(css: str, classes: set[str]) -> str:
    kept = []
    for rule in tinycss2.parse_stylesheet(css, skip_whitespace=True, skip_comments=True):
        if rule.type == "at-rule" and rule.content is not None and rule.lower_at_keyword in ("media", "supports"):
            inner = [r for r in tinycss2.parse_rule_list(rule.content, skip_whitespace=True, skip_comments=True)
                     if keep_rule(r, classes)]
            if inner:
                kept.append(f"@{rule.at_keyword}{tinycss2.serialize(rule.prelude)}"
                            f"{{{''.join(r.serialize() for r in inner)}}}")
        elif keep_rule(rule, classes):
            kept.append(rule.serialize())
    return "".join(kept)


def prune_theme_css(app: Sphinx, exception: Exception | None) -> None:
    if exception or app.builder.format != "html":
        return
    static = Path(app.outdir, "_static")
    classes = used_classes(Path(app.outdir))
    for name in THEME_CSS:
        path = static / name
        if path.exists():
            path.write_text(prune(path.read_text(encoding="utf-8"), classes), encoding="utf-8")
            path.with_name(path.name + ".map").unlink(missing_ok=True)  # maps the unpruned file


def setup(app: Sphinx) -> dict:
    app.connect("build-finished", prune_theme_css)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
