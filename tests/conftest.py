"""Shared fixtures: the real site is built once per test session, then read or browsed; small
projects are built in-process by one factory, `small_project`."""

from __future__ import annotations

import contextlib
import subprocess
import sys
from dataclasses import dataclass, field
from io import StringIO
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from sphinx.testing.util import SphinxTestApp

from tools import shared
from tools.browser import launch
from tools.browser import serve as serve_folder

shared.use_local_extensions()  # the small projects load our extensions from docs/_ext

BROWSER_FIXTURES = {"browser", "page"}  # every test that launches Chromium uses one of these


def pytest_collection_modifyitems(items) -> None:
    """Mark every test that drives Chromium `browser` (`make test-fast` leaves them out)."""
    for item in items:
        if BROWSER_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def known_bib() -> str:
    """A one-entry bibliography (key `known2020`) for small projects that cite."""
    return ("@article{known2020,\n  author = {Known, Ann},\n  title = {A known study},\n"
            "  journal = {J Test},\n  year = {2020},\n}\n")


@dataclass
class BuiltSite:
    out: Path
    warnings: str
    # Parsed pages, kept for one test only (cleared after each): no test sees another's changes to a tree.
    _soups: dict[str, BeautifulSoup] = field(default_factory=dict, repr=False)

    def html(self, page: str) -> str:
        return (self.out / f"{page}.html").read_text(encoding="utf-8")

    def soup(self, page: str) -> BeautifulSoup:
        if page not in self._soups:
            self._soups[page] = BeautifulSoup(self.html(page), "lxml")
        return self._soups[page]


BUILT_SITES: list[BuiltSite] = []


def pytest_runtest_teardown(item) -> None:
    for built in BUILT_SITES:
        built._soups.clear()


@pytest.fixture(scope="session")
def site(tmp_path_factory) -> BuiltSite:
    """The real site, built strictly once for the whole session (in its own process, like `make html`)."""
    out = tmp_path_factory.mktemp("site")
    result = subprocess.run(shared.sphinx_command(out, "-q", "-d", str(out / ".doctrees")),
                            capture_output=True, text=True, cwd=shared.ROOT, check=False)
    if result.returncode != 0:
        pytest.fail(f"the site did not build:\n{result.stderr}")
    BUILT_SITES.append(BuiltSite(out=out, warnings=result.stderr))
    return BUILT_SITES[-1]


# -- The versioned site (make versions) ----------------------------------------------------------

def run_builder(out: Path, *extra: str) -> subprocess.CompletedProcess:
    # The repository's cache is safe to share: a key covers everything a build depends on.
    return subprocess.run([sys.executable, "-m", "tools.build_versions", "--out", str(out),
                           "--cache", str(shared.ROOT / "_build" / "cache"), *extra],
                          capture_output=True, text=True, cwd=shared.ROOT, check=False)


@pytest.fixture(scope="session")
def versions_site(tmp_path_factory) -> Path:
    """`make versions` once for the session, into a temporary tree (test_versions, test_offline)."""
    out = tmp_path_factory.mktemp("versions") / "site"
    result = run_builder(out)
    if result.returncode != 0:
        pytest.fail(f"make versions failed:\n{result.stdout}\n{result.stderr}")
    return out


# -- Small projects ---------------------------------------------------------------------------

class SmallProject:
    """A small Sphinx project, built in-process by Sphinx's own test application (sphinx-design's model).

    `conf` becomes its conf.py (`name = repr(value)` per line); `pages` are {docname: MyST text};
    `files` are any other files by path (text or bytes). `build()` asserts a build without warnings
    unless told `clean=False`; then read `warnings`, `out`, `html(page)` or `app.env`.
    """

    def __init__(self, src: Path, pages: dict[str, str], conf: dict, files: dict[str, str | bytes]):
        self.src, self.app = src, None
        src.mkdir(parents=True, exist_ok=True)
        (src / "conf.py").write_text("".join(f"{name} = {value!r}\n" for name, value in conf.items()),
                                     encoding="utf-8")
        for name, content in {**files, **{f"{doc}.md": text for doc, text in pages.items()}}.items():
            (src / name).parent.mkdir(parents=True, exist_ok=True)
            if isinstance(content, bytes):
                (src / name).write_bytes(content)
            else:
                (src / name).write_text(content, encoding="utf-8")

    def build(self, clean: bool = True, strict: bool = False, **overrides) -> SmallProject:
        """Build (again: a second call is an incremental rebuild); `strict` fails on warnings, as -W does."""
        self.app = SphinxTestApp("html", srcdir=self.src, confoverrides=overrides, status=StringIO(),
                                 warning=StringIO(), warningiserror=strict)
        try:
            self.app.build()
        finally:
            self.app.cleanup()  # Sphinx's and docutils' global registries, for the next project
        if clean:
            assert self.warnings == "", self.warnings
        return self

    @property
    def warnings(self) -> str:
        return self.app.warning.getvalue()

    @property
    def out(self) -> Path:
        return Path(self.app.outdir)

    def html(self, page: str) -> str:
        return (self.out / f"{page}.html").read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def small_project(tmp_path_factory):
    """small_project(pages, extensions, files={...}, **conf) -> a SmallProject in a fresh folder, not built.

    Session-scoped so that module-scoped fixtures can use it too; each call gets its own folder.
    """

    def create(pages: dict[str, str], extensions: list[str], files: dict | None = None, **conf) -> SmallProject:
        return SmallProject(tmp_path_factory.mktemp("project"), pages, {"extensions": extensions, **conf}, files or {})

    return create


# -- Serving and browsing -----------------------------------------------------------------------

@pytest.fixture(scope="session")
def serve():
    """Serve a folder on 127.0.0.1; returns the base URL. Servers stop at session end."""
    with contextlib.ExitStack() as servers:
        yield lambda folder: servers.enter_context(serve_folder(folder))


@pytest.fixture(scope="session")
def site_url(site, serve) -> str:
    return serve(site.out)


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium driven by Playwright (Playwright cannot download browsers here)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = launch(playwright)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    context = browser.new_context()
    tab = context.new_page()
    yield tab
    context.close()
