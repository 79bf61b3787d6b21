"""Ship our own stylesheets and scripts minified; keep the readable sources in docs/_static.

At build-finished, each .css and .js file copied from `html_static_path` (except files already
named *.min.*) is rewritten in the output: CSS with rcssmin (comments and whitespace), scripts with
esbuild (npm, pinned in package.json; `make html` installs it), which also shortens local names and
simplifies syntax: a third more off each script than dropping whitespace alone, and every page
loads several (README, "Speed, page weight"). All scripts go through one esbuild run. Without
node_modules the build warns, saying how to install it, and falls back to rjsmin (whitespace only).
Set `minify_static = False` to ship them as written.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import rcssmin
import rjsmin
from sphinx.application import Sphinx
from sphinx.util import logging

from tools.event_order import BuildFinished
from tools.shared import ROOT

logger = logging.getLogger(__name__)

ESBUILD = ROOT / "node_modules" / ".bin" / "esbuild"
# /*! ... */ comments (licence headers, by convention) stay; text stays UTF-8 rather than \u escapes.
ESBUILD_OPTIONS = ["--minify", "--legal-comments=inline", "--charset=utf8", "--log-level=warning"]
MISSING = "esbuild is not installed, so scripts are minified by rjsmin only (heavier pages): run `npm ci`"


def minify_css(text: str) -> str:
    return rcssmin.cssmin(text, keep_bang_comments=True)


def esbuild_missing() -> bool:
    """True (with the warning that says how to install it) when esbuild is not installed."""
    if ESBUILD.is_file():
        return False
    logger.warning(MISSING, type="minify_static")
    return True


def whitespace_only(text: str) -> str:
    return rjsmin.jsmin(text, keep_bang_comments=True)


def minify_js(text: str) -> str:
    """One script's text, minified (the offline worker, which the build writes itself)."""
    return whitespace_only(text) if esbuild_missing() else run_esbuild(["--loader=js"], text)


def minify_js_files(folder: Path, files: list[Path]) -> None:
    """These built scripts (inside `folder`), minified in place by one esbuild run."""
    if not files:
        return
    if esbuild_missing():
        for path in files:
            path.write_text(whitespace_only(path.read_text(encoding="utf-8")), encoding="utf-8")
        return
    run_esbuild([*map(str, files), f"--outdir={folder}", f"--outbase={folder}", "--allow-overwrite"])


def run_esbuild(arguments: list[str], text: str | None = None) -> str:
    result = subprocess.run([str(ESBUILD), *ESBUILD_OPTIONS, *arguments], input=text, capture_output=True,
                            text=True, encoding="utf-8", check=False)
    if result.returncode:
        raise RuntimeError(f"esbuild failed ({result.returncode}): {result.stderr.strip()}")
    return result.stdout


MINIFIERS = {".css": minify_css, ".js": minify_js}


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
    built = [static / relative for relative in own_static_files(app) if (static / relative).is_file()]
    for path in built:
        if path.suffix == ".css":
            path.write_text(minify_css(path.read_text(encoding="utf-8")), encoding="utf-8")
    minify_js_files(static, [path for path in built if path.suffix == ".js"])


def setup(app: Sphinx) -> dict:
    app.add_config_value("minify_static", True, "html", types=(bool,))
    app.connect("build-finished", minify_static, priority=BuildFinished.MINIFY_STATIC)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
