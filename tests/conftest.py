"""Shared fixtures: the real site is built once per test session, then read or browsed."""

from __future__ import annotations

import functools
import http.server
import subprocess
import sys
import threading
from dataclasses import dataclass
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

pytest_plugins = "sphinx.testing.fixtures"

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
SITE_MAP = Path(__file__).parent / "site-map.tsv"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


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


@pytest.fixture(scope="session")
def site(tmp_path_factory) -> BuiltSite:
    """The real site, built strictly once for the whole session."""
    out = tmp_path_factory.mktemp("site")
    result = sphinx_build(DOCS, out, "-d", str(out / ".doctrees"))
    if result.returncode != 0:
        pytest.fail(f"the site did not build:\n{result.stderr}")
    return BuiltSite(out=out, warnings=result.stderr)


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:  # keep test output readable
        pass


@pytest.fixture(scope="session")
def serve():
    """Serve a folder on 127.0.0.1; returns the base URL. Servers stop at session end."""
    servers = []

    def start(folder: Path) -> str:
        handler = functools.partial(_QuietHandler, directory=str(folder))
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_address[1]}"

    yield start
    for server in servers:
        server.shutdown()


@pytest.fixture(scope="session")
def site_url(site, serve) -> str:
    return serve(site.out)


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium driven by Playwright (Playwright cannot download browsers here)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    context = browser.new_context()
    tab = context.new_page()
    yield tab
    context.close()
