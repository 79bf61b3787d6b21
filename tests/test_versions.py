"""The versioned site: manifest, `make versions` tree and cache, switcher, banner, per-page history."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path
from urllib.parse import quote

import pytest
from bs4 import BeautifulSoup
from conftest import run_builder  # with the versions_site fixture, shared with test_offline
from playwright.sync_api import expect

import versions
from tools import release_manifest
from tools.page_weight import page_assets
from tools.shared import MANIFEST, ROOT

DEEP_PAGE = "topics/safety/aftercare"


@pytest.fixture(scope="session")
def manifest() -> release_manifest.Manifest:
    return release_manifest.load(MANIFEST)


@pytest.fixture(scope="session")
def listing(versions_site) -> dict:
    return json.loads((versions_site / "versions.json").read_text(encoding="utf-8"))


def soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "lxml")


def git(*args: str) -> str:
    """A git command's output; a failure fails the test with git's message (never an empty answer)."""
    result = subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, check=False)
    assert result.returncode == 0, f"git {' '.join(args)}: exit {result.returncode}: {result.stderr}"
    return result.stdout


def older_and_current(manifest) -> tuple[release_manifest.Release, release_manifest.Release]:
    current = next(r for r in manifest.releases if r.name == manifest.current)
    older = next(r for r in reversed(manifest.releases) if r.date <= current.date and r.name != current.name)
    return older, current


# -- The manifest -------------------------------------------------------------

def test_every_commit_in_the_manifest_exists(manifest):
    missing = [f"{r.name}: {r.commit}" for r in manifest.releases
               if release_manifest.resolve_commit(ROOT, r.commit) is None]
    assert not missing, f"commits named in {MANIFEST} but not in this clone: {missing}"


def test_manifest_has_two_releases_and_a_current_one(manifest):
    assert len(manifest.releases) >= 2
    assert manifest.current in [r.name for r in manifest.releases]


@pytest.mark.parametrize("body, line, message", [
    ('current = "9.9"\n[[release]]\nname = "1.0"\ncommit = "3d0057e"\ndate = 2026-11-27\nsummary = "x"\n',
     1, "is not one of the releases"),
    ('current = "1.0"\n[[release]]\nname = "1.0"\ncommit = "3d0057e"\ndate = "2026-11-27"\nsummary = "x"\n',
     5, "bare TOML date"),
    ('current = "1.0"\n[[release]]\nname = "1.0"\ncommit = "main"\ndate = 2026-11-27\nsummary = "x"\n',
     4, "is not a git commit id"),
    ('current = "1.0"\n[[release]]\nname = "1.0"\ncommit = "3d0057e"\ndate = 2026-11-27\n',
     3, "lacks summary"),
    ('current = "dev"\n[[release]]\nname = "dev"\ncommit = "3d0057e"\ndate = 2026-11-27\nsummary = "x"\n',
     3, "not allowed"),
])
def test_bad_manifest_says_where_and_how_to_fix(tmp_path, body, line, message):
    path = tmp_path / "versions.toml"
    path.write_text(body, encoding="utf-8")
    with pytest.raises(release_manifest.ManifestError) as error:
        release_manifest.load(path)
    assert error.value.line == line and message in error.value.message


def test_builder_rejects_a_commit_this_clone_lacks(tmp_path):
    path = tmp_path / "versions.toml"
    path.write_text('current = "1.0"\n[[release]]\nname = "1.0"\ncommit = "0000000deadbeef"\n'
                    'date = 2026-11-27\nsummary = "x"\n', encoding="utf-8")
    result = run_builder(tmp_path / "site", tmp_path / "cache", "--manifest", str(path))
    assert result.returncode == 2, f"exit {result.returncode}:\n{result.stdout}\n{result.stderr}"
    assert "0000000deadbeef is not in this clone" in result.stderr and "git fetch" in result.stderr


# -- The tree that `make versions` produces --------------------------------------

def test_tree_has_every_version_latest_and_versions_json(versions_site, listing, manifest):
    names = {"dev", *(r.name for r in manifest.releases)}
    assert {v["name"] for v in listing["versions"]} == names
    assert listing["current"] == manifest.current
    for name in names | {"latest"}:
        assert (versions_site / name / "index.html").exists(), name
        assert (versions_site / name / "search.html").exists(), f"{name} has no search page of its own"
    redirect = (versions_site / "index.html").read_text(encoding="utf-8")
    assert f'url={manifest.current}/index.html"' in redirect
    current_pages = (versions_site / manifest.current / f"{DEEP_PAGE}.html").read_bytes()
    assert (versions_site / "latest" / f"{DEEP_PAGE}.html").read_bytes() == current_pages


def test_versions_json_lists_the_pages_each_version_has(versions_site, listing):
    for version in listing["versions"]:
        on_disk = sorted(str(p.relative_to(versions_site / version["name"]).with_suffix(""))
                         for p in (versions_site / version["name"]).rglob("*.html")
                         if not p.relative_to(versions_site / version["name"]).parts[0].startswith("_"))
        assert version["pages"] == on_disk, version["name"]


def test_each_release_is_built_from_its_own_commit(versions_site, manifest):
    """A release's page text is its commit's text, not today's (the glossary did not exist at first)."""
    for release in manifest.releases:
        source = git("show", f"{release.commit}:docs/{DEEP_PAGE}.md")
        title = re.search(r"^# (.+)$", source, re.M).group(1)
        built = soup(versions_site / release.name / f"{DEEP_PAGE}.html")
        assert built.select_one("article h1").get_text().strip("¶ ") == title
        assert built.select_one(".version-switcher")["data-version"] == release.name


