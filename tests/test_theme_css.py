"""Our stylesheets take their colours and the focus ring from the theme's variables (conf.py).

Screen colours are set once, in conf.py's `light_css_variables` / `dark_css_variables` (Furo
writes them for light and dark mode), and docs/_static/*.css read them with var(). Printed sheets
are black on white paper whatever the screen's mode, so print rules may name their colours.
"""

from __future__ import annotations

import re
from pathlib import Path

import furo
import tinycss2

from tools.shared import DOCS, read_config

STYLESHEETS = sorted((DOCS / "_static").glob("*.css"))
COLOUR = re.compile(r"#[0-9a-fA-F]{3,8}\b|\b(?:rgba?|hsla?)\(")
FURO_CSS = Path(furo.__file__).parent / "theme" / "furo" / "static" / "styles"


def screen_declarations(css: str):
    """(selector, declaration text) for every rule outside @media print."""
    def walk(nodes, printed):
        for node in nodes:
            if node.type == "qualified-rule" and not printed:
                yield tinycss2.serialize(node.prelude).strip(), tinycss2.serialize(node.content)
            elif node.type == "at-rule" and node.content is not None:
                inner = printed or (node.lower_at_keyword == "media" and "print" in tinycss2.serialize(node.prelude))
                yield from walk(tinycss2.parse_rule_list(node.content, skip_whitespace=True, skip_comments=True),
                                inner)
    yield from walk(tinycss2.parse_stylesheet(css, skip_whitespace=True, skip_comments=True), False)


def theme_variables() -> set[str]:
    options = read_config(html_theme_options={}).html_theme_options
    ours = set(options["light_css_variables"]) | set(options["dark_css_variables"])
    furos = set()
    for sheet in FURO_CSS.glob("*.css"):
        furos.update(re.findall(r"--([\w-]+)\s*:", sheet.read_text(encoding="utf-8")))
    return ours | furos


def print_only_sheets() -> set[str]:
    """The stylesheets conf.py loads with media="print" (print.css, print-article.css)."""
    return {entry[0] for entry in read_config(html_css_files=[]).html_css_files
            if isinstance(entry, tuple) and entry[1].get("media") == "print"}


def test_screen_colours_come_from_theme_variables():
    printed = print_only_sheets()
    assert {"print.css", "print-article.css"} <= printed
    hard_coded = [f"{sheet.name}: {selector} {{{body.strip()}}}"
                  for sheet in STYLESHEETS if sheet.name not in printed
                  for selector, body in screen_declarations(sheet.read_text(encoding="utf-8"))
                  if COLOUR.search(body)]
    assert not hard_coded, "colours to move into conf.py's light/dark_css_variables:\n" + "\n".join(hard_coded)


def test_one_focus_ring():
    rings = [f"{sheet.name}: {selector}" for sheet in STYLESHEETS
             for selector, body in screen_declarations(sheet.read_text(encoding="utf-8"))
             if re.search(r"\boutline\s*:", body)]
    assert rings and all(ring.startswith("clinic.css:") for ring in rings), rings
    clinic = (DOCS / "_static" / "clinic.css").read_text(encoding="utf-8")
    assert ":focus-visible { outline: var(--focus-ring-width) solid var(--color-focus-ring)" in clinic


def test_every_variable_our_stylesheets_use_is_defined():
    defined = theme_variables()
    undefined = sorted({f"{sheet.name}: --{name}" for sheet in STYLESHEETS
                        for name in re.findall(r"var\(\s*--([\w-]+)", sheet.read_text(encoding="utf-8"))
                        if name not in defined})
    assert not undefined, f"variables neither conf.py nor Furo defines: {undefined}"
