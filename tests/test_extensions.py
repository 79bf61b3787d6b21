"""Our extensions use no deprecated Sphinx API (Sphinx 11 removes `env.app`, for one)."""

from __future__ import annotations

import warnings
from pathlib import Path

from tools.shared import EXTENSIONS, ROOT

OUR_CODE = str(ROOT / EXTENSIONS)
# The extensions issue 15 split, with those they need; pages using what they add.
SPLIT = ["myst_parser", "sphinx_design", "notfound.extension", "sphinxext.opengraph", "versions", "release_list",
         "redirects", "locked_links", "page_assets", "sidebar_tree", "strip_markup", "site_addresses",
         "not_found_page", "page_descriptions", "robots_txt", "external_links", "security_headers",
         "resource_fingerprints", "prune_theme_css", "minify_static"]
PAGES = {"index": "---\ndescription: Home.\n---\n\n# Home\n\nSee [the NHS](https://www.nhs.uk/).\n\n"
                  "```{toctree}\nchangelog\n```\n",
         "changelog": "# Changes\n\n```{release-list}\n```\n"}
MANIFEST = '[[release]]\nname = "2026.11"\ncommit = "0123456"\ndate = 2026-11-27\nsummary = "First."\n'


def test_no_deprecation_warning_from_our_extensions(small_project, tmp_path):
    build = Path(tmp_path, "build.json")
    build.write_text('{"name": "2026.11", "date": "2026-11-27", "summary": "First.", "current": true, '
                     '"releases": [{"name": "2026.11", "date": "2026-11-27", "summary": "First."}], '
                     '"history": {}}', encoding="utf-8")
    project = small_project(PAGES, SPLIT, files={"versions.toml": MANIFEST, "anchors.lock": "index.html\n"},
                            html_theme="furo", html_baseurl="https://example.org/site/", versions_build=str(build))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        project.build()
    ours = [f"{w.filename}:{w.lineno}: {w.category.__name__}: {w.message}" for w in caught
            if w.filename.startswith(OUR_CODE)]
    assert not ours, "\n".join(ours)
    assert "2026.11" in project.html("changelog") and 'rel="noopener noreferrer"' in project.html("index")
