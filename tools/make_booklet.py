"""Print every patient page of a built site into one Letter-size booklet PDF.

Usage: python -m tools.make_booklet [SITE_DIR] [OUT_DIR]   (defaults: _build/html _build/handouts)

The pages are the site's reading order (each page's `<link rel="next">`, which follows the toctree),
less `booklet_exclude` in conf.py. Each is printed exactly as its handout would be (tools/make_handouts.py:
the same Chromium and print stylesheet, so each ends with its web address, QR code, review date and the
disclaimer); then a cover and a contents page with page numbers go in front, and every page but the
cover gets its number. pypdf joins and numbers them.
"""

from __future__ import annotations

import html
import posixpath
import re
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from tools import shared
from tools.browser import launch, serve
from tools.make_handouts import print_pdfs

shared.use_local_extensions()
from print_footer import qr_image  # noqa: E402  (the QR code the printed pages carry, from docs/_ext)

NEXT = re.compile(r'<link rel="next"[^>]*?href="([^"]+)"')
TITLE = re.compile(r"<h1>(.*?)<a class=\"headerlink\"", re.S)
VERSION = re.compile(r"\(version ([^)]+)\)</p>")
PENDING = 'class="page-meta-signoff pending"'
TAGS = re.compile(r"<[^>]+>")


def conf():
    """conf.py as Sphinx reads it, with the booklet's settings."""
    return shared.read_config(booklet_exclude=[], booklet_file="booklet.pdf", html_context={}, html_baseurl="")


@dataclass
class Page:
    docname: str
    title: str
    level: int  # 0: home, a section's landing page or a page of its own; 1: a page inside a section
    pending: bool  # still awaiting clinical sign-off
    first: int = 0  # its first page number in the booklet


def reading_order(site: Path) -> list[str]:
    """Docnames from the home page on, following each page's rel="next" link (the toctree order)."""
    order, page = [], "index.html"
    while page and page not in order:
        order.append(page)
        match = NEXT.search((site / page).read_text(encoding="utf-8"))
        following = html.unescape(match.group(1)) if match else None
        page = posixpath.normpath(posixpath.join(posixpath.dirname(page), following)) if following else None
    return [page.removesuffix(".html") for page in order]


def booklet_pages(site: Path, exclude: list[str] | None = None) -> list[Page]:
    exclude = conf().booklet_exclude if exclude is None else exclude
    pages = []
    for docname in reading_order(site):
        if docname in exclude:
            continue
        text = (site / f"{docname}.html").read_text(encoding="utf-8")
        title = html.unescape(TAGS.sub("", TITLE.search(text).group(1))).strip()
        inside = docname.startswith("topics/") and not docname.endswith("/index")
        pages.append(Page(docname, title, 1 if inside else 0, PENDING in text))
    return pages


def front_matter(settings, pages: list[Page], version: str, numbered: bool) -> str:
    """The cover and the contents page, styled by the site's print stylesheet."""
    clinic = settings.html_context["clinic"]
    home = settings.html_baseurl
    pending = sum(page.pending for page in pages)
    entries = "".join(
        f'<li class="level-{page.level}"><span>{html.escape(page.title)}</span><span class="dots"></span>'
        f'<span>{page.first if numbered else "000"}</span></li>' for page in pages)
    signoff = (f"<p>{pending} of these {len(pages)} pages still await clinical sign-off by the clinic's "
               "physiotherapists.</p>" if pending
               else "<p>Every page has been signed off by the clinic's physiotherapists.</p>")
    return f"""<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<title>{html.escape(settings.project)}: booklet</title>
<link rel="stylesheet" href="_static/styles/furo.css"><link rel="stylesheet" href="_static/dropdown.css">
<link rel="stylesheet" href="_static/print.css">
<link rel="stylesheet" href="_static/print-article.css">
<style>
  .cover {{ height: 235mm; display: flex; flex-direction: column; justify-content: space-between; break-after: page; }}
  .cover h1 {{ font-size: 26pt; line-height: 1.15; margin: 20mm 0 6pt; }}
  .cover .lead {{ font-size: 14pt; }}
  .cover-qr {{ display: flex; gap: 10pt; align-items: center; }}
  .cover-qr img {{ width: 30mm; height: 30mm; flex: none; }}
  .contents ol {{ list-style: none; padding: 0; margin: 0; }}
  .contents li {{ display: flex; align-items: baseline; margin: 0 0 3pt; }}
  .contents li.level-0 {{ font-weight: bold; margin-top: 7pt; }}
  .contents li.level-1 {{ padding-left: 14pt; }}
  .contents .dots {{ flex: 1; border-bottom: 1pt dotted #555; margin: 0 4pt; }}
</style></head><body>
<section class="cover">
  <div><h1>{html.escape(settings.project)}</h1>
    <p class="lead">Every patient page of our website in one booklet, to read at home.</p>
    <p>Version {html.escape(version)}. Each page ends with its web address, a QR code that opens it on
      your phone, and the date it was last checked.</p>
    {signoff}</div>
  <div class="cover-qr">{qr_image(home)}<p>Read the newest version online:<br>
    {html.escape(home.split("://", 1)[-1])}</p></div>
  <div><p><strong>{html.escape(clinic["name"])}</strong><br>{html.escape(clinic["address"])}<br>
    Phone {html.escape(clinic["phone"])} · {html.escape(clinic["email"])}</p>
    <p><strong>This booklet gives information, not a diagnosis.</strong> Talk to your physiotherapist or doctor
      about your own health. In an emergency, call {html.escape(clinic["emergency_number"])}.</p></div>
</section>
<section class="contents"><h1>Contents</h1><ol>{entries}</ol></section>
</body></html>"""


