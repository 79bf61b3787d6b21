"""Deep links never break: labelled sections, the anchor lock, redirects, intersphinx and copy-link."""

from __future__ import annotations

import json
import pickle
import re
import tomllib
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from tools import anchors_lock
from tools.shared import DOCS, absolute_url, read_config, site_baseurl, site_map

PAGES = [path for path, _, _ in site_map()]
CLIENT = Path(__file__).parent / "intersphinx_client"


def heading_text(heading) -> str:
    return "".join(heading.find_all(string=True, recursive=False)).strip() or heading.get_text().strip("¶ ")


# -- The real site ---------------------------------------------------------------

@pytest.fixture(scope="module")
def inventory(site) -> list[tuple[str, str, str, str]]:
    return anchors_lock.inventory(site.out)


def test_every_heading_has_a_label_listed_in_objects_inv(site, inventory):
    labels = {uri: display for _, kind, uri, display in inventory if kind == "std:label"}
    unlisted = []
    for path in PAGES:
        for section in site.soup(path).select("article[role=main] section[id]"):
            if f"{path}.html#{section['id']}" not in labels:
                unlisted.append(f"{path}.html#{section['id']}")
    assert not unlisted, f"headings whose id is not a label in objects.inv: {unlisted}"


def test_inventory_names_each_section_by_its_heading(site, inventory):
    """Intersphinx users see the heading text as the link text of a {ref} to one of our labels."""
    wrong = []
    for name, kind, uri, display in inventory:
        page, _, anchor = uri.partition("#")
        if kind != "std:label" or not anchor or page.removesuffix(".html") not in PAGES:
            continue
        section = site.soup(page.removesuffix(".html")).find(id=anchor)
        heading = section.find(["h1", "h2", "h3", "h4", "h5", "h6"]) if section else None
        if heading is None or display != heading.get_text().replace("¶", "").strip():
            wrong.append((name, display))
    assert not wrong, f"labels whose display name is not their heading: {wrong}"


def test_the_build_checks_every_locked_link(site):
    """The site fixture's strict build fails on a locked link that broke (locked_links, tested below)."""
    assert anchors_lock.read_lock(anchors_lock.LOCK), "docs/anchors.lock is empty: run `make anchors-lock`"
    assert "locked_links" in read_config().extensions
    assert "anchors.lock" not in site.warnings


def test_the_lock_lists_every_site_map_page(site):
    locked = set(anchors_lock.read_lock(anchors_lock.LOCK))
    missing = [f"{path}.html" for path in PAGES if f"{path}.html" not in locked]
    assert not missing, f"pages missing from docs/anchors.lock (run `make anchors-lock`): {missing}"


@pytest.fixture(scope="module")
def metadata(site) -> dict[str, dict]:
    """Each page's front matter as the build read it (pages may be edited while tests run)."""
    with (site.out / ".doctrees" / "environment.pickle").open("rb") as pickled:
        return pickle.load(pickled).metadata


@pytest.mark.parametrize("path", PAGES)
def test_link_preview_and_structured_data(site, metadata, path):
    soup = site.soup(path)
    description = str(metadata[path]["description"]).strip()
    url = absolute_url(site_baseurl(), f"{path}.html")
    assert soup.find("meta", attrs={"name": "description"})["content"] == description
    assert soup.find("meta", property="og:description")["content"] == description
    assert soup.find("meta", property="og:url")["content"] == url
    assert soup.find("link", rel="canonical")["href"] == url
    image = soup.find("meta", property="og:image")["content"]
    assert image == absolute_url(site_baseurl(), "_static/site-preview.png")
    assert (site.out / "_static/site-preview.png").is_file()
    assert soup.find("meta", attrs={"name": "twitter:card"})["content"] == "summary_large_image"
    data = [json.loads(tag.string) for tag in soup.find_all("script", type="application/ld+json")]
    page = next(item for item in data if item["@type"] == "MedicalWebPage")
    assert page["url"] == url
    if str(metadata[path]["sign-off"]) == "pending":  # checked against its sources is not reviewed
        assert "lastReviewed" not in page and "reviewedBy" not in page
    else:
        assert page["lastReviewed"] == str(metadata[path]["sign-off"]) and page["reviewedBy"]["name"]
    assert any(item["@type"] == "MedicalClinic" for item in data) == (path == "contact")