def test_each_release_cites_from_its_own_bibliography(versions_site, versions_cache, manifest):
    """An old release is built with its own references.bib: every citation has its author-year label,
    and the build found every key (its warnings are kept in the cache)."""
    for release in manifest.releases:
        text = soup(versions_site / release.name / "topics/safety/side-effects.html").select_one("article").get_text()
        assert "[]" not in text, f"{release.name}: a citation without its label"
        assert re.search(r"\[[A-Z][a-z]+ et al\., 20\d\d\]", text), f"{release.name}: no author-year citation"
        logs = [(folder / "warnings.log").read_text(encoding="utf-8")
                for folder in versions_cache.glob(f"{release.name}-*") if (folder / "warnings.log").exists()]
        assert logs, f"{release.name}: no build log in the cache"
        assert not [line for log in logs for line in log.splitlines() if "bibtex" in line], release.name


def test_second_build_with_nothing_changed_comes_from_the_cache(versions_cache, tmp_path, manifest):
    # Back to back, so that edits others make to this tree while tests run rarely fall in between.
    first = run_builder(tmp_path / "first", versions_cache)
    assert first.returncode == 0, f"exit {first.returncode}:\n{first.stdout}\n{first.stderr}"
    result = run_builder(tmp_path / "site", versions_cache)
    assert result.returncode == 0, f"exit {result.returncode}:\n{result.stdout}\n{result.stderr}"
    for name in [r.name for r in manifest.releases]:
        assert re.search(rf"^  {re.escape(name)}\s+cached ", result.stdout, re.M), result.stdout
    # dev is the working tree: only an edit to docs/ made while the tests ran may rebuild it.
    assert re.search(r"^  dev\s+(cached |to build \(changed: content\))", result.stdout, re.M), result.stdout


# -- Banner, page history and changelog (build time) -----------------------------

def test_banners(versions_site, manifest):
    older, current = older_and_current(manifest)
    assert soup(versions_site / current.name / f"{DEEP_PAGE}.html").select_one(".version-banner") is None
    old = soup(versions_site / older.name / f"{DEEP_PAGE}.html").select_one(".version-banner")
    day = f"{older.date.day} {older.date:%B %Y}"
    assert f"You are reading the {day} version of this page." in old.get_text(" ", strip=True)
    assert old.select_one("a.version-banner-current")["href"] == f"../../../latest/{DEEP_PAGE}.html"
    assert older.summary in old.get_text(" ", strip=True)
    dev = soup(versions_site / "dev" / f"{DEEP_PAGE}.html").select_one(".version-banner")
    assert "unreleased" in dev.get_text()


def test_plain_build_is_the_unreleased_development_version(site):
    banner = site.soup(DEEP_PAGE).select_one(".version-banner-dev")
    assert banner is not None and "unreleased" in banner.get_text()
    assert "dev (unreleased)" in site.soup(DEEP_PAGE).select_one(".version-switcher").get_text()


