"""Offline reading: the service worker saves the key pages and every page opened; a new release replaces its cache."""

from __future__ import annotations

import json
import os
import re
import shutil
import urllib.request
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest

from tools import release_manifest
from tools.browser import serve_nginx
from tools.shared import MANIFEST, read_config, site_map

CLINIC = read_config(html_context={}).html_context["clinic"]
SAFETY = [path for path, _, _ in site_map() if path.startswith("topics/safety/")]
ALWAYS = ["index", "contact", *SAFETY]  # saved at the first visit, whatever the reader opens
OPENED = ["topics/science/how-it-works", "topics/conditions/jaw-and-tmj", "faq"]
NEVER_OPENED = "topics/science/evidence"
OFFLINE_SETTINGS = re.compile(r"^const OFFLINE=(\{.*?\});")


def worker_settings(site_dir: Path) -> dict:
    return json.loads(OFFLINE_SETTINGS.match((site_dir / "sw.js").read_text(encoding="utf-8")).group(1))


def saved_files(site_dir: Path) -> list[str]:
    """The files the worker saves at the first visit, as paths from its folder."""
    # A folder of scripts only is one string of their names without ".js" (docs/_ext/offline.py).
    return [folder + name for folder, names in worker_settings(site_dir)["files"].items()
            for name in (names if isinstance(names, list) else [f"{n}.js" for n in names.split()])]


def publish(path: Path, old: str, new: str) -> None:
    """Edit a served file as a new release would; its time moves on so the server never answers 304."""
    path.write_text(path.read_text(encoding="utf-8").replace(old, new, 1), encoding="utf-8")
    later = path.stat().st_mtime + 60
    os.utime(path, (later, later))


def heading(tab) -> str:
    return tab.locator("article h1").first.inner_text().rstrip("¶").strip()


def wait_until_controlled(tab) -> str:
    """Wait until this version's worker is active and controls the page; returns its scope."""
    tab.wait_for_function("() => navigator.serviceWorker.controller !== null")
    return tab.evaluate("navigator.serviceWorker.ready.then((r) => r.scope)")


def search(tab, url: str) -> list[str]:
    """The result links of a search, best first."""
    tab.goto(url)
    tab.locator("#search-results a").first.wait_for()
    return tab.locator("#search-results a").evaluate_all("links => links.map((a) => a.href)")


def cache_names(tab) -> list[str]:
    return tab.evaluate("caches.keys()")


def wait_for_caches(tab, ready, seconds: float = 20) -> list[str]:
    """Poll the origin's cache names until `ready(names)`; the worker installs in the background."""
    for _ in range(int(seconds * 10)):
        if ready(names := cache_names(tab)):
            return names
        tab.wait_for_timeout(100)
    raise AssertionError(f"caches never became ready: {names}")


# -- What the build writes ----------------------------------------------------------

def test_worker_saves_home_safety_contact_search_and_all_they_load(site):
    files = saved_files(site.out)
    for page in ALWAYS + ["search", "offline"]:
        assert f"{page}.html" in files, f"{page} is not saved for offline reading"
    # The folder the search page's script loads the semantic table from, whatever its parts are called.
    folder = site.soup("search").select_one("[data-semantic]")["data-semantic"]
    assert {f"{folder}{path.name}" for path in (site.out / folder).iterdir()} <= set(files)
    assert all((site.out / file).is_file() for file in files)
    assert not [file for file in files if file.startswith(("/", "http"))], "paths must be relative to the worker"


def test_every_page_registers_the_worker_and_the_policy_allows_it(site):
    for path in [*ALWAYS, "search", "faq"]:
        soup = site.soup(path)
        assert any("_static/sw-register.js" in s["src"] for s in soup.select("script[src]")), path
        csp = soup.select_one('meta[http-equiv="Content-Security-Policy"]')["content"]
        assert "default-src 'self'" in csp and "worker-src" not in csp  # default-src 'self' allows our worker


def test_offline_page_gives_the_clinic_phone_and_is_not_indexed(site):
    soup = site.soup("offline")
    assert soup.select_one(f'article a[href="{CLINIC["phone_href"]}"]').get_text() == CLINIC["phone"]
    assert soup.select_one('meta[name="robots"]')["content"] == "noindex"
    assert "offline.html" not in (site.out / "sitemap.xml").read_text(encoding="utf-8")
    listed = {a.get_text() for a in soup.select(".offline-list li:not([hidden]) a")}
    assert {"Contact us", "Search", "Safety"} <= listed


