"""The decision guide (decide.html) in a real browser: research for the chosen problem, a summary of
exactly the answers given, a printed sheet of at most two pages, nothing sent or stored unless asked,
and every question on the page without JavaScript. Build checks for the `question` directive too."""

from __future__ import annotations

import re
import tomllib

import pytest
from bs4 import BeautifulSoup
from conftest import VIEWPORTS, axe_violations, printed_pages, recording
from playwright.sync_api import expect
from test_accessibility import describe

from tools import shared

PAGE = "decide"
CLINIC = shared.read_config(html_context={}).html_context["clinic"]
LONG_ANSWER = "Exercises for six weeks, which helped a little.\nMassage twice.\nIbuprofen on bad days."


def clean(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def control(name: str, value: str) -> str:
    """The selector of one choice: controls are named by question and valued by choice."""
    return f'input[name="{name}"][value="{value}"]'


def tick(tab, selectors: list[str]) -> None:
    """Tick every control the selectors find by clicking its label in the page, as a reader taps the
    words, all in one call: one Playwright action per choice took four fifths of a test's time, and
    waited for Furo's smooth scrolling to each (3 s for the box at the end of an answered guide).
    Each selector must find a control, and each must end ticked."""
    unticked = tab.evaluate("""selectors => selectors.filter(selector => {
        const inputs = [...document.querySelectorAll(selector)];
        for (const input of inputs) if (!input.checked) input.closest('label').click();
        return !inputs.length || inputs.some(input => !input.checked);
    })""", selectors)
    assert not unticked, f"clicking their labels left these unticked: {unticked}"


def questions(site) -> list:
    return site.soup(PAGE).select(".decide-question")


def answer_every_question(tab, site, pick=1) -> list[tuple[str, list[str]]]:
    """Answer every question on the page; returns the expected (question, answers) pairs in order.

    Radios take their `pick`-th choice, every other checkbox is ticked, each rated item takes a
    rotating answer and each text box gets a few lines."""
    expected, picked = [], []
    for question in questions(site):
        kind = next(c for c in question["class"] if c != "decide-question").removeprefix("decide-")
        if kind == "text":
            box = question.select_one("textarea")
            tab.fill(f"#{box['id']}", LONG_ANSWER)
            expected.append((clean(question.select_one("label").get_text()), [clean(LONG_ANSWER)]))
        elif kind == "rate":
            for number, item in enumerate(question.select(".decide-item")):
                labels = item.select("label")
                chosen = labels[(number + pick) % len(labels)]
                picked.append(chosen)
                expected.append((clean(item.legend.get_text()), [clean(chosen.get_text())]))
        else:
            labels = question.select("label")
            chosen = [labels[pick % len(labels)]] if kind == "radio" else labels[::2]
            picked += chosen
            title = question.get("data-summary") or clean(question.legend.get_text())
            expected.append((title, [clean(label.get_text()) for label in chosen]))
    tick(tab, [control(label.input["name"], label.input["value"]) for label in picked])
    return expected


def summary_pairs(tab) -> list[tuple[str, list[str]]]:
    """(question, answers) as the summary sheet shows them, in order."""
    return [(question, answers) for question, answers in tab.evaluate("""() =>
        [...document.querySelectorAll('#decide-sheet dt')].map(dt => [
            dt.textContent.replace(/\\s+/g, ' ').trim(),
            dt.nextElementSibling.querySelector('li')
              ? [...dt.nextElementSibling.querySelectorAll('li')].map(li => li.textContent.replace(/\\s+/g, ' ').trim())
              : [dt.nextElementSibling.textContent.replace(/\\s+/g, ' ').trim()]])""")]


def stored(tab) -> dict:
    return tab.evaluate("() => ({local: {...localStorage}, session: {...sessionStorage}, cookie: document.cookie})") | {
        "cookies": tab.context.cookies()}


@pytest.fixture
def guide(shared_tab, site_url):
    """The guide on a phone, in a tab in a fresh context's state (conftest's SharedTabs), that records
    every request and console problem."""
    tab = shared_tab(viewport=VIEWPORTS["phone"])
    with recording(tab) as record:
        tab.requests, tab.problems = record.requests, record.problems
        # "load" comes after the deferred decide.js ran; the sheet's answer count is its last step.
        # Playwright's "networkidle" is not enough: it fires after 500 ms with no request, which a busy
        # machine can reach between the page's own download and its scripts', before decide.js ran.
        tab.goto(f"{site_url}/{PAGE}.html")
        tab.wait_for_selector("#decide-sheet[data-answers]", state="attached")
        yield tab


def visible_research(tab) -> list[str]:
    return tab.evaluate("""() => [...document.querySelectorAll('.evidence-summary[data-condition]')]
        .filter(el => el.offsetParent !== null).map(el => el.dataset.condition)""")


def research_links(site) -> dict[str, dict]:
    """Each problem's list item in step 2: its link to the findings on its own page."""
    return {item["data-condition"]: item for item in site.soup(PAGE).select(".research-links li[data-condition]")}


def research_address(out) -> str:
    """The address of the one file with every problem's research, as the guide names it."""
    page = BeautifulSoup((out / f"{PAGE}.html").read_text(encoding="utf-8"), "lxml")
    return page.select_one("#decide-research .research-links")["data-fetch-on-choice"]


def research_blocks(out) -> dict:
    """Each problem's block in that file, as built (relative to the guide, at the root)."""
    text = (out / research_address(out).split("?")[0]).read_text(encoding="utf-8")
    return {block["data-condition"]: block for block in BeautifulSoup(text, "lxml").select("[data-condition]")}


def shown_research(tab, problem: str):
    """The research of `problem`, once fetched and shown."""
    summary = tab.locator(f'.evidence-summary[data-condition="{problem}"]')
    expect(summary).to_be_visible()
    return summary


def test_choosing_a_problem_shows_its_research(site, guide):
    links = research_links(site)
    problems = [i["value"] for i in site.soup(PAGE).select('input[name="problem"]')]
    assert set(problems) <= set(links), "every problem in step 1 needs its research in step 2"
    assert not site.soup(PAGE).select(".evidence-summary"), "each problem's research is fetched, not in the page"
    assert visible_research(guide) == []
    expect(guide.locator("#decide-research-status")).to_contain_text("Choose your problem in step 1")
    blocks = research_blocks(site.out)
    assert set(blocks) == set(links), "the file holds every problem's research, and only theirs"
    for problem in ("neck", "low-back", "jaw"):
        guide.check(control("problem", problem))
        summary = shown_research(guide, problem)
        assert visible_research(guide) == [problem]
        # Titled with its link to the findings, then each finding of the file, in order.
        assert summary.locator(".evidence-summary-title a").get_attribute("href") == links[problem].a["href"]
        assert clean(summary.locator(".evidence-summary-title").inner_text()) == clean(links[problem].a.get_text())
        assert [clean(text) for text in summary.locator("li").all_inner_texts()] == [
            clean(item.get_text()) for item in blocks[problem].select("li")] != []
    expect(guide.locator("#decide-research-status")).to_contain_text("Showing research for: Jaw pain")
    guide.check(control("problem", "neck"))  # fetched before: shown again with no new request
    shown_research(guide, "neck")
    assert sum("/_static/on-choice/" in url for url in guide.requests) == 1
    assert not guide.problems


def test_research_that_cannot_load_says_so_and_links_its_page(site, guide):
    """Offline, say, for a problem not fetched before: a plain message, a link to its page, and a retry."""
    guide.route("**/on-choice/decide.html?v=*", lambda route: route.abort())
    guide.check(control("problem", "jaw"))
    status = guide.locator("#decide-research-status")
    expect(status).to_contain_text("could not be loaded")
    href = research_links(site)["jaw"].a["href"]
    assert status.get_by_role("link").get_attribute("href") == href
    guide.unroute("**/on-choice/decide.html?v=*")
    status.get_by_role("button", name="Try again").click()
    shown_research(guide, "jaw")


def test_research_fetched_once_opens_offline(browser, site, site_url):
    """The service worker keeps the guide and the research the reader fetched (cache first: its address
    carries ?v=). A choice made with no connection, before any research was fetched, says so and links
    its page; once one choice has fetched every problem's research, any problem shows offline."""
    context = browser.new_context(service_workers="allow")
    tab = context.new_page()
    tab.goto(f"{site_url}/{PAGE}.html")
    tab.wait_for_function("() => navigator.serviceWorker.controller !== null")
    context.set_offline(True)
    tab.reload()
    tab.check(control("problem", "neck"))
    expect(tab.locator("#decide-research-status")).to_contain_text("could not be loaded")
    assert visible_research(tab) == []
    context.set_offline(False)
    tab.get_by_role("button", name="Try again").click()
    shown_research(tab, "neck")
    tab.wait_for_load_state("networkidle")  # the other problems' research, in the same file
    context.set_offline(True)
    tab.reload()
    tab.check(control("problem", "sports"))
    shown_research(tab, "sports")
    context.close()


def test_research_status_is_announced_only_when_it_changes(guide):
    guide.check(control("problem", "neck"))
    shown_research(guide, "neck")
    guide.evaluate("""() => { window.statusChanges = 0;
        new MutationObserver(() => window.statusChanges++).observe(
            document.getElementById('decide-research-status'),
            {childList: true, subtree: true, characterData: true}); }""")
    guide.type("#q-tried", "Stretching")  # one update per key: none of them may touch the live status
    assert guide.evaluate("window.statusChanges") == 0
    guide.check(control("problem", "jaw"))
    assert guide.evaluate("window.statusChanges") > 0


def test_summary_shows_exactly_the_answers_given(site, guide):
    assert guide.locator("#decide-sheet").inner_text().count("No answers yet.") == 4
    expected = answer_every_question(guide, site)
    assert summary_pairs(guide) == expected
    # Change answers: the summary follows, and an emptied text box leaves it.
    guide.fill("#q-tried", "")
    guide.uncheck(control("ask", "options"))
    expected = [(q, a) for q, a in expected if q != "What have you tried so far, and how did it go?"]
    expected = [(q, [x for x in a if not x.startswith("What are my options?")]) for q, a in expected]
    assert summary_pairs(guide) == expected
    assert not guide.problems


def test_readiness_noes_are_counted_with_what_to_do(guide):
    for item, answer in (("can-explain", "yes"), ("fits", "no"), ("answered", "no"), ("free", "yes")):
        guide.check(control(f"ready-{item}", answer))
    assert "You answered no to 2 of 4" in guide.locator("#decide-sheet").inner_text()


def test_without_ticks_the_sheet_still_lists_every_question_to_ask(site, guide):
    guide.check(control("problem", "neck"))
    asked = [clean(label.get_text()) for label in site.soup(PAGE).select('[data-name="ask"] label')]
    pairs = dict(summary_pairs(guide))
    assert pairs["Questions to ask (you ticked none, so here are all of them)"] == asked


@pytest.mark.parametrize(("width", "scheme"), [("phone", "dark"), ("desktop", "light")])
def test_answered_guide_and_its_summary_have_no_axe_violations(shared_tab, site, site_url, width, scheme):
    tab = shared_tab(viewport=VIEWPORTS[width])  # the page visits' tab for this viewport
    tab.emulate_media(color_scheme=scheme)
    tab.goto(f"{site_url}/{PAGE}.html")
    answer_every_question(tab, site)
    tick(tab, ["#decide-keep"])
    shown_research(tab, "headache")  # axe reads the fetched research too
    violations = axe_violations(tab)
    assert not violations, describe(violations)


def test_the_guide_works_by_keyboard_alone(guide):
    guide.focus(control("problem", "neck"))
    guide.keyboard.press("ArrowDown")  # a radio group moves and selects with the arrow keys
    assert guide.is_checked(control("problem", "headache"))
    guide.focus(control("ask", "which-muscles"))
    guide.keyboard.press("Space")
    assert guide.is_checked(control("ask", "which-muscles"))
    shown_research(guide, "headache")
    assert visible_research(guide) == ["headache"]
    assert "how close are they to my lungs" in guide.locator("#decide-sheet").inner_text()


def test_printed_summary_fits_two_pages_with_answers_phone_and_address(site, guide, tmp_path):
    expected = answer_every_question(guide, site)
    tick(guide, [".decide-checkbox input"])  # the longest sheet: every box ticked
    guide.emulate_media(media="print")
    assert guide.locator(".print-footer img").first.get_attribute("alt") == f"QR code for {canonical(site)}"
    assert not guide.locator("#decide-situation").is_visible(), "the printed sheet holds the summary only"
    pdf = tmp_path / "decide.pdf"
    guide.pdf(path=str(pdf), format="Letter", print_background=True, prefer_css_page_size=True)
    pages = printed_pages(pdf)
    assert 1 <= len(pages) <= 2, f"the summary prints on {len(pages)} pages (at most 2)"
    text = clean(" ".join(page.text for page in pages))
    for question, answers in expected:
        assert question in text
        for answer in answers:
            assert answer in text, f"{answer!r} is not on the printed sheet"
    for label in site.soup(PAGE).select('[data-name="ask"] label'):
        assert clean(label.get_text()) in text
    assert CLINIC["phone"] in text
    assert canonical(site).split("://", 1)[1] in text


def canonical(site) -> str:
    return site.soup(PAGE).select_one('link[rel="canonical"]')["href"]


def test_nothing_is_sent_or_stored_unless_asked(site, site_url, guide):
    loaded = len(guide.requests)
    answer_every_question(guide, site)  # the problem chosen: headache
    shown_research(guide, "headache")
    guide.wait_for_load_state("networkidle")  # every request the choice made is in the record
    # Every problem's research in one file, whichever was chosen: the request does not tell the site the answer.
    assert set(research_blocks(site.out)) == set(research_links(site)) and len(research_links(site)) >= 9
    assert guide.requests[loaded:] == [f"{site_url}/{research_address(site.out)}"], \
        "answering sent more than the research's address"
    assert not [url for url in guide.requests if not url.startswith(site_url + "/")], "a request left the site"
    assert stored(guide) == {"local": {}, "session": {}, "cookie": "", "cookies": []}
    assert not guide.is_checked("#decide-keep"), "keeping answers must be off by default"
    guide.reload()
    assert not guide.is_checked(control("problem", "headache")), "answers came back without being kept"


def test_kept_answers_come_back_until_cleared(site, guide):
    guide.check("#decide-keep")
    expected = answer_every_question(guide, site, pick=2)
    assert list(stored(guide)["local"]) == ["decide-answers"]
    assert stored(guide)["session"] == {} and stored(guide)["cookies"] == []
    guide.reload()
    assert guide.is_checked("#decide-keep")
    assert summary_pairs(guide) == expected
    guide.get_by_role("button", name="Clear my answers").click()
    assert stored(guide)["local"] == {}
    assert not guide.is_checked("#decide-keep")
    assert guide.locator("#decide-sheet").inner_text().count("No answers yet.") == 4
    expect(guide.locator("#decide-storage-status")).to_contain_text("cleared")  # announced after 50 ms
    guide.reload()
    assert summary_pairs(guide)[0][0].startswith("Questions to ask"), "cleared answers came back"


def test_unticking_keep_forgets_at_once(site, guide):
    guide.check("#decide-keep")
    guide.check(control("problem", "jaw"))
    assert "jaw" in stored(guide)["local"]["decide-answers"]
    guide.uncheck("#decide-keep")
    assert stored(guide)["local"] == {}


def test_without_javascript_the_page_lists_every_question(shared_tab, site, site_url):
    source_questions = (shared.DOCS / f"{PAGE}.md").read_text(encoding="utf-8").count(":::{question}")
    assert len(questions(site)) == source_questions
    tab = shared_tab(java_script_enabled=False)
    tab.goto(f"{site_url}/{PAGE}.html")
    for media in ("screen", "print"):
        tab.emulate_media(media=media)
        for question in questions(site):
            heading = question.select_one("legend, label")
            assert tab.get_by_text(clean(heading.get_text()), exact=True).first.is_visible(), heading.get_text()
        labels = tab.locator(".decide-question label")
        assert labels.count() == len(site.soup(PAGE).select(".decide-question label"))
        assert all(label.is_visible() for label in labels.all())
        research = tab.locator(".research-links a")  # each problem's findings, on its page
        assert research.count() == len(research_links(site)) and all(link.is_visible() for link in research.all())
        assert not tab.locator("#decide-keep").is_visible(), "no storage choice without the script"
        assert not tab.locator("#decide-print").is_visible()


def test_script_and_styles_load_on_the_guide_only(site):
    for path, expected in ((PAGE, True), ("index", False), ("topics/safety/aftercare", False)):
        html = site.html(path)
        assert ('src="_static/decide.js' in html or 'decide.js?' in html) is expected, path
        assert ("decide.css" in html) is expected, path
    assert "<script>" not in site.soup(PAGE).select_one("article").decode(), "inline script: CSP forbids it"


def research(out, condition: str) -> tuple[str, str]:
    """The address of the research file, as the guide names it, and the text of a problem's block in it."""
    return research_address(out), clean(research_blocks(out)[condition].get_text(" "))


def test_the_research_shown_comes_from_the_evidence_file(site, edited_evidence_site):
    """Change one record of docs/evidence.toml in a copy of docs/, build it (conftest's
    edited_evidence_site), and see the guide change: that problem's research in the file it fetches,
    under a new address, so no browser or service worker keeps showing the old one."""
    edit = edited_evidence_site.edits["jaw"]
    (address, before), (new_address, after) = research(site.out, "jaw"), research(edited_evidence_site.out, "jaw")
    assert clean(edit.record["result"]) in before and edit.result not in before
    assert edit.result in after and clean(edit.record["result"]) not in after
    assert new_address != address
    assert research(site.out, "neck")[1] == research(edited_evidence_site.out, "neck")[1]


def test_step_5_is_the_shared_tell_your_physio_list(site):
    """Step 5's checklist is the one "tell your physio if you..." list (docs/_snippets/tell-your-physio.md),
    included, not retyped: its items read the same as on the session page, in the same order."""
    source = (shared.DOCS / f"{PAGE}.md").read_text(encoding="utf-8")
    step = source[source.index(":::{question} Tell your physio"):]
    step = step[:step.index("\n:::\n")]
    assert "{include} /_snippets/tell-your-physio.md" in step and "\n- " not in step, "step 5 retypes the list"
    checklist = [clean(label.get_text()) for label in site.soup(PAGE).select('[data-name="tell-physio"] label')]
    shared_list = [clean(item.get_text()) for item in site.soup("topics/safety/your-session").select(
        "ul.tell-your-physio > li")]
    assert checklist == shared_list and len(checklist) >= 8
    for topic in ("pregnant", "blood thinners", "bleeding disorder", "lung disease", "infection", "implant",
                  "afraid of needles", "fainted"):  # the safety questions issue 17 asks step 5 to cover
        assert any(topic in item for item in checklist), topic


def test_no_label_in_the_form_is_a_link(site):
    """Issue 17: a link inside a label would leave the page and lose the answers. The words stay, and the
    same shared list keeps its glossary links on the session page."""
    labels = site.soup(PAGE).select(".decide-question label")
    assert labels and not [label for label in labels if label.find("a")], "a label in the guide holds a link"
    checklist = " ".join(label.get_text() for label in site.soup(PAGE).select('[data-name="tell-physio"] label'))
    assert "bleeding disorder" in checklist and "collapsed lung" in checklist
    elsewhere = site.soup("topics/safety/your-session").select('ul.tell-your-physio a[href*="glossary.html#term-"]')
    assert len(elsewhere) >= 5, "the shared list lost its glossary links on the session page"


def test_every_condition_page_links_the_guide_from_its_summary_of_findings(site):
    """Issue 17: the guide is linked where the decision comes up; the `evidence-summary` directive writes
    the line once, under the first summary on each condition's own page."""
    conditions = tomllib.loads((shared.DOCS / "evidence.toml").read_text(encoding="utf-8"))["conditions"]
    pages = {page.path for page in shared.site_map()
             if page.path.startswith("topics/conditions/") and not page.path.endswith("/index")}
    assert pages and pages == {condition["page"] for condition in conditions.values()}
    for path in sorted(pages):
        links = site.soup(path).select('article .evidence-summary .evidence-decide a[href$="decide.html"]')
        assert len(links) == 1, f"{path}: one link to the decision guide in its summary of findings"
        assert links[0]["href"] == "../../decide.html", "a {doc} link, not a typed address"
    assert not site.soup(PAGE).select(".evidence-decide"), "the guide does not link itself"


# -- the `question` directive on a tiny project ---------------------------------------------

QUESTION_PAGE = """# Guide

:::{{question}} Pick one
:name: {name}
{options}

- First choice
- Second *choice*
:::
"""


def question_project(small_project, name: str, options: str):
    return small_project({"index": QUESTION_PAGE.format(name=name, options=options)},
                         ["myst_parser", "decision_guide"], myst_enable_extensions=["colon_fence"])


@pytest.mark.parametrize(("name", "options", "message"), [
    ("Bad Name", "", "give the question a `:name:` in lower case with hyphens"),
    ("pick", ":values: a", "`:values:` lists 1 values for 2 choices"),
    ("pick", ":values: a, a", "two choices have the same value"),
    ("pick", ":type: rate", "a `rate` question needs a `:scale:`"),
])
def test_bad_questions_fail_the_build_with_file_line_and_fix(small_project, name, options, message):
    warnings = question_project(small_project, name, options).build(clean=False).warnings
    assert re.search(rf"index\.md:3: WARNING: question: {re.escape(message)}", warnings), warnings


def test_a_good_question_renders_labelled_native_controls(small_project):
    html = question_project(small_project, "pick", ":type: checkbox").build().html("index")
    assert '<fieldset class="decide-question decide-checkbox" data-name="pick"><legend>Pick one</legend>' in html
    # plain words need no wrapper; words in markup are one <span>, one flex item beside the box
    assert '<label><input type="checkbox" name="pick" value="first-choice"> First choice</label>' in html
    assert ('<label><input type="checkbox" name="pick" value="second-choice"> <span>Second <em>choice</em></span>'
            '</label>') in html
    assert "decide.js" in html


def test_a_question_takes_its_choices_from_an_included_snippet(small_project):
    """The list may live in a shared snippet; the text around it stays."""
    page = ":::{question} Tell us if you:\n:name: tell\n:type: checkbox\n\n```{include} _snippets/list.md\n```\n:::\n"
    project = small_project({"index": f"# Guide\n\n{page}"}, ["myst_parser", "decision_guide"],
                            files={"_snippets/list.md": "- are pregnant\n- take blood thinners\n"},
                            myst_enable_extensions=["colon_fence"], exclude_patterns=["_snippets"])
    html = project.build().html("index")
    assert '<legend>Tell us if you:</legend>' in html
    assert '<label><input type="checkbox" name="tell" value="are-pregnant"> are pregnant</label>' in html
    assert 'value="take-blood-thinners"> take blood thinners</label>' in html