def _changed(a: str | None, b: str, path: str) -> bool:
    if a is None:
        return True
    return git("diff", "--name-only", a, b, "--", path).strip() != ""


def has_file(commit: str, path: str) -> bool:
    return git("ls-tree", "--name-only", commit, "--", path).strip() == path


def test_page_history_names_the_last_release_that_changed_each_page(versions_site, manifest):
    """Checked against `git diff` page by page, independently of the builder's own computation."""
    for index, release in enumerate(manifest.releases):
        for html_file in sorted((versions_site / release.name).rglob("*.html")):
            page = str(html_file.relative_to(versions_site / release.name).with_suffix(""))
            line = soup(html_file).select_one(".page-history")
            source = f"docs/{page}.md"
            if not has_file(release.commit, source):
                assert line is None, f"{release.name}/{page} is not a page but claims a history"
                continue
            named = re.search(r"Last changed in release (\S+) \(", line.get_text()).group(1)
            position = [r.name for r in manifest.releases].index(named)
            assert position <= index, f"{release.name}/{page} names a later release {named}"
            previous = manifest.releases[position - 1].commit if position else None
            assert _changed(previous, manifest.releases[position].commit, source), f"{page} did not change in {named}"
            for later in manifest.releases[position + 1: index + 1]:
                before = manifest.releases[manifest.releases.index(later) - 1].commit
                assert not _changed(before, later.commit, source), f"{page} also changed in {later.name}"


def test_changelog_lists_the_releases_up_to_each_version(versions_site, manifest):
    for index, release in enumerate(manifest.releases):
        source = git("show", f"{release.commit}:docs/changelog.md")  # fails the test if git cannot
        if "{release-list}" not in source:
            continue  # this release's changelog predates the release list: it shows its own text
        items = soup(versions_site / release.name / "changelog.html").select(".release-list > li")
        expected = [r.name for r in reversed(manifest.releases[: index + 1])]
        assert [li.strong.get_text() for li in items] == expected
    dev_items = soup(versions_site / "dev" / "changelog.html").select(".release-list > li")
    assert [li.strong.get_text() for li in dev_items] == [r.name for r in reversed(manifest.releases)]


# -- In the browser -------------------------------------------------------------

@pytest.fixture(scope="session")
def versions_url(versions_site, serve) -> str:
    return serve(versions_site)


def open_switcher(page) -> None:
    """Open the version menu and wait until versions.json has filled it."""
    if page.locator(".version-switcher").get_attribute("open") is None:
        page.locator(".version-switcher summary").click()
    page.wait_for_selector(".version-switcher-list a[aria-current]", state="attached")


def switch_to(page, name: str) -> None:
    open_switcher(page)
    page.locator(".version-switcher-list a", has_text=re.compile(rf"^{re.escape(name)}( |$)")).click()


def test_switch_from_a_deep_page_lands_on_the_same_page_then_search_that_version(page, versions_url, manifest):
    older, current = older_and_current(manifest)
    page.goto(f"{versions_url}/{current.name}/{DEEP_PAGE}.html")
    switch_to(page, older.name)
    page.wait_for_url(f"{versions_url}/{older.name}/{DEEP_PAGE}.html")
    banner = page.locator(".version-banner")
    assert "version of this page" in banner.inner_text()
    # versions.js points the link at the current release once versions.json arrives: wait for it.
    expect(page.locator(".version-banner a.version-banner-current")).to_have_attribute(
        "href", f"../../../{current.name}/{DEEP_PAGE}.html")
    page.fill(".sidebar-search", "needle")
    page.press(".sidebar-search", "Enter")
    page.wait_for_url(re.compile(rf"{re.escape(versions_url)}/{re.escape(older.name)}/search\.html\?q=needle"))
    first = page.locator("#search-results a").first
    first.wait_for()
    assert first.evaluate("a => a.href").startswith(f"{versions_url}/{older.name}/")


