"""The `{release-list}` directive: the releases published up to this version, newest first (the changelog).

It reads what it lists from the build's configuration alone: `-D versions_build=<file.json>` in a
`make versions` build, else docs/versions.toml (a broken manifest is reported by `versions`; the list
then says no release has been published). No application object is needed, so no `env.app`.
"""

from __future__ import annotations

import json
from pathlib import Path

from docutils import nodes
from sphinx.util.docutils import SphinxDirective

from tools import release_manifest
from tools.shared import MANIFEST_NAME, long_date, parse_date


def published(config, srcdir: Path) -> tuple[str, list[dict], str | None]:
    """(this version's name, the releases published up to it, the current release's name)."""
    if config.versions_build:
        info = json.loads(Path(config.versions_build).read_text(encoding="utf-8"))
        return info["name"], info["releases"], info.get("current_name")
    try:
        manifest = release_manifest.load(Path(srcdir, MANIFEST_NAME))
    except (OSError, release_manifest.ManifestError):
        return "dev", [], None
    return "dev", [release.as_json() for release in manifest.releases], manifest.current


class ReleaseList(SphinxDirective):
    has_content = False

    def run(self) -> list[nodes.Node]:
        self.env.note_dependency(self.config.versions_build or str(Path(self.env.srcdir, MANIFEST_NAME)))
        name, releases, current = published(self.config, self.env.srcdir)
        if not releases:
            return [nodes.paragraph("", "No release has been published yet.")]
        listing = nodes.bullet_list(classes=["release-list"])
        for release in reversed(releases):
            item = nodes.list_item(ids=[f"release-{release['name'].replace('.', '-')}"])
            para = nodes.paragraph()
            para += nodes.strong("", release["name"])
            para += nodes.Text(f" · {long_date(parse_date(release['date']))}")
            if release["name"] == name:
                para += nodes.Text(" · the version you are reading")
            elif name == "dev" and release["name"] == current:
                para += nodes.Text(" · current release")
            para += nodes.Text(f": {release['summary']}")
            item += para
            listing += item
        return [listing]


def setup(app) -> dict:
    app.add_directive("release-list", ReleaseList)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
