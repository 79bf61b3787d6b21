"""Print the handout pages of a built site to Letter-size PDFs with Debian's Chromium.

Usage: python -m tools.make_handouts [SITE_DIR] [OUT_DIR]   (defaults: _build/html _build/handouts)
The pages to print are `handouts` in conf.py; the print stylesheet does the layout.
"""

from __future__ import annotations

import sys
from pathlib import Path

from tools.browser import launch, serve
from tools.shared import BUILD, DOCS, HTML, ROOT, read_config

MAX_PAGES = 2  # a handout is one sheet, printed on both sides


def handout_pages() -> list[str]:
    return read_config(handouts=[]).handouts


def handout_name(docname: str) -> str:
    """topics/safety/aftercare -> aftercare.pdf"""
    return f"{docname.rsplit('/', 1)[-1]}.pdf"


def print_pdfs(browser, site: Path, out: Path, pages: list[str], name=handout_name) -> list[Path]:
    """Write one PDF per page into `out` (named by `name(docname)`) with an open Playwright browser."""
    out.mkdir(parents=True, exist_ok=True)
    written = []
    with serve(site) as base:
        tab = browser.new_page()
        tab.emulate_media(media="print")
        for docname in pages:
            tab.goto(f"{base}/{docname}.html", wait_until="load")
            pdf = out / name(docname)
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


def too_long(pdfs: list[Path], pages: list[str]) -> list[str]:
    """`path:line: ...` for each handout over MAX_PAGES; its PDF is deleted, so no site links it."""
    from pypdf import PdfReader

    problems = []
    for pdf, docname in zip(pdfs, pages, strict=True):
        count = len(PdfReader(pdf).pages)
        if count > MAX_PAGES:
            pdf.unlink()
            problems.append(f"{DOCS / docname}.md:1: the handout prints on {count} Letter pages, more than "
                            f"{MAX_PAGES}; shorten the page, or move what need not be on paper into a \"For "
                            "clinicians\" dropdown (closed dropdowns do not print); its PDF was not kept")
    return problems


def main(argv: list[str]) -> int:
    site = Path(argv[0]) if argv else HTML
    out = Path(argv[1]) if len(argv) > 1 else BUILD / "handouts"
    pdfs = make_handouts(site, out)
    problems = too_long(pdfs, handout_pages())
    for path in pdfs:
        if path.exists():
            print(f"{path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}  {path.stat().st_size // 1024} KB")
    for problem in problems:
        print(problem, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
