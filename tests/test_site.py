"""The real site: strict build, every site-map page, metadata and navigation."""

from __future__ import annotations

import posixpath

import pytest

from tools.shared import site_map

PAGES = [path for path, _, _ in site_map()]


def test_build_has_no_warnings(site):
    assert site.warnings.strip() == ""


@pytest.mark.parametrize("path", PAGES)
def test_site_map_page_exists_with_metadata(site, path):
    soup = site.soup(path)
    meta = soup.select_one("article .page-meta")
    assert meta is not None, f"{path}: no review dates under the title"
    assert "Checked against its sources on" in meta.get_text() and "Next check due" in meta.get_text()
    assert soup.select_one("article h1"), f"{path}: no page title"


def test_every_site_map_page_is_in_the_navigation(site):
    nav_links = set()
    for link in site.soup("index").select(".sidebar-tree a.reference"):
        href = link["href"].split("#")[0]
        nav_links.add(href.removesuffix(".html") if href not in ("#", "") else "index")
    missing = [path for path in PAGES if path != "index" and path not in nav_links]
    assert not missing, f"not reachable from the sidebar navigation: {missing}"


def test_a_topic_page_sidebar_holds_its_section_and_every_section(site):
    sections = [path for path in PAGES if path.startswith("topics/") and path.endswith("/index")]
    for path in PAGES:
        if not path.startswith("topics/") or path.endswith("/index"):
            continue
        section = path.rsplit("/", 1)[0]
        links = {posixpath.normpath(posixpath.join(posixpath.dirname(path), a["href"].split("#")[0] or
                                                   path.rsplit("/", 1)[1] + ".html")).removesuffix(".html")
                 for a in site.soup(path).select(".sidebar-tree a.reference")}
        wanted = set(sections) | {p for p in PAGES if p.startswith(section + "/")}
        assert wanted <= links, f"{path}: the sidebar lacks {sorted(wanted - links)}"


def test_no_page_is_overdue_for_review(site):
    overdue = [path for path in PAGES if site.soup(path).select_one(".page-meta-overdue")]
    assert not overdue, "pages past their next-review date (review them, then update the dates): " + ", ".join(overdue)


@pytest.mark.parametrize("path", PAGES)
def test_disclaimer_and_contact_on_every_page(site, path):
    footer = site.soup(path).select_one(".clinic-footer")
    assert footer is not None, f"{path}: no clinic footer"
    text = footer.get_text(" ", strip=True)
    assert "not a diagnosis" in text and "911" in text and "780-539-1261" in text