def page_numbers(count: int) -> str:
    """One blank Letter page per booklet page with its number in the bottom margin (the cover has none)."""
    sheets = "".join(f'<div class="sheet">{"" if n == 1 else f"Page {n} of {count}"}</div>'
                     for n in range(1, count + 1))
    return f"""<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><style>
  @page {{ size: Letter; margin: 0; }}
  body {{ margin: 0; }}
  .sheet {{ height: 10.9in; position: relative; break-after: page; font: 9pt sans-serif; color: #000; }}
  .sheet:last-child {{ break-after: auto; }}
  .sheet {{ display: flex; align-items: flex-end; justify-content: center; padding-bottom: 0.2in;
            box-sizing: border-box; }}
</style></head><body>{sheets}</body></html>"""


def print_html(tab, base: str, markup: str, pdf: Path) -> Path:
    tab.goto(f"{base}/index.html")  # the site's address, so the front matter finds its stylesheet
    tab.set_content(markup.replace("<head>", f'<head><base href="{base}/">', 1), wait_until="load")
    tab.pdf(path=str(pdf), format="Letter", print_background=True, prefer_css_page_size=True)
    return pdf


def make_booklet_with(browser, site: Path, out: Path) -> Path:
    """Print the booklet of `site` into `out` with an open Playwright browser; returns the PDF's path."""
    import pypdf

    settings = conf()
    pages = booklet_pages(site, settings.booklet_exclude)
    version = VERSION.search((site / "index.html").read_text(encoding="utf-8")).group(1)
    with tempfile.TemporaryDirectory(prefix="booklet-") as tmp:
        work = Path(tmp)
        pdfs = print_pdfs(browser, site, work, [p.docname for p in pages], name=lambda d: d.replace("/", "--") + ".pdf")
        counts = [len(pypdf.PdfReader(pdf).pages) for pdf in pdfs]
        with serve(site) as base:
            tab = browser.new_page()
            tab.emulate_media(media="print")
            # First with placeholder numbers, to learn how long the front matter is; then numbered.
            draft = print_html(tab, base, front_matter(settings, pages, version, numbered=False), work / "front.pdf")
            front = len(pypdf.PdfReader(draft).pages)
            number = front + 1
            for page, count in zip(pages, counts, strict=True):
                page.first, number = number, number + count
            print_html(tab, base, front_matter(settings, pages, version, numbered=True), work / "front.pdf")
            total = number - 1
            numbers = print_html(tab, base, page_numbers(total), work / "numbers.pdf")
            tab.close()
        writer = pypdf.PdfWriter()
        writer.append(str(work / "front.pdf"))
        if len(writer.pages) != front:
            raise RuntimeError("the contents page changed length once numbered")
        for page, pdf in zip(pages, pdfs, strict=True):
            writer.append(str(pdf))
            writer.add_outline_item(title=page.title, page_number=page.first - 1)
        overlay = pypdf.PdfReader(numbers)
        if len(overlay.pages) != total or len(writer.pages) != total:
            raise RuntimeError(f"page numbering is off: {len(overlay.pages)} numbers for {len(writer.pages)} pages")
        for index in range(1, total):
            writer.pages[index].merge_page(overlay.pages[index])
            writer.pages[index].compress_content_streams()  # merging leaves them uncompressed
        writer.compress_identical_objects(remove_duplicates=True, remove_unreferenced=True)
        writer.add_metadata({"/Title": f"{settings.project} (booklet, version {version})",
                             "/Author": settings.html_context["clinic"]["name"]})
        out.mkdir(parents=True, exist_ok=True)
        booklet = out / settings.booklet_file
        with booklet.open("wb") as file:
            writer.write(file)
    return booklet


def make_booklet(site: Path, out: Path) -> Path:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = launch(playwright)
        try:
            return make_booklet_with(browser, site, out)
        finally:
            browser.close()


if __name__ == "__main__":
    site = Path(sys.argv[1]) if len(sys.argv) > 1 else shared.HTML
    out = Path(sys.argv[2]) if len(sys.argv) > 2 else shared.BUILD / "handouts"
    pdf = make_booklet(site, out)
    import pypdf

    print(f"{pdf.relative_to(shared.ROOT) if pdf.is_relative_to(shared.ROOT) else pdf}  "
          f"{len(pypdf.PdfReader(pdf).pages)} pages, {pdf.stat().st_size // 1024} KB")
