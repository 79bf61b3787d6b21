"""`make booklet`: one Letter-size PDF of every patient page, with a cover, numbered contents and no screen chrome."""

from __future__ import annotations

import re

import pytest
from conftest import LETTER, printed_pages

from tools.make_booklet import conf, make_booklet_with, reading_order
from tools.shared import site_map

EXCLUDED = conf().booklet_exclude
# Text that only the screen shows: menus, search, buttons, switcher, feedback line.
CHROME = ["Skip to content", "Back to top", "Toggle", "On this page", "Search this site", "Copy link",
          "Listen to this page", "Was this page helpful", "Version:", "Contents\nHide", "Made with Sphinx"]


@pytest.fixture(scope="session")
def booklet(site, browser, once) -> list[str]:
    """The booklet of the test session's site (printed once per session): the text of each of its pages."""
    def make(folder) -> dict:
        pages = printed_pages(make_booklet_with(browser, site.out, folder))
        return {"sizes": [page.size for page in pages], "texts": [re.sub(r"[ \t]+", " ", page.text) for page in pages]}

    printed = once("booklet", make)
    assert all(tuple(size) == LETTER for size in printed["sizes"]), printed["sizes"]
    return printed["texts"]


def title(site, path: str) -> str:
    return site.soup(path).select_one("article h1").get_text().rstrip("¶").strip()


def patient_pages() -> list[str]:
    """Every page of the site map (others add pages to it) except those the booklet leaves out."""
    return [path for path, _, _ in site_map() if path not in EXCLUDED]


def test_every_patient_page_is_in_the_contents_at_the_right_page_number(site, booklet):
    contents = "\n".join(text for text in booklet[:4] if "Contents" in text)
    for path in patient_pages():
        name = title(site, path)
        found = re.search(rf"^{re.escape(name)} \.*\s*(\d+)$", contents, re.M)
        assert found, f"{path} ({name}) is not in the contents"
        number = int(found.group(1))
        assert name in booklet[number - 1], f"{name} does not start on page {number}"
        assert f"Page {number} of {len(booklet)}" in booklet[number - 1], f"page {number} has no number"


def test_each_page_carries_its_address_review_date_and_the_disclaimer(site, booklet):
    text = "\n".join(booklet)
    for path in patient_pages():
        assert f"/{path}.html (version dev)" in text, f"{path}: no web address"
    assert text.count("This sheet gives information, not a diagnosis.") == len(patient_pages())
    assert text.count("Last reviewed") + text.count("Checked against its sources on") >= len(patient_pages())


def test_cover_has_the_clinic_and_the_sign_off_status(booklet):
    clinic = conf().html_context["clinic"]
    cover = booklet[0]
    assert clinic["phone"] in cover and clinic["address"] in cover.replace("\n", " ")
    assert "not a diagnosis" in cover and "await clinical sign-off" in cover
    assert "Page 1 of" not in cover


def test_no_screen_chrome_and_not_the_excluded_pages(site, booklet):
    text = "\n".join(booklet)
    for chrome in CHROME:
        assert chrome not in text, f"screen chrome printed: {chrome!r}"
    for path in EXCLUDED:
        assert f"/{path}.html (version" not in text, f"{path} should not be in the booklet"


def test_pages_come_in_the_sites_reading_order(site):
    order = reading_order(site.out)
    assert order[0] == "index" and set(patient_pages()) <= set(order), set(patient_pages()) - set(order)