def test_clinic_structured_data_on_the_contact_page(site):
    tags = site.soup("contact").find_all("script", type="application/ld+json")
    clinic = next(json.loads(tag.string) for tag in tags if '"MedicalClinic"' in tag.string)
    assert clinic["telephone"] == "+17805391261"
    assert clinic["address"]["postalCode"] == "T8V 3A6" and clinic["address"]["addressRegion"] == "AB"


def test_sitemap_robots_and_404(site):
    sitemap = (site.out / "sitemap.xml").read_text()
    for path in PAGES:
        assert f"<loc>{absolute_url(site_baseurl(), path)}.html</loc>" in sitemap, f"{path} missing from sitemap.xml"
    assert "search.html" not in sitemap and "404.html" not in sitemap
    assert f"Sitemap: {absolute_url(site_baseurl(), 'sitemap.xml')}" in (site.out / "robots.txt").read_text()
    not_found = BeautifulSoup((site.out / "404.html").read_text(), "lxml")
    form = not_found.select_one("form.notfound-search")
    assert form is not None and form["action"].endswith("search.html") and form.select_one("input[name=q]")
    assert "Page not found" in not_found.get_text()


def test_intersphinx_client_links_to_our_sections(site, small_project):
    """Another clinic's handbook (tests/intersphinx_client/index.md) links to our sections."""
    published = "https://example.org/dry-needling/"
    client = small_project({"index": (CLIENT / "index.md").read_text(encoding="utf-8")},
                           ["myst_parser", "sphinx.ext.intersphinx"], project="Another clinic's handbook",
                           intersphinx_mapping={"dryneedling": (published, str(site.out / "objects.inv"))},
                           nitpicky=True, html_theme="basic").build()
    soup = BeautifulSoup(client.html("index"), "lxml")
    links = {a["href"]: a.get_text() for a in soup.select("a.reference.external")}
    expected = {
        "topics/safety/contraindications.html#contraindications": "who should not have dry needling",
        "topics/safety/aftercare.html#aftercare": None,
        "topics/safety/side-effects.html#side-effects-collapsed-lung": None,
        "index.html#home": None,
        "glossary.html#term-Trigger-point": "trigger points",
    }
    for target, text in expected.items():
        assert published + target in links, f"no link to {target} in {sorted(links)}"
        if text:
            assert links[published + target] == text


# -- Tiny projects: the lock and redirects, before and after a change -----------------

FRONT = "---\ndescription: A page.\nreviewed: 2026-11-01\nnext-review: 2027-05-01\n" \
        "reviewer: Registered physiotherapist\nsign-off: pending\n---\n\n"
BEFORE = {
    "index": "(home)=\n# Home\n\n```{toctree}\nsafety\nold\n```\n",
    "safety": "(safety)=\n# Safety\n\n(safety-blood-thinners)=\n## Blood thinners\n\nText.\n\n"
              "(safety-pregnancy)=\n## Pregnancy\n\nText.\n",
    "old": "(old)=\n# A page\n\n(old-section)=\n## A section\n\nText.\n",
}
AFTER = {  # the section label renamed, and the page `old` moved to `new`
    "index": "(home)=\n# Home\n\n```{toctree}\nsafety\nnew\n```\n",
    "safety": BEFORE["safety"].replace("safety-blood-thinners", "safety-anticoagulants"),
    "new": "(new)=\n# A page\n\n(new-section)=\n## A section\n\nText.\n",
}
REDIRECTS = """\
[pages]
"old" = "new"

[anchors]
"safety#safety-blood-thinners" = "safety-anticoagulants"
"old#old" = "new"
"old#old-section" = "new-section"
"""


MOVED = {**AFTER, "new": AFTER["new"] + "\n(safety-pregnancy)=\n## Pregnancy\n\nText.\n",  # a label moved page
         "safety": AFTER["safety"].split("(safety-pregnancy)=")[0]}


@pytest.fixture(scope="module")
def tiny_project(small_project):
    """Pages (with front matter), a redirects file and an anchor lock, not yet built."""

    def create(pages: dict[str, str], redirects: str = "", lock: str = ""):
        return small_project({name: FRONT + text for name, text in pages.items()},
                             ["myst_parser", "page_metadata", "section_labels", "redirects", "locked_links"],
                             files={"redirects.toml": redirects, "anchors.lock": lock},
                             html_static_path=[str(DOCS / "_static")], nitpicky=True)

    return create


