"""Which version this build is, and what each page shows of it: the switcher, the banner and the
"changed in" history line (the templates read `versions` from the page context).

`make versions` (tools/build_versions.py) passes `-D versions_build=<file.json>` describing the version
being built (and, for an old release, `-D bibtex_bibfiles=` its own bibliography). Without it (`make html`,
Read the Docs) the build is the unreleased development version, with releases read from
docs/versions.toml and per-page history from git when it is available. The changelog's release list is
`release_list`.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from urllib.parse import quote

from sphinx.application import Sphinx
from sphinx.util import logging

from tools import release_manifest
from tools.event_order import ConfigInited, PageContext
from tools.shared import MANIFEST_NAME, long_date, parse_date, static_fingerprint

SWITCHER_SCRIPT = "versions.js"

logger = logging.getLogger(__name__)

def _dev_build_info(app: Sphinx) -> dict:
    """What a plain build knows: it is unreleased; releases and history come from the manifest and git."""
    info = {"name": "dev", "date": None, "summary": "", "current": False, "in_site": False,
            "releases": [], "history": {}}
    path = Path(app.srcdir) / MANIFEST_NAME
    if not path.exists():
        return info
    try:
        manifest = release_manifest.load(path)
    except release_manifest.ManifestError as error:
        # A "path:line" string: a (docname, line) location needs the environment, which does not exist yet.
        logger.warning("%s", error.message, location=f"{error.path}:{error.line}", type="versions")
        return info
    info["releases"] = [release.as_json() for release in manifest.releases]
    info["current_name"] = manifest.current
    repo = Path(app.srcdir).parent
    missing = release_manifest.missing_commits(repo, manifest)
    for release, line in missing:
        logger.warning("release %r: commit %s is not in this clone; correct the commit id (see `git log "
                       "--oneline`), or fetch the history (git fetch --unshallow)", release.name, release.commit,
                       location=f"{path}:{line}", type="versions", subtype="commit")
    if missing:
        return info
    try:
        info["history"] = release_manifest.page_history(repo, manifest.releases, Path(app.srcdir).name,
                                                        working_tree=True)
    except (OSError, subprocess.CalledProcessError) as error:
        # A tarball or shallow clone has no history to read; the page just omits the line.
        logger.info("versions: no per-page history (%s)", getattr(error, "stderr", error) or error)
    return info


def own_bibliography(app: Sphinx, config) -> None:
    """A release's own references.bib (`-D bibtex_bibfiles=`, tools/build_versions.py) as a list. `-D`
    hands a setting whose default is None over as a string, and sphinxcontrib-bibtex declares it so:
    read as one file per letter, every citation of every old release printed as "[]"."""
    if "bibtex_bibfiles" in config and isinstance(config.bibtex_bibfiles, str):
        config.bibtex_bibfiles = [config.bibtex_bibfiles]


def load_build_info(app: Sphinx, config) -> None:
    if config.versions_build:
        info = json.loads(Path(config.versions_build).read_text(encoding="utf-8"))
        info["in_site"] = True
    else:
        info = _dev_build_info(app)
    app.versions_info = info


def build_info(app: Sphinx) -> dict:
    """The version this build is, with its releases and per-page history (read at config-inited)."""
    return app.versions_info


def _label(info: dict) -> str:
    return "dev (unreleased)" if info["name"] == "dev" else info["name"]


def _release_dates(info: dict) -> dict[str, str]:
    return {r["name"]: long_date(parse_date(r["date"])) for r in info["releases"]}


def switcher_links(info: dict, pagename: str) -> list[dict] | None:
    """The switcher's list for this page, where the build was told every version's pages (dev and the
    current release, which are rebuilt at every release): the same page in each version, or that
    version's home page with a note, as versions.js would write it. None elsewhere: an older release
    reads versions.json as it is viewed, so that releases published after it appear."""
    if "switcher" not in info:
        return None
    return [{
        "label": _label(version) + (f" · {long_date(parse_date(version['date']))}" if version["date"] else "")
        + (" (current)" if version["current"] else ""),
        "path": f"{version['name']}/{pagename}.html" if pagename in version["pages"]
        else f"{version['name']}/index.html?missing={quote(pagename, safe='')}",  # as encodeURIComponent
        "missing": pagename not in version["pages"],
        "here": version["name"] == info["name"],
    } for version in info["switcher"]]


def add_page_context(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    info = build_info(app)
    dates = _release_dates(info)
    changed_in = info["history"].get(pagename, "not-a-page") if doctree is not None else "not-a-page"
    context["versions"] = {
        "name": info["name"],
        "label": _label(info),
        "is_dev": info["name"] == "dev",
        "is_current": info["current"],
        "date": long_date(parse_date(info["date"])) if info["date"] else "",
        "summary": info["summary"],
        "in_site": info["in_site"],
        # "not-a-page": no line; None: edited since the last release; a name: that release.
        "changed_in": changed_in,
        "changed_in_date": dates.get(changed_in, "") if isinstance(changed_in, str) else "",
        "has_history": bool(info["history"]),
        "switcher": switcher_links(info, pagename),
    }


def add_switcher_script(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    """versions.js drives the switcher and banner of the versioned site (a single-version build has
    only the static "Version: dev" line and banner, and no script). A page loads it as it opens only
    where it shows something at once: an older release's banner lists what changed since, and a
    version's home page explains a page missing from it. Elsewhere the switcher names the script
    (`versions.script`, its data-script) and furo.js loads it when the reader first opens or points
    at the switcher. Dev and current pages have their list written at build time (`switcher_links`), so
    only their home page loads it, for that note."""
    info = build_info(app)
    if not info["in_site"]:
        return
    older_release = info["name"] != "dev" and not info["current"]
    if older_release or pagename == "index":
        app.add_js_file(SWITCHER_SCRIPT, loading_method="defer")
    elif "switcher" in info:
        return
    elif "versions" in context and (version := static_fingerprint(app, SWITCHER_SCRIPT)):
        context["versions"]["script"] = context["pathto"](f"_static/{SWITCHER_SCRIPT}", 1) + version


def setup(app: Sphinx) -> dict:
    app.add_config_value("versions_build", "", "env", types=[str])
    app.connect("config-inited", load_build_info, priority=ConfigInited.VERSION)
    app.connect("config-inited", own_bibliography)  # before builder-inited, where the bibliography is read
    app.connect("html-page-context", add_page_context)
    app.connect("html-page-context", add_switcher_script, priority=PageContext.VERSIONS_SCRIPT)
    app.add_css_file("versions.css")
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
