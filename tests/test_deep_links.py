"""Deep links never break: labelled sections, the anchor lock, redirects, intersphinx and copy-link."""

from __future__ import annotations

import json
import os
import pickle
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from conftest import DOCS, ROOT, site_map, sphinx_build

sys.path.insert(0, str(ROOT / "tools"))
import anchors_lock  # noqa: E402

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


def test_every_locked_link_still_works(site):
    assert anchors_lock.read_lock(anchors_lock.LOCK), "docs/anchors.lock is empty: run `make anchors-lock`"
    broken = anchors_lock.check(site.out)
    assert not broken, anchors_lock.report(broken)


def test_the_lock_lists_every_site_map_page(site):
    locked = set(anchors_lock.read_lock(anchors_lock.LOCK))
    missing = [f"{path}.html" for path in PAGES if f"{path}.html" not in locked]
    assert not missing, f"pages missing from docs/anchors.lock (run `make anchors-lock`): {missing}"


def baseurl() -> str:
    return os.environ.get("SITE_BASEURL", "https://hillstar.ca/dry-needling/").rstrip("/") + "/"


@pytest.fixture(scope="module")
def metadata(site) -> dict[str, dict]:
    """Each page's front matter as the build read it (pages may be edited while tests run)."""
    sys.path.insert(0, str(DOCS / "_ext"))  # our extensions may keep their data in it
    with (site.out / ".doctrees" / "environment.pickle").open("rb") as pickled:
        return pickle.load(pickled).metadata


@pytest.mark.parametrize("path", PAGES)
def test_link_preview_and_structured_data(site, metadata, path):
    soup = site.soup(path)
    description = str(metadata[path]["description"]).strip()
    url = baseurl() + f"{path}.html"
    assert soup.find("meta", attrs={"name": "description"})["content"] == description
    assert soup.find("meta", property="og:description")["content"] == description
    assert soup.find("meta", property="og:url")["content"] == url
    assert soup.find("link", rel="canonical")["href"] == url
    image = soup.find("meta", property="og:image")["content"]
    assert image == baseurl() + "_static/site-preview.png" and (site.out / "_static/site-preview.png").is_file()
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
        assert f"<loc>{baseurl()}{path}.html</loc>" in sitemap, f"{path} missing from sitemap.xml"
    assert "search.html" not in sitemap and "404.html" not in sitemap
    assert f"Sitemap: {baseurl()}sitemap.xml" in (site.out / "robots.txt").read_text()
    not_found = BeautifulSoup((site.out / "404.html").read_text(), "lxml")
    form = not_found.select_one("form.notfound-search")
    assert form is not None and form["action"].endswith("search.html") and form.select_one("input[name=q]")
    assert "Page not found" in not_found.get_text()


def test_intersphinx_client_links_to_our_sections(site, tmp_path):
    published = "https://example.org/dry-needling/"
    env = {**os.environ, "DRY_NEEDLING_URL": published, "DRY_NEEDLING_INVENTORY": str(site.out / "objects.inv")}
    result = subprocess.run(
        [sys.executable, "-m", "sphinx", "-b", "html", "-n", "-W", "--keep-going", "-q",
         str(CLIENT), str(tmp_path / "out")], capture_output=True, text=True, env=env)
    assert result.returncode == 0 and not result.stderr.strip(), result.stderr
    links = {a["href"]: a.get_text() for a in
             BeautifulSoup((tmp_path / "out" / "index.html").read_text(), "lxml").select("a.reference.external")}
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


def build_tiny(where: Path, pages: dict[str, str], redirects: str = "") -> Path:
    src, out = where / "src", where / "out"
    src.mkdir(parents=True)
    (src / "conf.py").write_text(textwrap.dedent(f"""\
        import sys
        sys.path.insert(0, {str(DOCS / '_ext')!r})
        extensions = ["myst_parser", "page_metadata", "section_labels", "redirects"]
        html_static_path = [{str(DOCS / '_static')!r}]
        nitpicky = True
    """))
    (src / "redirects.toml").write_text(redirects)
    for name, text in pages.items():
        (src / f"{name}.md").write_text(FRONT + text)
    result = sphinx_build(src, out, confdir=src)
    assert result.returncode == 0, result.stderr
    return out


def test_removed_id_fails_the_lock_until_it_is_redirected(tmp_path):
    lock = tmp_path / "anchors.lock"
    anchors_lock.update(build_tiny(tmp_path / "before", BEFORE), lock)
    assert "safety.html#safety-blood-thinners" in anchors_lock.read_lock(lock)

    broken = "\n".join(anchors_lock.check(build_tiny(tmp_path / "after", AFTER), lock))
    assert "safety.html#safety-blood-thinners" in broken
    assert "restore the label `(safety-blood-thinners)=`" in broken
    assert '[anchors] "safety#safety-blood-thinners" = "<new-label>"' in broken
    assert "old.html: the page is gone" in broken and '[pages] "old" = "<new/docname>"' in broken
    assert "safety-pregnancy" not in broken

    fixed = build_tiny(tmp_path / "redirected", AFTER, REDIRECTS)
    assert anchors_lock.check(fixed, lock) == []


def test_update_adds_new_ids_and_keeps_old_ones(tmp_path):
    lock = tmp_path / "anchors.lock"
    anchors_lock.update(build_tiny(tmp_path / "before", BEFORE), lock)
    added = anchors_lock.update(build_tiny(tmp_path / "after", AFTER, REDIRECTS), lock)
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
def test_bad_redirects_are_reported_with_file_line_and_fix(tmp_path, redirects, expected):
    src, out = tmp_path / "src", tmp_path / "out"
    src.mkdir()
    (src / "conf.py").write_text(
        f"import sys\nsys.path.insert(0, {str(DOCS / '_ext')!r})\n"
        f'extensions = ["myst_parser", "redirects"]\nhtml_static_path = [{str(DOCS / "_static")!r}]\n')
    (src / "redirects.toml").write_text(redirects)
    for name, text in AFTER.items():
        (src / f"{name}.md").write_text(text)
    result = sphinx_build(src, out, confdir=src)
    assert result.returncode != 0
    for fragment in expected:
        assert fragment in result.stderr, f"{fragment!r} not in:\n{result.stderr}"


# -- In a real browser ------------------------------------------------------------------

@pytest.fixture(scope="module")
def moved_site(tmp_path_factory, serve) -> str:
    return serve(build_tiny(tmp_path_factory.mktemp("moved"), AFTER, REDIRECTS))


@pytest.mark.browser
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


@pytest.mark.browser
def test_browser_follows_a_moved_anchor_within_the_page(page, moved_site):
    page.goto(f"{moved_site}/safety.html")
    page.evaluate("window.location.hash = 'safety-blood-thinners'")
    page.wait_for_url(f"{moved_site}/safety.html#safety-anticoagulants")


COPY_PAGE = "topics/safety/side-effects"


@pytest.mark.browser
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


@pytest.mark.browser
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


@pytest.mark.browser
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
