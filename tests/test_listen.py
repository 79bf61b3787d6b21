"""'Listen to this page': what it reads, in what order, and its controls, with the speech API stubbed."""

from __future__ import annotations

import re

import pytest
from bs4 import BeautifulSoup
from playwright.sync_api import expect

from tools.shared import site_map

PAGE = "topics/safety/aftercare"  # has "For clinicians" boxes
CONTENT_PAGES = [path for path, _, _ in site_map()] + ["handouts"]

# A stand-in for the browser's speech synthesis that records what it is asked to say. While
# `__hold` is set, an utterance does not end, so the test can pause and stop mid-sentence.
SPEECH_STUB = """
window.__spoken = []; window.__calls = []; window.__hold = false;
window.SpeechSynthesisUtterance = class { constructor(text) { this.text = text; } };
const voices = [{ name: "Network voice", lang: "en-US", localService: false },
                { name: "Device voice", lang: "en-CA", localService: true }];
Object.defineProperty(window, "speechSynthesis", { configurable: true, value: {
  getVoices: () => voices,
  speak(utterance) {
    const reading = document.querySelector(".listen-current");
    window.__spoken.push({ text: utterance.text, voice: utterance.voice && utterance.voice.name,
                           section: reading && reading.id });
    this.last = utterance;
    if (!window.__hold) setTimeout(() => utterance.onend && utterance.onend(), 0);
  },
  pause() { window.__calls.push("pause"); },
  resume() { window.__calls.push("resume"); },
  cancel() { window.__calls.push("cancel"); },
}});
"""


def normal(text: str) -> str:
    return re.sub(r" ([.,;:])", r"\1", re.sub(r"\s+", " ", text)).strip()


def patient_paragraphs(html: str) -> list[tuple[str, str]]:
    """(section id, text) of every patient paragraph, in page order, as a reader sees it."""
    article = BeautifulSoup(html, "lxml").select_one("article")  # a copy: the site's soup is shared
    for skipped in article.select(".bibtex-citation, .headerlink, .page-meta, .version-banner, .page-history, "
                                  "details.for-clinicians, section[id$='-related'], .page-feedback"):
        skipped.decompose()
    return [(p.find_parent("section")["id"], normal(p.get_text())) for p in article.select("section p")
            if normal(p.get_text())]


def clinician_text(soup) -> list[str]:
    return [normal(p.get_text()) for p in soup.select("details.for-clinicians .dropdown-body p")]


@pytest.fixture
def speaking_page(browser):
    context = browser.new_context()
    context.add_init_script(SPEECH_STUB)
    tab = context.new_page()
    yield tab
    context.close()


def listen_to_the_end(tab) -> list[dict]:
    tab.get_by_role("button", name="Listen to this page").click()
    tab.wait_for_function("() => window.__spoken.length > 0")  # the reading code has loaded and started
    tab.get_by_role("button", name="Stop reading").wait_for(state="hidden")  # finished: Stop hides again
    return tab.evaluate("window.__spoken")


@pytest.mark.browser
def test_reads_title_then_patient_text_in_order_and_skips_closed_clinician_boxes(site, site_url, speaking_page):
    speaking_page.goto(f"{site_url}/{PAGE}.html")
    spoken = listen_to_the_end(speaking_page)
    soup = site.soup(PAGE)
    title = normal(soup.select_one("article h1").get_text()).rstrip("¶").strip()
    assert spoken[0]["text"] == title and spoken[0]["section"] == soup.select_one("article section")["id"]
    lines = [s["text"] for s in spoken]
    where = 0
    for section, paragraph in patient_paragraphs(site.html(PAGE)):
        assert paragraph in lines[where:], f"not read, or read out of order: {paragraph!r}"
        where = lines.index(paragraph, where)
        assert spoken[where]["section"] == section, f"{paragraph!r} read while another section was shown"
    headings = [normal(h.get_text()).rstrip("¶").strip() for h in soup.select("article section > h2")
                if not h.parent["id"].endswith("-related")]
    assert [line for line in lines if line in headings] == headings
    said = " ".join(lines)
    for text in clinician_text(soup):
        assert text[:40] not in said, "a closed 'For clinicians' box was read"
    assert "Related pages" not in lines and not any("[" in line for line in lines), "citations or links read"
    assert {s["voice"] for s in spoken} == {"Device voice"}, "the device's own voice is preferred"


@pytest.mark.browser
def test_reads_a_clinician_box_once_opened(site, site_url, speaking_page):
    speaking_page.goto(f"{site_url}/{PAGE}.html")
    speaking_page.locator("details.for-clinicians summary").first.click()
    said = " ".join(s["text"] for s in listen_to_the_end(speaking_page))
    first_box = site.soup(PAGE).select_one("details.for-clinicians .dropdown-body p")
    assert normal(first_box.get_text())[:40] in said


@pytest.mark.browser
def test_pause_resume_and_stop_and_shows_the_section_being_read(site_url, speaking_page):
    speaking_page.goto(f"{site_url}/{PAGE}.html")
    speaking_page.evaluate("window.__hold = true")
    listen = speaking_page.get_by_role("button", name="Listen to this page")
    assert listen.get_attribute("aria-describedby") == "listen-status"
    listen.focus()
    speaking_page.keyboard.press("Enter")  # keyboard works as a click
    pause = speaking_page.get_by_role("button", name="Pause reading")
    expect(speaking_page.locator("#listen-status")).to_contain_text("Reading: After your session")
    assert speaking_page.locator("article section.listen-current").count() == 1
    pause.click()
    speaking_page.get_by_role("button", name="Resume reading").click()
    speaking_page.get_by_role("button", name="Stop reading").click()
    assert speaking_page.evaluate("window.__calls").count("pause") == 1
    assert "resume" in speaking_page.evaluate("window.__calls")
    assert speaking_page.evaluate("window.__calls")[-1] == "cancel"
    assert speaking_page.get_by_role("button", name="Stop reading").is_hidden()
    assert speaking_page.locator(".listen-current").count() == 0
    assert speaking_page.evaluate("document.activeElement.textContent") == "Listen to this page"


@pytest.mark.browser
def test_hidden_where_the_browser_cannot_speak(browser, site_url):
    context = browser.new_context()
    context.add_init_script("delete window.speechSynthesis; delete Window.prototype.speechSynthesis;")
    tab = context.new_page()
    tab.goto(f"{site_url}/{PAGE}.html")
    tab.wait_for_load_state("load")
    assert tab.evaluate("'speechSynthesis' in window") is False
    assert tab.locator(".listen").count() == 0
    context.close()


@pytest.mark.parametrize("path", CONTENT_PAGES)
def test_every_content_page_loads_the_listen_script(site, path):
    scripts = [s.get("src", "") for s in site.soup(path).select("script[src]")]
    assert any("_static/listen.js" in src for src in scripts), f"{path} has no listen button"


def test_pages_without_content_do_not_load_it(site):
    assert not [s for s in site.soup("search").select("script[src]") if "listen.js" in s["src"]]


@pytest.mark.browser
def test_the_reading_code_loads_only_when_pressed(site_url, speaking_page):
    requested = []
    speaking_page.on("request", lambda request: requested.append(request.url))
    # "load" first: networkidle alone can come before the page's scripts ran, and so pass for nothing.
    speaking_page.goto(f"{site_url}/{PAGE}.html", wait_until="load")
    speaking_page.wait_for_load_state("networkidle")
    assert not [url for url in requested if "listen-reader.js" in url]
    listen_to_the_end(speaking_page)
    assert [url for url in requested if "listen-reader.js?v=" in url]