@pytest.fixture(scope="module")
def build_tiny(tiny_project):
    """Build pages and a redirects file (no lock); return the built site's folder."""
    return lambda pages, redirects="": tiny_project(pages, redirects).build().out


@pytest.fixture(scope="module")
def lock_of_before(build_tiny, tmp_path_factory) -> str:
    lock = tmp_path_factory.mktemp("lock") / "anchors.lock"
    anchors_lock.update(build_tiny(BEFORE), lock)
    return lock.read_text(encoding="utf-8")


def test_a_renamed_locked_label_fails_the_build_at_its_lock_line(tiny_project, lock_of_before):
    line = lock_of_before.splitlines().index("safety.html#safety-blood-thinners") + 1
    project = tiny_project(AFTER, lock=lock_of_before).build(clean=False)
    warnings = project.warnings
    assert f"anchors.lock:{line}: WARNING: published link safety.html#safety-blood-thinners no longer works" \
        in warnings, warnings
    assert "restore the label `(safety-blood-thinners)=` on the line before its heading in safety.md" in warnings
    assert '[anchors] "safety#safety-blood-thinners" = "<new-label>"' in warnings
    assert "published page old.html is gone" in warnings and '[pages] "old" = "<new/docname>"' in warnings
    assert "safety-pregnancy" not in warnings
    assert tiny_project(AFTER, lock=lock_of_before).build(clean=False, strict=True).app.statuscode == 1  # -W fails


def test_a_label_moved_to_another_page_is_told_its_redirect(tiny_project, lock_of_before):
    warnings = tiny_project(MOVED, REDIRECTS, lock=lock_of_before).build(clean=False).warnings
    assert "published link safety.html#safety-pregnancy no longer works (the label now lives at " \
           "new.html#safety-pregnancy)" in warnings, warnings
    assert '[anchors] "safety#safety-pregnancy" = "safety-pregnancy"' in warnings


def test_redirects_satisfy_the_lock(tiny_project, lock_of_before):
    tiny_project(AFTER, REDIRECTS, lock=lock_of_before).build()  # no warning at all


def test_update_adds_new_ids_and_keeps_old_ones(build_tiny, tmp_path):
    lock = tmp_path / "anchors.lock"
    anchors_lock.update(build_tiny(BEFORE), lock)
    added = anchors_lock.update(build_tiny(AFTER, REDIRECTS), lock)
    assert "safety.html#safety-anticoagulants" in added and "new.html#new-section" in added
    assert "safety.html#safety-blood-thinners" in anchors_lock.read_lock(lock)  # never dropped


@pytest.mark.parametrize(
    ("redirects", "expected"),
    [
        pytest.param('[pages]\n"new" = "safety"\n', ["redirects.toml:2", "still exists"], id="page-still-exists"),
        pytest.param('[pages]\n"gone" = "nowhere"\n', ["redirects.toml:2", "'nowhere' does not exist"],
                     id="missing-target-page"),
        pytest.param('[anchors]\n"safety#safety-old" = "safety-nothing"\n',
                     ["redirects.toml:2", "'safety-nothing' does not exist"], id="missing-target-label"),
        pytest.param('[anchors]\n"safety#safety-pregnancy" = "new"\n', ["redirects.toml:2", "still exists on the page"],
                     id="id-still-exists"),
        pytest.param('[anchors]\n"safety-old" = "new"\n', ["redirects.toml:2", '"page#old-id" = "new-label"'],
                     id="key-without-page"),
    ],
)
def test_bad_redirects_are_reported_with_file_line_and_fix(small_project, redirects, expected):
    warnings = small_project(AFTER, ["myst_parser", "redirects"], files={"redirects.toml": redirects},
                             html_static_path=[str(DOCS / "_static")]).build(clean=False).warnings
    for fragment in expected:
        assert fragment in warnings, f"{fragment!r} not in:\n{warnings}"


# -- In a real browser ------------------------------------------------------------------

@pytest.fixture(scope="module")
def moved_site(build_tiny, serve) -> str:
    return serve(build_tiny(AFTER, REDIRECTS))


