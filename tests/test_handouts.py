"""Printed pages and PDF handouts stand alone: title, clinic phone, review date, URL, QR code."""

from __future__ import annotations

import re
from pathlib import Path

import pypdf
import pytest
import segno
from conftest import LETTER, printed_pages

from tools.make_handouts import handout_pages, print_pdfs
from tools.shared import site_map

TITLES = {path: title for path, title, _ in site_map()}


@pytest.fixture(scope="session")
def handouts(site, browser, once) -> dict[str, Path]:
    """The handout PDFs of the test session's site (printed once per session), by name."""
    printed = once("handouts", lambda folder: {pdf.stem: str(pdf) for pdf in
                                               print_pdfs(browser, site.out, folder, handout_pages())})
    return {name: Path(pdf) for name, pdf in printed.items() if name != "folder"}


def test_the_key_pages_are_handouts():
    required = {"topics/safety/aftercare", "topics/safety/your-session",
                "topics/safety/contraindications", "topics/safety/side-effects"}
    assert required <= set(handout_pages())


@pytest.mark.parametrize("docname", handout_pages())
def test_handout_pdf_stands_alone(site, handouts, docname):
    pages = printed_pages(handouts[docname.rsplit("/", 1)[-1]])
    assert 1 <= len(pages) <= 2, f"{docname}: {len(pages)} pages (at most 2)"
    assert all(page.size == LETTER for page in pages), [page.size for page in pages]
    text = re.sub(r"\s+", " ", " ".join(page.text for page in pages))
    soup = site.soup(docname)
    title = soup.select_one("article h1").get_text(strip=True).rstrip("¶")
    checked = soup.select_one(".page-meta-dates").get_text().split("·")[0].strip()
    assert title in text
    assert "780-539-1261" in text
    assert checked.startswith("Checked against its sources on ") and checked in text
    assert f"/{docname}.html" in text
    assert "not a diagnosis" in text


@pytest.mark.parametrize("docname", ["topics/safety/aftercare", "topics/safety/your-session"])
def test_take_home_sheets_carry_the_lung_warning(handouts, docname):
    """The sheets patients take home say what a collapsed lung feels like and what to do (issue 12)."""
    text = re.sub(r"\s+", " ", " ".join(page.text for page in printed_pages(handouts[docname.rsplit("/", 1)[-1]])))
    for words in ("collapsed lung", "neck, shoulders, upper back or chest wall", "shortness of breath",
                  "a day or two", "Tell them you had needling, and where", "Go to the emergency department now"):
        assert words in text, f"{docname}: {words!r} not on the printed sheet"
    assert "sudden" not in text.lower()


def test_printed_qr_code_is_the_page_address_and_sharp(site, handouts):
    """The QR code printed on a handout is the symbol of the page's own address, drawn at 6 pixels a module
    or more, so it stays sharp whatever a printer or viewer does when it scales the picture."""
    url = site.soup("topics/safety/aftercare").select_one('link[rel="canonical"]')["href"]
    symbol = segno.make(url, error="l").matrix
    reader = pypdf.PdfReader(handouts["aftercare"])
    pictures = [picture.image.convert("L") for page in reader.pages for picture in page.images]
    qr = next((p for p in pictures if p.width == p.height and p.width % (len(symbol) + 4) == 0), None)
    assert qr is not None, f"no square picture of {len(symbol)} + 4 modules in the PDF: {pictures}"
    scale = qr.width // (len(symbol) + 4)  # two modules of white border each side
    assert scale >= 6, f"{scale} pixels a module"
    printed = [[qr.getpixel(((x + 2) * scale + scale // 2, (y + 2) * scale + scale // 2)) < 128
                for x in range(len(symbol))] for y in range(len(symbol))]
    assert printed == [[bool(module) for module in row] for row in symbol]


def test_printed_page_hides_navigation_and_shows_footer(site_url, page):
    page.emulate_media(media="print")
    page.goto(f"{site_url}/topics/safety/aftercare.html")
    for hidden in (".sidebar-drawer", ".toc-drawer", ".mobile-header", ".related-pages", ".clinic-footer",
                   "#aftercare-related"):
        assert not page.locator(hidden).first.is_visible(), f"{hidden} is printed"
    assert page.locator(".print-footer").is_visible()
    assert page.locator(".print-footer img").first.get_attribute("alt").startswith("QR code for http")
    body_size = page.evaluate("parseFloat(getComputedStyle(document.querySelector('article p')).fontSize)")
    assert body_size >= 11 * 96 / 72 - 0.1, "body text is smaller than 11 pt"
    closed_dropdowns = page.locator("details.dropdown:not([open])")
    for index in range(closed_dropdowns.count()):
        assert not closed_dropdowns.nth(index).is_visible(), "a closed dropdown is printed"


def test_screen_page_hides_print_footer(site_url, page):
    page.goto(f"{site_url}/topics/safety/aftercare.html")
    assert not page.locator(".print-footer").is_visible()


@pytest.mark.parametrize("with_pdf", [True, False])
def test_handout_list_links_pdfs_that_exist(small_project, with_pdf):
    project = small_project({"index": "# Home\n\n```{toctree}\nsheet\n```\n\n```{handout-list}\n```\n",
                             "sheet": "# Aftercare sheet\n\nText.\n"}, ["myst_parser", "handouts"],
                            files={"pdfs/sheet.pdf": b"%PDF-1.4 test"} if with_pdf else {},
                            handouts=["sheet"], handouts_dir="pdfs").build()
    html = project.html("index")
    assert "Aftercare sheet" in html
    assert ('href="handouts/sheet.pdf"' in html) is with_pdf
    assert (project.out / "handouts" / "sheet.pdf").exists() is with_pdf
    assert ("PDF not made yet" in html) is not with_pdf
