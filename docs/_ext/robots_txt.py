"""robots.txt at the root of the build: everything allowed, and where the sitemap is.

robots.txt only counts at the root of a host: a site under a path copies its lines there (README).
"""

from __future__ import annotations

from pathlib import Path

from sphinx.application import Sphinx


def write_robots_txt(app: Sphinx, exception: Exception | None) -> None:
    if exception or app.builder.format != "html":
        return
    lines = ["User-agent: *", "Allow: /"]
    if app.config.html_baseurl and "sitemap_filename" in app.config:
        lines.append(f"Sitemap: {app.config.html_baseurl}{app.config.sitemap_filename}")
    Path(app.outdir, "robots.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")


def setup(app: Sphinx) -> dict:
    app.connect("build-finished", write_robots_txt)
    return {"version": "2.0", "parallel_read_safe": True, "parallel_write_safe": True}
