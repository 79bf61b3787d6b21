"""Print the handout pages of a built site to Letter-size PDFs with Debian's Chromium.

Usage: python -m tools.make_handouts [SITE_DIR] [OUT_DIR]   (defaults: _build/html _build/handouts)
The pages to print are `handouts` in conf.py; the print stylesheet does the layout.
"""

from __future__ import annotations

import sys
from pathlib import Path

from tools.browser import launch, serve
from tools.shared import BUILD, HTML, ROOT, read_config


def handout_pages() -> list[str]:
    return read_config(handouts=[]).handouts


def print_pdfs(browser, site: Path, out: Path, pages: list[str]) -> list[Path]:
    """Write one PDF per page into `out` with an open Playwright browser; returns their paths."""
    out.mkdir(parents=True, exist_ok=True)
    written = []
    with serve(site) as base:
        tab = browser.new_page()
        tab.emulate_media(media="print")
        for docname in pages:
            tab.goto(f"{base}/{docname}.html", wait_until="load")
            pdf = out / f"{docname.rsplit('/', 1)[-1]}.pdf"
            tab.pdf(path=str(pdf), format="Letter", print_background=True, prefer_css_page_size=True)
            written.append(pdf)
        tab.close()
    return written


def make_handouts(site: Path, out: Path) -> list[Path]:
    """Start Debian's Chromium and print every handout page of `site` into `out`."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = launch(playwright)
        try:
            return print_pdfs(browser, site, out, handout_pages())
        finally:
            browser.close()


if __name__ == "__main__":
    site = Path(sys.argv[1]) if len(sys.argv) > 1 else HTML
    out = Path(sys.argv[2]) if len(sys.argv) > 2 else BUILD / "handouts"
    for path in make_handouts(site, out):
        print(f"{path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}  {path.stat().st_size // 1024} KB")
