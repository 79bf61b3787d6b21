"""What the site's toolchain shares: paths, the strict build command, the base URL, asset fingerprints,
the site map, the label slug rule, dates, the line of a key in a file and a built page's elements.

The one home for these: conf.py, the extensions in docs/_ext, the scripts in tools/ and the tests
import it as ``from tools import shared``. Standard library only at import time, so the Makefile
can ask it for the build flags before the virtual environment exists.

    python -m tools.shared build html _build/html [more sphinx-build options]   # the strict build
    python -m tools.shared flags                                                # -n -W --keep-going
"""

from __future__ import annotations

import datetime as dt
import os
import re
import sys
import zlib
from collections.abc import Sequence
from pathlib import Path
from typing import NamedTuple

# -- Paths ----------------------------------------------------------------------------------

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"  # the source directory; conf.py is at ROOT
EXTENSIONS = "docs/_ext"  # our Sphinx extensions, relative to the configuration directory
BUILD = ROOT / "_build"
HTML = BUILD / "html"
SITE_MAP = ROOT / "tests" / "site-map.tsv"
ANCHORS_LOCK = DOCS / "anchors.lock"
REDIRECTS = DOCS / "redirects.toml"
MANIFEST_NAME = "versions.toml"  # the release manifest, in the source directory
MANIFEST = DOCS / MANIFEST_NAME


def use_local_extensions(confdir: Path = ROOT) -> None:
    """Let Sphinx import our extensions by name (conf.py and the tests' small projects call this).

    The one place that edits sys.path: Sphinx loads extensions by module name only.
    """
    path = str(Path(confdir, EXTENSIONS))
    if path not in sys.path:
        sys.path.insert(0, path)


# -- The strict build -------------------------------------------------------------------------

# Nitpicky, warnings are errors, and every warning is reported before failing.
STRICT = ("-n", "-W", "--keep-going")


def sphinx_args(outdir: Path | str, *options: str, builder: str = "html", srcdir: Path | str = DOCS,
                confdir: Path | str = ROOT, fail_on_warnings: bool = True) -> list[str]:
    """sphinx-build's arguments for the site's build; `fail_on_warnings=False` drops only -W."""
    flags = [flag for flag in STRICT if fail_on_warnings or flag != "-W"]
    return ["-b", builder, *flags, "-c", str(confdir), *options, str(srcdir), str(outdir)]


def sphinx_command(outdir: Path | str, *options: str, **kwargs) -> list[str]:
    """The build as a command line for subprocess, with this interpreter (the project's .venv)."""
    return [sys.executable, "-m", "sphinx", *sphinx_args(outdir, *options, **kwargs)]


def read_config(overrides: dict | None = None, **extension_values):
    """conf.py as Sphinx reads it (its Config, with -D style overrides), without building.

    Settings that an extension adds are named with their default: `read_config(handouts=[])`.
    """
    from sphinx.config import Config
    from sphinx.util.tags import Tags

    config = Config.read(ROOT, overrides=overrides or {}, tags=Tags())
    for name, default in extension_values.items():
        config.add(name, default, "env", ())
    return config


# -- Addresses --------------------------------------------------------------------------------

# Assumed public address (README, "Deep links"); set SITE_BASEURL to the real one.
DEFAULT_BASEURL = "https://hillstar.ca/dry-needling/"


def site_baseurl() -> str:
    """The site's public address, always ending in a slash."""
    return os.environ.get("SITE_BASEURL", DEFAULT_BASEURL).rstrip("/") + "/"


def absolute_url(baseurl: str, uri: str) -> str:
    """`uri` (such as `topics/safety/aftercare.html#id`) under `baseurl`, as Sphinx's canonical links are."""
    return (baseurl or DEFAULT_BASEURL).rstrip("/") + "/" + uri.lstrip("/")


def page_url(app, pagename: str) -> str:
    """A page's canonical address, as Sphinx writes it in `<link rel="canonical">` (a full one without html_baseurl)."""
    return absolute_url(app.config.html_baseurl, app.builder.get_target_uri(pagename))


# -- Asset fingerprints ---------------------------------------------------------------------------

def fingerprint(path: Path) -> str:
    """`?v=` and the file's checksum, the way Sphinx fingerprints the assets it links ("" if missing).

    Hosts serve `_static/` as immutable for a year, so every link to a file there carries one.
    """
    try:
        content = Path(path).read_bytes().replace(b"\r", b"")
    except FileNotFoundError:
        return ""
    return f"?v={zlib.crc32(content):08x}" if content else ""


def static_fingerprint(app, name: str) -> str:
    """The fingerprint of `_static/<name>`, from its source in `html_static_path`."""
    for static_dir in app.config.html_static_path:
        if (source := Path(app.confdir, static_dir, name)).is_file():
            return fingerprint(source)
    return ""


# -- The site map (tests/site-map.tsv: the public list of pages) -------------------------------

class SiteMapPage(NamedTuple):
    path: str  # the page's docname, which is also its URL without .html
    title: str
    covers: str


def site_map(path: Path = SITE_MAP) -> list[SiteMapPage]:
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            rows.append(SiteMapPage(*line.split("\t")))
    return rows


# -- Labels (WRITING.md, "Labels") ----------------------------------------------------------------

def page_slug(docname: str) -> str:
    """The label of a page's title: its file stem; a section's index uses the section; home is `home`."""
    if docname == "index":
        return "home"
    parts = docname.split("/")
    if parts[-1] == "index" and len(parts) > 1:
        return parts[-2]
    return parts[-1]


# -- Dates --------------------------------------------------------------------------------------

DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def parse_date(value: object) -> dt.date | None:
    """A YYYY-MM-DD date (or a date already), or None when it is not one."""
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    text = str(value).strip()
    if not DATE_RE.match(text):
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return None


def long_date(day: dt.date) -> str:
    """27 November 2026: how pages show a date."""
    return f"{day.day} {day:%B %Y}"


# -- Where a key is, for messages with a line number ------------------------------------------

def line_of(text: str, key: str, start: int = 0, end: int | None = None) -> int | None:
    """1-based line of the first `key: ...`, `key = ...` or `"key" = ...` among lines[start:end]."""
    setting = re.compile(rf"""\s*["']?{re.escape(key)}["']?\s*[:=]""")
    lines = text.splitlines()
    for number in range(start, len(lines) if end is None else end):
        if setting.match(lines[number]):
            return number + 1
    return None


def html_elements(html: str):
    """Every element of a built page, in document order, comments left out (lxml's HTML parser: a
    fifth of html.parser's time, which the build would spend on every page)."""
    import lxml.etree
    import lxml.html

    return lxml.html.fromstring(html).iter(tag=lxml.etree.Element) if html.strip() else iter(())


def toml_error_line(error: Exception) -> int:
    """The line a tomllib.TOMLDecodeError points at (before Python 3.14 only its message has it)."""
    if getattr(error, "lineno", None):
        return error.lineno
    match = re.search(r"at line (\d+)", str(error))
    return int(match.group(1)) if match else 1


# -- Command line -------------------------------------------------------------------------------

def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if args[:1] == ["flags"]:
        print(" ".join(STRICT))
        return 0
    if args[:1] == ["build"] and len(args) >= 3:
        from sphinx.cmd.build import main as sphinx_build

        builder, outdir, *options = args[1:]
        return sphinx_build(sphinx_args(outdir, *options, builder=builder))
    print(__doc__.split("\n\n")[-1], file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
