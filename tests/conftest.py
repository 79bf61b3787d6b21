"""Shared fixtures: the real site is built once per test session, then read or browsed."""

from __future__ import annotations

import contextlib
import functools
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

pytest_plugins = "sphinx.testing.fixtures"

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tools.browser import launch  # noqa: E402
from tools.browser import serve as serve_folder  # noqa: E402

DOCS = ROOT / "docs"
SITE_MAP = Path(__file__).parent / "site-map.tsv"


def site_map() -> list[tuple[str, str, str]]:
    """(path, title, what it covers) for every page of the site map."""
    rows = []
    for line in SITE_MAP.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            path, title, covers = line.split("\t")
            rows.append((path, title, covers))
    return rows


@dataclass
class BuiltSite:
    out: Path
    warnings: str

    def html(self, page: str) -> str:
        return (self.out / f"{page}.html").read_text(encoding="utf-8")

    @functools.cache
    def soup(self, page: str) -> BeautifulSoup:
        return BeautifulSoup(self.html(page), "lxml")

    def __hash__(self) -> int:
        return hash(self.out)


def sphinx_build(src: Path, out: Path, *extra: str, confdir: Path = ROOT) -> subprocess.CompletedProcess:
    """Run the strict build the Makefile runs, capturing warnings."""
    cmd = [sys.executable, "-m", "sphinx", "-b", "html", "-n", "-W", "--keep-going", "-q",
           "-c", str(confdir), *extra, str(src), str(out)]
    return subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT)


def write_tiny_project(src: Path, extensions: list[str], pages: dict[str, str], conf: str = "",
                       files: dict[str, str] | None = None) -> Path:
    """A small Sphinx project in `src` that can load our local extensions, for Sphinx's `make_app`."""
    for name, text in {**(files or {}), **{f"{doc}.md": body for doc, body in pages.items()}}.items():
        (src / name).parent.mkdir(parents=True, exist_ok=True)
        (src / name).write_text(text, encoding="utf-8")
    (src / "conf.py").write_text(f"import sys\nsys.path.insert(0, {str(DOCS / '_ext')!r})\n"
                                 f"extensions = {extensions!r}\n{conf}", encoding="utf-8")
    return src


@pytest.fixture(scope="session")
def site(tmp_path_factory) -> BuiltSite:
    """The real site, built strictly once for the whole session."""
    out = tmp_path_factory.mktemp("site")
    result = sphinx_build(DOCS, out, "-d", str(out / ".doctrees"))
    if result.returncode != 0:
        pytest.fail(f"the site did not build:\n{result.stderr}")
    return BuiltSite(out=out, warnings=result.stderr)


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