@pytest.mark.parametrize("which", ["current", "dev"])
def test_current_and_dev_pages_list_every_version_without_fetching_it(page, versions_url, manifest, which):
    """Rebuilt at every release, they are built knowing every version: the list is in the page, and
    neither versions.json nor versions.js is fetched, even when the switcher opens."""
    name = older_and_current(manifest)[1].name if which == "current" else "dev"
    fetched = []
    page.on("request", lambda request: fetched.append(request.url)
            if re.search(r"/versions\.(json|js)\b", request.url) else None)
    # "load" first: networkidle alone can come before the page's scripts ran, and so pass for nothing.
    page.goto(f"{versions_url}/{name}/{DEEP_PAGE}.html", wait_until="load")
    open_switcher(page)
    page.locator(".version-switcher summary").hover()
    page.wait_for_load_state("networkidle")
    assert fetched == [], f"a {which} page fetched {fetched}"
    links = page.locator(".version-switcher-list a")
    assert links.count() == len(manifest.releases) + 2  # dev, every release, "All versions"


def test_build_time_links_encode_a_missing_page_as_versions_js_does():
    """A page missing from a version is named in ?missing= as encodeURIComponent writes it (slashes too)."""
    info = {"name": "dev", "switcher": [
        {"name": "dev", "date": None, "current": False, "pages": ["index", "topics/a"]},
        {"name": "1.0", "date": "2026-11-27", "current": True, "pages": ["index"]}]}
    assert [(link["label"], link["path"], link["missing"], link["here"]) for link in
            versions.switcher_links(info, "topics/a")] == [
        ("dev (unreleased)", "dev/topics/a.html", False, True),
        ("1.0 · 27 November 2026 (current)", "1.0/index.html?missing=topics%2Fa", True, False)]
    assert versions.switcher_links({"name": "1.0"}, "index") is None  # an older release: versions.js


def test_switching_from_a_section_keeps_it(page, versions_url, manifest):
    """From the current release's list (written at build time) to the same section of an older release."""
    older, current = older_and_current(manifest)
    page.goto(f"{versions_url}/{current.name}/{DEEP_PAGE}.html")
    section = page.locator("article section section[id]").first.get_attribute("id")
    page.goto(f"{versions_url}/{current.name}/{DEEP_PAGE}.html#{section}")
    switch_to(page, older.name)
    page.wait_for_url(f"{versions_url}/{older.name}/{DEEP_PAGE}.html#{section}")


def test_the_list_written_at_build_time_is_the_one_versions_js_writes(page, versions_url, manifest):
    """The same versions, labels, order and targets, from the current page's HTML and from an older
    release's versions.js reading versions.json (the decision guide is in dev only)."""
    older, current = older_and_current(manifest)

    def listed(version: str, path: str) -> list[tuple[str, str]]:
        page.goto(f"{versions_url}/{version}/{path}.html")
        open_switcher(page)
        return page.eval_on_selector_all(".version-switcher-list li", r"""items => items.map(li => [
            li.textContent.replace(/\s+/g, " ").trim(), new URL(li.querySelector("a").href).pathname +
            new URL(li.querySelector("a").href).search])""")

    built, scripted = listed(current.name, DEEP_PAGE), listed(older.name, DEEP_PAGE)
    assert built[:-1] == scripted, "the build-time list (less its All versions link) differs from versions.js's"
    assert built[-1][0] == "All versions"
    guide = listed("dev", "decide")
    for text, target in guide[1:-1]:  # every release: the guide is not in it
        assert text.endswith("(home page: this page is not in that version)") and target.endswith(
            "/index.html?missing=decide"), (text, target)


def test_page_weight_counts_versions_json_where_a_page_fetches_it_as_it_opens(versions_site, manifest):
    older, current = older_and_current(manifest)
    listing = versions_site / "versions.json"
    loads = {name: page_assets(versions_site, versions_site / name / f"{DEEP_PAGE}.html")
             for name in (older.name, current.name, "dev")}
    assert listing in loads[older.name]
    assert listing not in loads[current.name] and listing not in loads["dev"]


def test_switcher_is_keyboard_operable(page, versions_url, manifest):
    older, current = older_and_current(manifest)
    page.goto(f"{versions_url}/{current.name}/{DEEP_PAGE}.html")
    page.focus(".version-switcher summary")
    page.keyboard.press("Enter")
    assert page.locator(".version-switcher").get_attribute("open") is not None
    page.wait_for_selector(".version-switcher-list a[aria-current]", state="attached")
    for _ in range(10):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.textContent").startswith(older.name + " "):
            break
    page.keyboard.press("Enter")
    page.wait_for_url(f"{versions_url}/{older.name}/{DEEP_PAGE}.html")


