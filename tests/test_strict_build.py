"""Incremental builds stay strict and leave the same output as a clean build.

Tiny projects are built in-process, several times in a row, as a maintainer would run `make html`.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

import redirects

META = ("---\ndescription: A test page.\nreviewed: 2026-11-01\nnext-review: 2027-05-01\n"
        "reviewer: Registered physiotherapist\nsign-off: pending\n---\n\n")
EXTENSIONS = ["strict_rebuild", "myst_parser", "page_metadata", "redirects", "stale_output", "complete_sitemap"]
CONF = {"html_baseurl": "https://example.org/site/", "sitemap_url_scheme": "{link}"}


def md(title: str, body: str = "Text.", label: str = "") -> str:
    return META + (f"({label})=\n" if label else "") + f"# {title}\n\n{body}\n"


def home(*children: str) -> str:
    return md("Home", "```{toctree}\n" + "\n".join(children) + "\n```")


class Project:
    """A small project (conftest's factory), edited and rebuilt in place like `make html`."""

    def __init__(self, small_project, pages: dict[str, str], extensions=EXTENSIONS, files=None, **conf) -> None:
        self.factory = small_project
        self.project = small_project(pages, extensions, files=files, **(conf or CONF))
        self.src = self.project.src
        self.out = self.src / "_build" / "html"

    def write(self, pages: dict[str, str], files: dict[str, str] | None = None) -> None:
        for name, text in {**(files or {}), **{f"{doc}.md": body for doc, body in pages.items()}}.items():
            (self.src / name).write_text(text, encoding="utf-8")

    def delete(self, docname: str) -> None:
        (self.src / f"{docname}.md").unlink()

    def build(self) -> tuple[int, str, str]:
        app = self.project.build(clean=False, strict=True).app
        return app.statuscode, self.project.warnings, app.status.getvalue()

    def files(self) -> list[str]:
        return sorted(str(p.relative_to(self.out)) for p in self.out.rglob("*")
                      if p.is_file() and ".doctrees" not in p.parts and p.name != ".buildinfo")


@pytest.fixture
def project(small_project):
    return lambda pages, **kwargs: Project(small_project, pages, **kwargs)


def is_stub(path: Path) -> bool:
    return redirects.is_stub(path.read_text(encoding="utf-8"))


def test_incremental_builds_leave_what_a_clean_build_leaves(project):
    project = project({"index": home("a", "b"), "a": md("A", label="a-label"), "b": md("B", "See {ref}`a-label`.")})
    assert project.build()[0] == 0
    project.write({"index": home("a", "b", "c"), "c": md("C")})  # a page added
    assert project.build()[0] == 0
    project.delete("b")  # a page deleted, and sent on to another
    project.write({"index": home("a", "c")}, files={"redirects.toml": '[pages]\n"b" = "a"\n'})
    assert project.build()[0] == 0
    project.write({}, files={"redirects.toml": '[pages]\n"b" = "a"\n"c" = "a"\n'})  # over a live page
    assert project.build()[0] == 1
    project.write({}, files={"redirects.toml": '[pages]\n"b" = "a"\n'})
    assert project.build()[0] == 0
    assert project.build()[0] == 0  # nothing changed

    sources = {p.name: p.read_text() for p in project.src.iterdir() if p.suffix in (".md", ".toml")}
    clean = Project(project.factory, {}, files=sources)
    code, warnings, status = clean.build()
    assert code == 0, status
    assert project.files() == clean.files()
    assert (project.out / "sitemap.xml").read_text() == (clean.out / "sitemap.xml").read_text()
    assert not is_stub(project.out / "c.html") and is_stub(project.out / "b.html")


def test_sitemap_lists_every_page_after_a_no_change_rebuild(project):
    project = project({"index": home("a", "b"), "a": md("A"), "b": md("B")})
    project.build()
    project.build()
    sitemap = (project.out / "sitemap.xml").read_text()
    for page in ("index", "a", "b"):
        assert f"<loc>https://example.org/site/{page}.html</loc>" in sitemap


def test_deleted_page_leaves_no_html(project):
    project = project({"index": home("a", "b"), "a": md("A"), "b": md("B")})
    project.build()
    project.delete("b")
    project.write({"index": home("a")})
    assert project.build()[0] == 0
    assert not (project.out / "b.html").exists()


def test_renamed_label_fails_the_page_that_links_to_it_on_every_run(project):
    project = project({"index": home("a", "b"), "a": md("A", label="a-label"), "b": md("B", "See {ref}`a-label`.")})
    assert project.build()[0] == 0
    project.write({"a": md("A", label="a-renamed")})  # only a.md changes; b.md links to the old label
    for _ in range(2):
        code, warnings, _ = project.build()
        assert code == 1 and "b.md:" in warnings and "undefined label: 'a-label'" in warnings


def test_failed_build_writes_no_redirect_stub(project):
    project = project({"index": home("a"), "a": md("A", "See {ref}`missing-label`.")},
                      files={"redirects.toml": '[pages]\n"old" = "a"\n'})
    code, warnings, _ = project.build()
    assert code == 1 and not (project.out / "old.html").exists()


def test_stub_over_a_live_page_is_never_written(project):
    project = project({"index": home("a", "b"), "a": md("A"), "b": md("B")},
                      files={"redirects.toml": '[pages]\n"b" = "a"\n'})
    for _ in range(2):
        code, warnings, _ = project.build()
        assert code == 1 and "redirects.toml:2" in warnings and "this page still exists" in warnings
        assert not is_stub(project.out / "b.html")


def test_no_change_rebuild_reports_no_configuration_change_and_writes_no_page(project):
    # The site's theme, sphinx-design and a handout list whose PDF is not made yet: each made every
    # rebuild say "The configuration has changed" or re-read a page.
    extensions = ["stable_config", "code_changes", "myst_parser", "sphinx_design", "handouts"]
    project = project({"index": "# Home\n\n```{toctree}\na\n```\n\n```{handout-list}\n```\n", "a": "# A\n"},
                      extensions=extensions, html_theme="furo", html_css_files=["x.css"], handouts=["a"])
    project.build()
    code, _, status = project.build()
    assert code == 0
    assert "configuration has changed" not in status
    assert "0 added, 0 changed, 0 removed" in status
    assert "writing output... [" not in status


GREETING = """from docutils import nodes


def setup(app):
    app.add_role("greeting", lambda name, rawtext, text, lineno, inliner, options=None, content=None:
                 ([nodes.Text({words!r})], []))
"""


@pytest.mark.parametrize("watched", [True, False], ids=["code_changes", "without it"])
def test_an_edited_extension_rewrites_the_pages_it_wrote(project, monkeypatch, watched):
    # A page untouched since the last build was left as the old extension code wrote it.
    extensions = ["myst_parser", "greeting"] + (["code_changes"] if watched else [])
    project = project({"index": "# Home\n\n{greeting}`x`\n"}, extensions=extensions)
    monkeypatch.syspath_prepend(str(project.src))  # the project's own extension, as conf.py's folder would be
    for words in ("Hello", "Hello again"):
        project.write({}, files={"greeting.py": GREETING.format(words=words)})
        monkeypatch.delitem(sys.modules, "greeting", raising=False)  # each make html is a new process
        assert project.build()[0] == 0
    page = (project.out / "index.html").read_text(encoding="utf-8")
    assert ("Hello again" in page) is watched