# -- In the browser: the single-version build ------------------------------------------

@pytest.fixture
def reader(browser):
    context = browser.new_context(service_workers="allow")  # the worker under test
    tab = context.new_page()
    tab.problems = []
    tab.on("pageerror", lambda error: tab.problems.append(str(error)))
    yield context, tab
    context.close()


def loaded_by(site, page: str) -> set[str]:
    """The files a built page loads (scripts, stylesheets, icons, scripts named in data- attributes), as URLs."""
    soup = site.soup(page)
    loaded = soup.select("script[src], link[rel=stylesheet], link[rel$=icon]")
    urls = [tag.get("src") or tag.get("href") for tag in loaded]
    urls += [tag["data-reader"] for tag in soup.select("script[data-reader]")]
    return {urljoin(f"/{page}.html", url) for url in urls}


@pytest.mark.browser
def test_the_first_visit_saves_every_file_the_saved_pages_load(site, site_url, reader):
    context, tab = reader
    tab.goto(f"{site_url}/faq.html")
    wait_until_controlled(tab)
    wanted = set().union(*(loaded_by(site, page) for page in [*ALWAYS, "search", "offline"]))
    assert {"/_static/listen-reader.js", "/section-search-index.js"} & {url.split("?")[0] for url in wanted}
    saved = {urlsplit(url).path + (f"?{urlsplit(url).query}" if urlsplit(url).query else "")
             for url in tab.evaluate("caches.keys().then((n) => caches.open(n[0])).then((c) => c.keys())"
                                     ".then((r) => r.map((q) => q.url))")}
    assert wanted <= saved, f"not saved for offline use: {sorted(wanted - saved)}"


@pytest.mark.browser
def test_opened_pages_home_safety_and_search_work_offline(site, site_url, reader):
    context, tab = reader
    tab.goto(f"{site_url}/{OPENED[0]}.html")
    assert wait_until_controlled(tab) == f"{site_url}/"
    for path in OPENED[1:]:
        tab.goto(f"{site_url}/{path}.html")
    online_results = search(tab, f"{site_url}/search.html?q=bruise+after+needling")
    context.set_offline(True)
    for path in [*OPENED, *ALWAYS]:
        tab.goto(f"{site_url}/{path}.html")
        expected = site.soup(path).select_one("article h1").get_text().rstrip("¶").strip()
        assert heading(tab) == expected, f"{path} did not open offline"
        assert tab.evaluate("getComputedStyle(document.querySelector('.page')).display") == "flex", \
            f"{path} opened offline without its stylesheet"
    assert search(tab, f"{site_url}/search.html?q=bruise+after+needling") == online_results
    assert online_results, "the search found nothing"
    assert not tab.problems


@pytest.mark.browser
def test_a_page_never_opened_shows_the_offline_page(site, site_url, reader):
    context, tab = reader
    tab.goto(f"{site_url}/{OPENED[0]}.html")
    wait_until_controlled(tab)
    context.set_offline(True)
    tab.goto(f"{site_url}/{NEVER_OPENED}.html")
    assert heading(tab) == "You are offline"
    title = site.soup(NEVER_OPENED).select_one("article h1").get_text().rstrip("¶").strip()
    assert f"“{title}” is not saved on this device yet" in tab.locator("#offline-missing").inner_text()
    shown = tab.locator(".offline-list li:visible a").all_inner_texts()
    opened = site.soup(OPENED[0]).select_one("article h1").get_text().rstrip("¶").strip()
    assert opened in shown and "Contact us" in shown and title not in shown
    assert tab.locator(f'article a[href="{CLINIC["phone_href"]}"]').inner_text() == CLINIC["phone"]


@pytest.fixture
def site_copy(site, tmp_path, serve) -> tuple[Path, str]:
    """A served copy of the built site that a test may publish changes into: (folder, base URL)."""
    copy = tmp_path / "site"
    shutil.copytree(site.out, copy)
    return copy, serve(copy)


