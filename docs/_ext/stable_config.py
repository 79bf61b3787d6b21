"""Stop every no-change rebuild from reporting "The configuration has changed (4 options ...)".

Sphinx compares the configuration saved with the environment (as it was at the end of the last
build) with the fresh one (as it is after `config-inited`). Three components change theirs later,
at `builder-inited`, so the two never matched:

- the HTML builder gives each `html_css_files` entry a default priority (800) in place, and
  `epub_css_files` is derived from that list;
- sphinx-design appends its static folder to `html_static_path`;
- Furo, loaded as a theme only when the builder starts, registers `pygments_dark_style` then.

This extension makes the same changes at `config-inited`, so both sides agree and a real change
of configuration stays visible.
"""

from __future__ import annotations

from sphinx.application import Sphinx
from sphinx.config import Config

from tools.event_order import BuilderInited, ConfigInited

DEFAULT_CSS_PRIORITY = 800  # what StandaloneHTMLBuilder.init_css_files gives conf.py's files


def settle(app: Sphinx, config: Config) -> None:
    for _filename, attributes in config.html_css_files:
        attributes.setdefault("priority", DEFAULT_CSS_PRIORITY)
    if "sphinx_design" in app.extensions:
        from sphinx_design.extension import STATIC_DIR

        if str(STATIC_DIR) not in config.html_static_path:
            config.html_static_path.append(str(STATIC_DIR))
    if config.html_theme == "furo":
        app.setup_extension("furo")


def drop_duplicate_static_path(app: Sphinx) -> None:
    """sphinx-design appends its folder again at builder-inited: keep each folder once."""
    app.config.html_static_path[:] = list(dict.fromkeys(app.config.html_static_path))


def setup(app: Sphinx) -> dict:
    app.connect("config-inited", settle, priority=ConfigInited.SETTLE)
    app.connect("builder-inited", drop_duplicate_static_path, priority=BuilderInited.SETTLE_STATIC_PATH)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
