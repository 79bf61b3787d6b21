"""WCAG 2.2 AA in a real browser: axe-core on every page, light and dark, desktop and phone."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe

from conftest import site_map

PAGES = [path for path, _, _ in site_map()] + ["handouts", "search"]
VIEWPORTS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}
AXE_OPTIONS = {
    "resultTypes": ["violations"],
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]},
}
axe = Axe()


def describe(violations: list[dict]) -> str:
    return "\n".join(
        f"- {v['id']} ({v['impact']}): {v['help']}\n    " + "\n    ".join(n["target"][0] for n in v["nodes"][:5])
        for v in violations
    )


@pytest.fixture(scope="module", params=[(w, s) for w in VIEWPORTS for s in ("light", "dark")],
                ids=lambda p: f"{p[0]}-{p[1]}")
def themed_page(request, browser):
    width, scheme = request.param
    context = browser.new_context(viewport=VIEWPORTS[width], color_scheme=scheme, bypass_csp=True)
    yield context.new_page()
    context.close()


@pytest.mark.parametrize("path", PAGES)
def test_no_axe_violations(site_url, themed_page, path):
    themed_page.goto(f"{site_url}/{path}.html")
    violations = axe.run(themed_page, options=AXE_OPTIONS).response["violations"]
    assert not violations, f"{path}:\n{describe(violations)}"
