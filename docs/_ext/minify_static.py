"""Ship our own stylesheets and scripts minified; keep the readable sources in docs/_static.

At build-finished, each .css and .js file copied from `html_static_path` (except files already
named *.min.*) is rewritten in the output with rcssmin / rjsmin, which only drop comments and
whitespace. About a third of each file goes. Set `minify_static = False` to ship them as written.
"""

from __future__ import annotations

from pathlib import Path

import rcssmin
import rjsmin
from sphinx.application import Sphinx

from tools.event_order import BuildFinished

# /*! ... */ comments (licence headers, by convention) stay.
MINIFIERS = {".css": lambda text: rcssmin.cssmin(text, keep_bang_comments=True),
             ".js": lambda text: rjsmin.jsmin(text, keep_bang_comments=True)}


def own_static_files(app: Sphinx) -> list[Path]:
    """Our .css and .js files, as relative paths inside _static."""
    found = []
    for static_dir in app.config.html_static_path:
        source = Path(app.confdir, static_dir)
        found += [path.relative_to(source) for path in source.rglob("*")
                  if path.suffix in MINIFIERS and ".min." not in path.name]
    return found


def minify_static(app: Sphinx, exception: Exception | None) -> None:
    if exception or app.builder.format != "html" or not app.config.minify_static:
        return
    static = Path(app.outdir, "_static")
    for relative in own_static_files(app):
        built = static / relative
        if built.is_file():
            built.write_text(MINIFIERS[built.suffix](built.read_text(encoding="utf-8")), encoding="utf-8")


def setup(app: Sphinx) -> dict:
    app.add_config_value("minify_static", True, "html", types=(bool,))
    app.connect("build-finished", minify_static, priority=BuildFinished.MINIFY_STATIC)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
