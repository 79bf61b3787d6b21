"""Nothing a patient reads or searches leaves the site: no third-party requests, no console errors."""

from __future__ import annotations

import pytest
from conftest import VISITED_PAGES as PAGES
from conftest import recording, visit_params


@pytest.fixture
def watched_page(browser):
    """A page that records every request and every console error or CSP violation, with the offline
    worker running (it fetches the search index's parts too)."""
    context = browser.new_context(service_workers="allow")
    tab = context.new_page()
    with recording(tab) as record:
        tab.requests, tab.problems = record.requests, record.problems
        yield tab
    context.close()


def foreign(requests: list[str], site_url: str) -> list[str]:
    return [url for url in requests if not url.startswith((site_url + "/", "data:", "about:"))]


# Read from the accessibility run's visits (conftest's page_visits): each page is loaded once per
# viewport and colour scheme, under its own Content-Security-Policy, until the network is quiet.
@pytest.mark.parametrize(("theme", "path"), visit_params())
def test_page_makes_no_third_party_requests_or_errors(site_url, page_visits, theme, path):
    visit = page_visits(theme, path)
    assert visit.requests and visit.requests[0] == f"{site_url}/{path}.html", visit.requests[:1]
    assert not foreign(visit.requests, site_url), f"{path} ({theme}) contacted another host"
    assert not visit.problems, f"{path} ({theme}): console errors or CSP violations: {visit.problems}"


def test_search_stays_in_the_browser(site_url, watched_page):
    watched_page.goto(f"{site_url}/search.html?q=shoulder+pain", wait_until="networkidle")
    watched_page.wait_for_selector("#search-results a")
    assert not foreign(watched_page.requests, site_url)
    after_page_load = watched_page.requests[1:]
    assert not any("shoulder" in url for url in after_page_load), "the query was sent over the network"
    assert not watched_page.problems


def test_external_links_do_not_leak_the_page(site):
    for path in PAGES:
        for link in site.soup(path).select('article a[href^="http"]'):
            rel = set(link.get("rel", []))
            assert {"noopener", "noreferrer"} <= rel, f"{path}: {link['href']} lacks rel=noopener noreferrer"


@pytest.mark.parametrize("path", ["index", "topics/safety/aftercare"])
def test_every_page_has_the_privacy_meta_tags(site, path):
    soup = site.soup(path)
    assert soup.select_one('meta[name="referrer"]')["content"] == "no-referrer"
    csp = soup.select_one('meta[http-equiv="Content-Security-Policy"]')["content"]
    assert "default-src 'self'" in csp and "https:" not in csp and "*" not in csp
