"""Private feedback: every page ends with mailto links to the clinic, carrying the page's address and version."""

from __future__ import annotations

from urllib.parse import parse_qs, unquote, urlsplit

import pytest

from tools.shared import read_config, site_map

CONTENT_PAGES = [path for path, _, _ in site_map()] + ["handouts"]
CONF = read_config(html_context={}, html_baseurl="")  # conf.py through Sphinx's Config
CLINIC = CONF.html_context["clinic"]


def feedback_links(soup) -> dict[str, dict]:
    """Link text -> {"to": address, "subject": ..., "body": ...} of the page's feedback line."""
    links = {}
    for link in soup.select("article .page-feedback a[href^='mailto:']"):
        parts = urlsplit(link["href"])
        query = {key: values[0] for key, values in parse_qs(parts.query).items()}
        links[link.get_text()] = {"to": unquote(parts.path), **query}
    return links


@pytest.mark.parametrize("path", CONTENT_PAGES)
def test_every_page_ends_with_the_feedback_line(site, path):
    soup = site.soup(path)
    line = soup.select_one("article .page-feedback")
    assert line is not None, f"{path} has no feedback line"
    assert "Was this page helpful?" in line.get_text()
    assert line.find_next_sibling() is None, "the feedback line is not the last thing in the article"
    links = feedback_links(soup)
    assert set(links) == {"Tell us", "Report a problem"}
    canonical = soup.select_one('link[rel="canonical"]')["href"]
    for link in links.values():
        assert link["to"] == CLINIC["email"]
        assert f"Page: {canonical}\n" in link["body"] and "Version: dev\n" in link["body"]
    phone = line.select_one("a[href^='tel:']")
    assert phone["href"] == CLINIC["phone_href"] and phone.get_text() == CLINIC["phone"]


def test_the_site_sends_nothing_itself(site):
    """No form, no script and no request: only links the reader's own apps open."""
    line = site.soup("topics/safety/aftercare").select_one(".page-feedback")
    assert not line.select("form, script, img, iframe")
    assert {a["href"].split(":", 1)[0] for a in line.select("a")} == {"mailto", "tel"}


def test_about_page_says_how_feedback_is_used(site):
    section = site.soup("about").select_one("#about-feedback")
    text = section.get_text(" ")
    assert "email app" in text and "next check" in text


@pytest.mark.browser
def test_feedback_link_in_the_browser_carries_the_page_address_and_version(site_url, page):
    page.goto(f"{site_url}/topics/safety/side-effects.html")
    link = page.get_by_role("link", name="Report a problem")
    link.scroll_into_view_if_needed()
    href = link.get_attribute("href")
    body = parse_qs(urlsplit(href).query)["body"][0]
    assert href.startswith(f"mailto:{CLINIC['email']}?")
    assert f"{CONF.html_baseurl.rstrip('/')}/topics/safety/side-effects.html" in body
    assert "Version: dev" in body