@pytest.mark.parametrize(
    ("old", "new"),
    [
        pytest.param("old.html#old-section", "new.html#new-section", id="moved-page-and-anchor"),
        pytest.param("old.html#elsewhere", "new.html#elsewhere", id="moved-page-keeps-fragment"),
        pytest.param("old.html", "new.html", id="moved-page"),
        pytest.param("safety.html#safety-blood-thinners", "safety.html#safety-anticoagulants", id="moved-anchor"),
    ],
)
def test_browser_follows_redirects(page, moved_site, old, new):
    page.goto(f"{moved_site}/{old}")
    page.wait_for_url(f"{moved_site}/{new}")
    if "#" in new and not new.endswith("elsewhere"):
        assert page.locator(f"#{new.split('#')[1]}").count() == 1


def test_browser_follows_a_moved_anchor_within_the_page(page, moved_site):
    page.goto(f"{moved_site}/safety.html")
    page.evaluate("window.location.hash = 'safety-blood-thinners'")
    page.wait_for_url(f"{moved_site}/safety.html#safety-anticoagulants")


REAL_ANCHOR_REDIRECTS = tomllib.loads((DOCS / "redirects.toml").read_text(encoding="utf-8"))["anchors"]


@pytest.mark.parametrize(("old", "new"), REAL_ANCHOR_REDIRECTS.items(), ids=list(REAL_ANCHOR_REDIRECTS))
def test_the_sites_moved_section_ids_open_where_they_went(page, site_url, old, new):
    """A physio's old link to a section that moved or was renamed lands on the section."""
    old_page, old_id = old.split("#")
    new_id = new.split("#")[-1]  # "label", or "docname#id" for another page
    page.goto(f"{site_url}/{old_page}.html#{old_id}")
    page.wait_for_url(re.compile(f"#{re.escape(new_id)}$"))
    if "#" in new:
        assert page.url == f"{site_url}/{new.split('#')[0]}.html#{new_id}"
    assert page.locator(f"#{new_id}").count() == 1


COPY_PAGE = "topics/safety/side-effects"


def test_copy_link_copies_the_section_url(browser, site, site_url):
    context = browser.new_context(permissions=["clipboard-read", "clipboard-write"])
    tab = context.new_page()
    try:
        tab.goto(f"{site_url}/{COPY_PAGE}.html")
        section = tab.locator("article[role=main] section section[id]").first
        section_id = section.get_attribute("id")
        heading = section.locator(":scope > h2")
        button = heading.locator("button.copy-link")
        assert button.get_attribute("aria-label").startswith("Copy link to this section")
        assert button.evaluate("b => getComputedStyle(b).opacity") == "0"
        heading.hover()
        tab.wait_for_function("b => getComputedStyle(b).opacity === '1'", arg=button.element_handle())
        button.click()
        status = tab.locator(".copy-link-status[role=status]")
        status.filter(has_text="Link copied").wait_for(state="attached")
        assert tab.evaluate("navigator.clipboard.readText()") == f"{site_url}/{COPY_PAGE}.html#{section_id}"
        assert button.locator(".copy-link-done").is_visible()
    finally:
        context.close()


def test_copy_link_shows_on_keyboard_focus(page, site, site_url):
    page.goto(f"{site_url}/{COPY_PAGE}.html")
    buttons = page.locator("button.copy-link")
    headings = page.locator("article[role=main] section > :is(h2, h3, h4, h5, h6)")
    assert buttons.count() == headings.count() > 1, "every section heading needs a copy-link button"
    assert page.locator("article[role=main] h1 button.copy-link").count() == 0, "page titles have none"
    buttons.first.focus()
    page.keyboard.press("Tab")
    page.keyboard.press("Shift+Tab")  # focus by keyboard, so :focus-visible applies
    page.wait_for_function("b => getComputedStyle(b).opacity === '1'", arg=buttons.first.element_handle())


def test_copy_link_is_always_visible_on_touch_screens(browser, site, site_url):
    context = browser.new_context(has_touch=True, is_mobile=True, viewport={"width": 390, "height": 844})
    tab = context.new_page()
    try:
        tab.goto(f"{site_url}/{COPY_PAGE}.html")
        assert tab.evaluate("matchMedia('(hover: none)').matches"), "the phone emulation has hover"
        button = tab.locator("button.copy-link").nth(1)
        assert button.evaluate("b => getComputedStyle(b).opacity") == "1"
        assert button.bounding_box()["height"] >= 44 and button.bounding_box()["width"] >= 44
    finally:
        context.close()