@pytest.mark.browser
def test_online_pages_come_from_the_network_not_the_saved_copy(site_copy, reader):
    """Network first: an edit published after the first visit is what the reader sees next time."""
    copy, url = site_copy
    context, tab = reader
    tab.goto(f"{url}/topics/safety/aftercare.html")
    wait_until_controlled(tab)
    publish(copy / "topics" / "safety" / "aftercare.html", "<h1>After your session<", "<h1>After your visit<")
    tab.goto(f"{url}/topics/safety/aftercare.html")
    assert heading(tab) == "After your visit"
    context.set_offline(True)
    tab.goto(f"{url}/topics/safety/aftercare.html")
    assert heading(tab) == "After your visit", "the saved copy was not refreshed"


@pytest.mark.browser
def test_a_new_release_replaces_the_old_cache(site_copy, reader):
    copy, url = site_copy
    context, tab = reader
    tab.goto(f"{url}/{OPENED[0]}.html")
    wait_until_controlled(tab)
    [old] = cache_names(tab)
    # Publish a new release over the same address: a changed safety page and a new worker.
    publish(copy / "topics" / "safety" / "side-effects.html", "<h1>Side effects and risks<", "<h1>Side effects (new)<")
    settings = worker_settings(copy)
    new = {**settings, "release": "2099.1", "order": settings["order"] + 1, "build": "new-build"}
    assert json.dumps(settings, separators=(",", ":")) in (copy / "sw.js").read_text(encoding="utf-8")
    publish(copy / "sw.js", json.dumps(settings, separators=(",", ":")), json.dumps(new, separators=(",", ":")))
    tab.goto(f"{url}/index.html")  # the browser checks sw.js on each visit and installs the new one
    [replacement] = wait_for_caches(tab, lambda names: len(names) == 1 and "|2099.1|" in names[0])
    assert replacement != old and "|new-build|" in replacement
    context.set_offline(True)
    tab.goto(f"{url}/topics/safety/side-effects.html")
    assert heading(tab) == "Side effects (new)", "the new release's safety page was not saved"
    tab.goto(f"{url}/{OPENED[0]}.html")
    assert heading(tab) != "You are offline", "a page the reader opened was lost with the old cache"


# -- The versioned site, under the public address's path prefix --------------------------

@pytest.mark.browser
def test_each_version_has_its_own_worker_under_the_path_prefix(versions_site, tmp_path, serve, reader):
    manifest = release_manifest.load(MANIFEST)
    current = next(r for r in manifest.releases if r.name == manifest.current)
    older = manifest.releases[manifest.releases.index(current) - 1]
    prefix = "dry-needling"  # the public address has one (html_baseurl)
    (tmp_path / prefix).symlink_to(versions_site)
    url = serve(tmp_path)
    context, tab = reader
    tab.goto(f"{url}/{prefix}/{older.name}/{OPENED[0]}.html")
    assert wait_until_controlled(tab) == f"{url}/{prefix}/{older.name}/"
    assert any(f"|{older.name}|" in name for name in cache_names(tab))
    tab.goto(f"{url}/{prefix}/{current.name}/{OPENED[1]}.html")
    assert wait_until_controlled(tab) == f"{url}/{prefix}/{current.name}/"
    wait_for_caches(tab, lambda names: not [n for n in names if f"|{older.name}|" in n]
                    and [n for n in names if f"|{current.name}|" in n])
    context.set_offline(True)
    for path in [OPENED[1], *ALWAYS]:
        tab.goto(f"{url}/{prefix}/{current.name}/{path}.html")
        assert heading(tab) != "You are offline", f"{current.name}/{path} did not open offline"
        assert tab.url.startswith(f"{url}/{prefix}/{current.name}/")
    tab.goto(f"{url}/{prefix}/{current.name}/{NEVER_OPENED}.html")
    assert heading(tab) == "You are offline"
    assert tab.url.startswith(f"{url}/{prefix}/{current.name}/offline.html")


# -- Served as deployed ----------------------------------------------------------------

def test_nginx_and_headers_file_serve_the_worker_uncached(site):
    with serve_nginx(site.out) as url:
        response = urllib.request.urlopen(f"{url}/sw.js", timeout=5)
        assert response.headers["Cache-Control"] == "no-cache"
        assert "default-src 'self'" in response.headers["Content-Security-Policy"]
        assert "javascript" in response.headers["Content-Type"]
    rules = (site.out / "_headers").read_text(encoding="utf-8")
    assert re.search(r"^/sw\.js\n  Cache-Control: no-cache$", rules, re.M)