def test_switcher_works_on_a_phone(browser, versions_url, manifest):
    older, current = older_and_current(manifest)
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    phone = context.new_page()
    phone.goto(f"{versions_url}/{current.name}/{DEEP_PAGE}.html")
    summary = phone.locator(".version-switcher summary")
    expect(summary).not_to_be_in_viewport()  # inside the closed navigation drawer
    phone.locator("label.nav-overlay-icon").click()
    expect(summary).to_be_in_viewport()
    switch_to(phone, older.name)
    phone.wait_for_url(f"{versions_url}/{older.name}/{DEEP_PAGE}.html")
    context.close()


def test_without_javascript_the_switcher_keeps_plain_links(shared_tab, versions_url, manifest):
    tab = shared_tab(java_script_enabled=False)
    tab.goto(f"{versions_url}/dev/{DEEP_PAGE}.html")
    tab.locator(".version-switcher summary").click()
    tab.get_by_role("link", name="All versions").click()
    tab.wait_for_url(f"{versions_url}/versions.html")
    for release in manifest.releases:
        assert tab.get_by_role("link", name=release.name, exact=True).count() == 1


@pytest.fixture
def site_copy(versions_site, tmp_path, serve):
    """A private copy to edit (hard links would share edits, so copy)."""
    copy = tmp_path / "site"
    shutil.copytree(versions_site, copy)
    return copy


def switch_to_a_version_without_the_page(page, url: str, path: str, version: str) -> None:
    """From `path` to `version`, which lacks it: the switcher says so, and that version's home page why."""
    page.goto(url)
    open_switcher(page)
    item = page.locator(".version-switcher-list li", has_text=re.compile(rf"^{re.escape(version)} "))
    assert "this page is not in that version" in item.text_content()
    switch_to(page, version)
    page.wait_for_url(re.compile(rf"/{re.escape(version)}/index\.html\?missing={re.escape(quote(path, safe=''))}$"))
    note = page.locator(".version-missing-note").inner_text()
    assert path in note and f"does not exist in the {version} version" in note


def test_a_page_missing_from_a_version_goes_to_its_home_page_and_says_why(page, versions_url, manifest):
    """The decision guide is in dev only: its switcher (written at build time) sends a reader to each
    release's home page, which says why."""
    older = older_and_current(manifest)[0]
    switch_to_a_version_without_the_page(page, f"{versions_url}/dev/decide.html", "decide", older.name)


def test_an_older_release_reads_which_pages_each_version_has_from_versions_json(page, site_copy, serve,
                                                                                 manifest):
    older, current = older_and_current(manifest)
    # Make the deep page absent from the current version, as a page removed after that release would be.
    listing_path = site_copy / "versions.json"
    listing = json.loads(listing_path.read_text(encoding="utf-8"))
    for version in listing["versions"]:
        if version["name"] == current.name:
            version["pages"].remove(DEEP_PAGE)
    listing_path.write_text(json.dumps(listing), encoding="utf-8")
    switch_to_a_version_without_the_page(page, f"{serve(site_copy)}/{older.name}/{DEEP_PAGE}.html", DEEP_PAGE,
                                         current.name)


def test_a_new_release_appears_in_every_other_version_without_rebuilding_it(page, site_copy, serve, manifest):
    older, current = older_and_current(manifest)
    before = {p: p.read_bytes() for p in (site_copy / older.name).rglob("*.html")}
    listing_path = site_copy / "versions.json"
    listing = json.loads(listing_path.read_text(encoding="utf-8"))
    pages = next(v["pages"] for v in listing["versions"] if v["name"] == current.name)
    for version in listing["versions"]:
        version["current"] = False
    listing["versions"].insert(1, {"name": "2099.1", "date": "2099-01-15", "summary": "A test release.",
                                   "current": True, "order": 99, "pages": pages})
    listing["current"] = "2099.1"
    listing_path.write_text(json.dumps(listing), encoding="utf-8")  # what publishing a release changes
    url = serve(site_copy)
    page.goto(f"{url}/{older.name}/{DEEP_PAGE}.html")
    page.wait_for_selector(".version-switcher-list a[aria-current]", state="attached")
    assert page.locator(".version-switcher-list a", has_text="2099.1").text_content().endswith("(current)")
    assert "2099.1 (15 January 2099): A test release." in page.locator(".version-banner").inner_text()
    assert before == {p: p.read_bytes() for p in (site_copy / older.name).rglob("*.html")}
