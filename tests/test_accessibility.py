"""WCAG 2.2 AA in a real browser: axe-core on every page, light and dark, desktop and phone."""

from __future__ import annotations

import itertools

import pytest
from conftest import VISITED_PAGES, inject_axe, visit_params


def describe(violations: list[dict]) -> str:
    return "\n".join(
        f"- {v['id']} ({v['impact']}): {v['help']}\n    " + "\n    ".join(n["target"][0] for n in v["nodes"][:5])
        for v in violations
    )


# Each page once per viewport and colour scheme (conftest's page_visits; test_privacy reads the same visits).
@pytest.mark.parametrize(("theme", "path"), visit_params())
def test_no_axe_violations(page_visits, theme, path):
    violations = page_visits(theme, path).violations
    assert not violations, f"{path} ({theme}):\n{describe(violations)}"


# Text in every way CSS writes a colour, on plain, see-through and layered backgrounds: most fail.
COLOURS = ["#777", "#7778", "#77777780", "rgb(120 120 120)", "rgba(0, 0, 0, .35)", "hsl(0 0% 55%)",
           "hsl(3.1rad 50% 50%)", "hsl(.3turn 60% 40%)", "hwb(200 40% 30%)", "color(srgb .5 .5 .5)",
           "lab(55 0 0)", "oklch(.6 .1 250)", "currentcolor", "black", "white"]
BACKGROUNDS = ["white", "rgb(0 0 0 / 60%)", "transparent"]
COLOUR_PAGE = "<!doctype html><html lang=en><title>Colours</title><main>" + "".join(
    f'<div style="background: {back}"><p style="color: {colour}">Text {i}-{j}, <a href="#">a link</a>'
    f' <span style="background: rgba(255, 200, 0, .3)">layered</span></p></div>'
    for i, back in enumerate(BACKGROUNDS) for j, colour in enumerate(COLOURS)) + "</main></html>"


def test_axe_parsing_each_colour_once_finds_what_axe_finds(page):
    """conftest parses each colour string once a page (a third of axe's time): every rule's findings,
    node for node and contrast ratio for ratio, are axe-core's own."""
    every_node = {"resultTypes": ["violations", "passes", "incomplete"]}

    def results(parse_colours_once: bool) -> dict:
        page.set_content(COLOUR_PAGE)
        inject_axe(page, parse_colours_once)
        found = page.evaluate("options => axe.run(document, options)", every_node)
        return {kind: found[kind] for kind in ("violations", "passes", "incomplete")}

    alone = results(parse_colours_once=False)
    assert results(parse_colours_once=True) == alone
    failed = sum(len(rule["nodes"]) for rule in alone["violations"] if rule["id"] == "color-contrast")
    assert failed > len(COLOURS), "most of the made-up colours fail"


# The search page is a template without article headings; test_search covers its structure.
@pytest.mark.parametrize("path", [path for path in VISITED_PAGES if path != "search"])
def test_language_images_and_heading_order(site, path):
    soup = site.soup(path)
    assert soup.html.get("lang") == "en"
    for image in soup.select("img"):
        assert image.get("alt") is not None, f"{path}: image without a text alternative: {image.get('src')}"
    levels = [int(h.name[1]) for h in soup.select("article h1, article h2, article h3, article h4, article h5")]
    assert levels and levels[0] == 1 and levels.count(1) == 1, f"{path}: needs exactly one h1, first"
    jumps = [(a, b) for a, b in itertools.pairwise(levels) if b > a + 1]
    assert not jumps, f"{path}: heading levels skip: {jumps}"


def test_skip_link_is_first_and_visible_on_focus(site_url, page):
    page.goto(f"{site_url}/topics/safety/aftercare.html")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.className")
    assert "skip-to-content" in focused
    assert page.locator(".skip-to-content").is_visible()
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#furo-main-content"


def test_focus_is_visible_on_interactive_elements(site_url, page):
    page.goto(f"{site_url}/topics/safety/contraindications.html")
    seen = 0
    for _ in range(40):
        page.keyboard.press("Tab")
        style = page.evaluate("""() => {
            const el = document.activeElement, s = getComputedStyle(el);
            return {tag: el.tagName, outline: s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0,
                    shadow: s.boxShadow !== 'none', visible: !!(el.offsetWidth || el.offsetHeight)};
        }""")
        if style["tag"] == "BODY" or not style["visible"]:
            continue
        seen += 1
        assert style["outline"] or style["shadow"], f"no visible focus indicator on a {style['tag']}"
    assert seen >= 10


@pytest.mark.parametrize("path", ["index", "topics/safety/side-effects", "topics/science/evidence", "faq", "search",
                                  "decide"])
def test_text_at_200_percent_needs_no_horizontal_scroll_on_a_phone(shared_tab, site_url, path):
    # 200% zoom on a 390 px wide phone leaves 195 CSS pixels of layout width.
    tab = shared_tab(viewport={"width": 195, "height": 422}, device_scale_factor=2)
    tab.goto(f"{site_url}/{path}.html")
    overflow = tab.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 1, f"{path}: scrolls sideways by {overflow}px at 200% text size"
