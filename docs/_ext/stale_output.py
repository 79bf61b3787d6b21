"""Keep `_build/html` equal to a clean build: no page of a deleted source, no link to a moved target.

- A deleted page's HTML is removed (Sphinx forgets the page but leaves the file, where the anchor
  check and a deploy of `_build/html` would still find it). A redirect stub for it
  (docs/redirects.toml) is written again at the end of the build.
- Sphinx rewrites only the pages it re-read, so a page linking to a label, page title or glossary
  term that another edit renamed or removed kept its old link (and no warning), and every page's
  navigation kept an old title. When the set of link targets or the table of contents changes,
  every page is written again, so broken links warn and all pages agree.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from sphinx.application import Sphinx


def link_targets(env) -> str:
    """A digest of everything another page can link to or show: labels, terms, titles, the toctree."""
    std = env.get_domain("std")
    parts = [sorted(env.found_docs), sorted(std.labels.items()), sorted(std.anonlabels.items()),
             sorted((repr(key), repr(value)) for key, value in std.objects.items()),
             sorted((docname, title.astext()) for docname, title in env.titles.items()),
             sorted((docname, list(children)) for docname, children in env.toctree_includes.items())]
    return hashlib.sha256(repr(parts).encode()).hexdigest()


def before_reading(app: Sphinx, env, added, changed, removed) -> list[str]:
    app.link_targets_before = link_targets(env) if env.all_docs else None
    if app.builder.format == "html":
        for docname in removed:
            Path(app.outdir, app.builder.get_target_uri(docname)).unlink(missing_ok=True)
            for suffix in app.config.source_suffix:  # the copy of its source (html_copy_source)
                Path(app.outdir, "_sources", docname + suffix + app.config.html_sourcelink_suffix).unlink(
                    missing_ok=True)
    return []


def pages_to_rewrite(app: Sphinx, env) -> list[str]:
    before = getattr(app, "link_targets_before", None)
    if before is not None and before != link_targets(env):
        return sorted(env.all_docs)
    return []


def setup(app: Sphinx) -> dict:
    app.connect("env-get-outdated", before_reading)
    app.connect("env-updated", pages_to_rewrite)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
