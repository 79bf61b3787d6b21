"""Shared fixtures: the real site is built once per test session, then read or browsed; small
projects are built in-process by one factory, `small_project`."""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import subprocess
import sys
import tomllib
from dataclasses import dataclass, field
from io import StringIO
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from bs4 import BeautifulSoup
from filelock import FileLock
from sphinx.testing.util import SphinxTestApp

from tools import shared
from tools.browser import launch
from tools.browser import serve as serve_folder

shared.use_local_extensions()  # the small projects load our extensions from docs/_ext

BROWSER_FIXTURES = {"browser", "page", "shared_tab"}  # every test that launches Chromium uses one of these
# Costly things made once per session and shared (`once`), costliest first. The first test that uses
# each runs first, so each is made early, on a worker of its own, while the many quick tests fill in
# behind it: no worker then waits at the end for the one still printing the booklet.
MADE_EARLY = ["versions_site", "booklet", "edited_evidence_site", "full_css_site", "handouts", "vnu_messages"]


@pytest.hookimpl(wrapper=True)
def pytest_collection_modifyitems(items):
    """Mark every test that drives Chromium `browser` (before `-m "not browser"` leaves them out, as
    `make test-fast` does); then, of the tests left, start the first user of each MADE_EARLY fixture
    first (pytest-xdist hands tests out in this order, two at a time: `--maxschedchunk=2` in
    pyproject.toml)."""
    for item in items:
        if BROWSER_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.browser)
    yield  # the other plugins' selection (-m, -k, deselect)
    first = []
    for name in MADE_EARLY:
        user = next((item for item in items if name in getattr(item, "fixturenames", ())), None)
        if user is not None and user not in first:
            first.append(user)
    items[:] = first + [item for item in items if item not in first]


def pytest_xdist_auto_num_workers(config) -> int:
    """`-n auto`: one worker per core the process may use. A spare worker (tried until session 12) cost
    more CPU than it saved in waits: a third Chromium and Python, and three processes contending for
    two cores (on 2 cores, 411 against 453 CPU seconds, 221 against 231 s; tests/README.md)."""
    return len(os.sched_getaffinity(0))


@pytest.fixture(scope="session")
def known_bib() -> str:
    """A one-entry bibliography (key `known2020`) for small projects that cite."""
    return ("@article{known2020,\n  author = {Known, Ann},\n  title = {A known study},\n"
            "  journal = {J Test},\n  year = {2020},\n}\n")


@dataclass
class BuiltSite:
    out: Path
    warnings: str
    # Parsed pages, kept for one test only (cleared after each): no test sees another's changes to a tree.
    _soups: dict[str, BeautifulSoup] = field(default_factory=dict, repr=False)

    def html(self, page: str) -> str:
        return (self.out / f"{page}.html").read_text(encoding="utf-8")

    def soup(self, page: str) -> BeautifulSoup:
        if page not in self._soups:
            self._soups[page] = BeautifulSoup(self.html(page), "lxml")
        return self._soups[page]


BUILT_SITES: list[BuiltSite] = []


def pytest_runtest_teardown(item) -> None:
    for built in BUILT_SITES:
        built._soups.clear()


def built_once(tmp_path_factory, name: str, build) -> dict:
    """Run `build(folder) -> {"returncode": ..., "output": ...}` (any JSON record) once per test session,
    even across pytest-xdist workers: the first worker to ask builds into the session's shared folder
    while the others wait on a file lock, then all read the same record (so a failed build fails every
    worker). Session fixtures that every worker would otherwise make for itself use it (`once`)."""
    shared_root = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        shared_root = shared_root.parent  # the workers' basetemps sit in the session's own folder
    folder, record = shared_root / name, shared_root / f"{name}.json"
    with FileLock(f"{record}.lock"):
        if not record.exists():
            record.write_text(json.dumps(build(folder)), encoding="utf-8")
    return {"folder": folder, **json.loads(record.read_text(encoding="utf-8"))}


@pytest.fixture(scope="session", autouse=True)
def shared_semantic_tables(tmp_path_factory):
    """Every build in the session (the site, its copies, make versions' dev) keeps and finds its search
    semantic table in one folder of the session's, not each in its own doctree folder: a table depends
    only on the site's words and settings (its key), so the builds of the same site build it once
    (search_semantic.SHARED_CACHE; about 4 CPU seconds a build)."""
    root = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        root = root.parent  # the workers' basetemps sit in the session's own folder
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SEARCH_SEMANTIC_CACHE", str(root / "search-semantic"))
        yield


@pytest.fixture(scope="session")
def once(tmp_path_factory):
    """once(name, make) -> make(folder)'s JSON record plus "folder": made once per session (built_once)."""
    return lambda name, make: built_once(tmp_path_factory, name, make)


def checked(result: subprocess.CompletedProcess) -> dict:
    return {"returncode": result.returncode, "output": f"{result.stdout}\n{result.stderr}".strip(),
            "stderr": result.stderr}


@pytest.fixture(scope="session")
def site(tmp_path_factory) -> BuiltSite:
    """The real site, built strictly once for the whole session (in its own process, like `make html`)."""
    def build(out: Path) -> dict:
        return checked(subprocess.run(shared.sphinx_command(out, "-q", "-d", str(out / ".doctrees")),
                                      capture_output=True, text=True, cwd=shared.ROOT, check=False))

    if os.environ.get("TEST_SITE"):  # make bench: the per-page tests on a site it built (tools/bench.py)
        BUILT_SITES.append(BuiltSite(out=Path(os.environ["TEST_SITE"]), warnings=""))
        return BUILT_SITES[-1]
    built = built_once(tmp_path_factory, "site", build)
    if built["returncode"] != 0:
        pytest.fail(f"the site did not build (exit {built['returncode']}):\n{built['output']}")
    BUILT_SITES.append(BuiltSite(out=built["folder"], warnings=built["stderr"]))
    return BUILT_SITES[-1]


# -- The site again, with records of docs/evidence.toml edited ----------------------------------

# Tests that prove a record's edit reaches every page showing it share one build with every edit
# here: each edits another record into other words, so no test sees another's edit as its own.
EVIDENCE_EDITS = {
    "headline added to other care": (lambda f: f.get("headline") and f["comparison"] == "added to other care",
                                     "Zebra marker: this record was edited."),  # test_evidence.py
    "jaw": (lambda f: f["condition"] == "jaw", "Pain changed in this test, and only here."),  # test_decide.py
}


@dataclass
class EvidenceEdit:
    record: dict  # as docs/evidence.toml has it
    result: str  # what its `result` became


@dataclass
class EditedSite:
    out: Path
    edits: dict[str, EvidenceEdit]


@pytest.fixture(scope="session")
def edited_evidence_site(once) -> EditedSite:
    """The real site built strictly, once per session, from a copy of docs/ with EVIDENCE_EDITS made
    (and Sphinx's own search page in place of the site's)."""
    text = (shared.DOCS / "evidence.toml").read_text(encoding="utf-8")
    findings = tomllib.loads(text)["finding"]
    edits = {name: EvidenceEdit(next(f for f in findings if pick(f)), result)
             for name, (pick, result) in EVIDENCE_EDITS.items()}
    for name, edit in edits.items():
        old = f'result = "{edit.record["result"]}"'
        assert text.count(old) == 1, f"{name}: pick a record whose result is unique"
        text = text.replace(old, f'result = "{edit.result}"')

    def build(folder: Path) -> dict:
        folder.mkdir()
        shutil.copy2(shared.ROOT / "conf.py", folder / "conf.py")
        shutil.copytree(shared.DOCS, folder / "docs", ignore=shutil.ignore_patterns("_build", "__pycache__"))
        (folder / "docs" / "evidence.toml").write_text(text, encoding="utf-8")
        # Without the site's search: its semantic table, made for the edited words, would cost as much
        # CPU as the rest of this build, and the records are read from the pages (the search is the
        # real site's to test). Sphinx's search page is over the page budget, which is the real site's too.
        return checked(subprocess.run(
            shared.sphinx_command(folder / "html", "-q", "-d", str(folder / "doctrees"), "-D",
                                  "section_search_enabled=0", "-D", "page_budget_enabled=0", srcdir=folder / "docs",
                                  confdir=folder),
            capture_output=True, text=True, cwd=shared.ROOT, check=False))

    built = once("edited-evidence", build)
    if built["returncode"] != 0:
        pytest.fail(f"the edited site did not build (exit {built['returncode']}):\n{built['output']}")
    return EditedSite(built["folder"] / "html", edits)


# -- The versioned site (make versions) ----------------------------------------------------------

def run_builder(out: Path, cache: Path, *extra: str) -> subprocess.CompletedProcess:
    """`make versions` into `out` with its cache in `cache` (a test folder: never the working tree's)."""
    return subprocess.run([sys.executable, "-m", "tools.build_versions", "--out", str(out), "--cache", str(cache),
                           *extra], capture_output=True, text=True, cwd=shared.ROOT, check=False)


@pytest.fixture(scope="session")
def versions_cache(versions_site) -> Path:
    """The session's own `make versions` cache, filled by `versions_site`."""
    return versions_site.parent / "cache"


@pytest.fixture(scope="session")
def versions_site(tmp_path_factory) -> Path:
    """`make versions` once for the session, into a temporary tree with a temporary cache."""
    built = built_once(tmp_path_factory, "versions", lambda folder: checked(
        run_builder(folder / "site", folder / "cache")))
    if built["returncode"] != 0:
        pytest.fail(f"make versions failed (exit {built['returncode']}):\n{built['output']}")
    return built["folder"] / "site"


# -- Small projects ---------------------------------------------------------------------------

class SmallProject:
    """A small Sphinx project, built in-process by Sphinx's own test application (sphinx-design's model).

    `conf` becomes its conf.py (`name = repr(value)` per line); `pages` are {docname: MyST text};
    `files` are any other files by path (text or bytes). `build()` asserts a build without warnings
    unless told `clean=False`; then read `warnings`, `out`, `html(page)` or `app.env`.
    """

    def __init__(self, src: Path, pages: dict[str, str], conf: dict, files: dict[str, str | bytes]):
        self.src, self.app = src, None
        src.mkdir(parents=True, exist_ok=True)
        (src / "conf.py").write_text("".join(f"{name} = {value!r}\n" for name, value in conf.items()),
                                     encoding="utf-8")
        for name, content in {**files, **{f"{doc}.md": text for doc, text in pages.items()}}.items():
            (src / name).parent.mkdir(parents=True, exist_ok=True)
            if isinstance(content, bytes):
                (src / name).write_bytes(content)
            else:
                (src / name).write_text(content, encoding="utf-8")

    def build(self, clean: bool = True, strict: bool = False, **overrides) -> SmallProject:
        """Build (again: a second call is an incremental rebuild); `strict` fails on warnings, as -W does."""
        self.app = SphinxTestApp("html", srcdir=self.src, confoverrides=overrides, status=StringIO(),
                                 warning=StringIO(), warningiserror=strict)
        try:
            self.app.build()
        finally:
            self.app.cleanup()  # Sphinx's and docutils' global registries, for the next project
        if clean:
            assert self.warnings == "", self.warnings
        return self

    @property
    def warnings(self) -> str:
        return self.app.warning.getvalue()

    @property
    def out(self) -> Path:
        return Path(self.app.outdir)

    def html(self, page: str) -> str:
        return (self.out / f"{page}.html").read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def small_project(tmp_path_factory):
    """small_project(pages, extensions, files={...}, **conf) -> a SmallProject in a fresh folder, not built.

    Session-scoped so that module-scoped fixtures can use it too; each call gets its own folder.
    """

    def create(pages: dict[str, str], extensions: list[str], files: dict | None = None, **conf) -> SmallProject:
        return SmallProject(tmp_path_factory.mktemp("project"), pages, {"extensions": extensions, **conf}, files or {})

    return create


# -- Serving and browsing -----------------------------------------------------------------------

@pytest.fixture(scope="session")
def serve():
    """Serve a folder on 127.0.0.1; returns the base URL. Servers stop at session end."""
    with contextlib.ExitStack() as servers:
        yield lambda folder: servers.enter_context(serve_folder(folder))


@pytest.fixture(scope="session")
def site_url(site, serve) -> str:
    return serve(site.out)


# Playwright's own console warning when service_workers="block" refuses the page's registration.
WORKER_BLOCKED = "Service Worker registration blocked by Playwright"
OWN_SITE = "http://own-site.invalid"  # a shared visit record's name for the reading worker's `site_url`


class WorkerlessBrowser:
    """The session's Chromium, whose new contexts and pages block service workers unless a test asks
    for them (`service_workers="allow"`): the offline worker's install fetches and saves the search
    index's parts and the core pages, in every fresh context, and only the tests of the worker need it.
    Playwright then logs WORKER_BLOCKED in the console, which the site's script does not see."""

    def __init__(self, chromium):
        self.chromium = chromium

    def new_context(self, **options):
        return self.chromium.new_context(**{"service_workers": "block", **options})

    def new_page(self, **options):
        return self.chromium.new_page(**{"service_workers": "block", **options})

    def __getattr__(self, name: str):
        return getattr(self.chromium, name)


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium driven by Playwright (Playwright cannot download browsers here), started once
    per worker; each test opens its own context, with service workers blocked (WorkerlessBrowser)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = launch(playwright)
        yield WorkerlessBrowser(chromium)
        chromium.close()


class SharedTabs:
    """One tab per worker and set of context options, which tests take in turn, reset before each to
    what a fresh context holds: nothing stored, nothing cached, no routes, no emulated media, the
    context's viewport. A fresh context costs a new renderer process and a cold first page, about 1.3
    CPU seconds a test. `shared_tab(**options)` takes `browser.new_context`'s options; tests that
    change a context (offline, init scripts, service workers) open their own from `browser`."""

    def __init__(self, browser):
        self.browser, self.tabs, self.origins = browser, {}, set()

    def __call__(self, **options):
        key = json.dumps(options, sort_keys=True)
        if key not in self.tabs or self.tabs[key].is_closed():
            self.tabs[key] = self.browser.new_context(**options).new_page()
            self.tabs[key].on("framenavigated", self.note_origin)
        tab = self.tabs[key]
        tab.goto("about:blank")
        tab.unroute_all(behavior="ignoreErrors")
        tab.emulate_media(media="null", color_scheme="null")
        tab.set_viewport_size(options.get("viewport", DEFAULT_VIEWPORT))
        tab.context.clear_cookies()
        # A CDP session left attached would lose the media a test emulates before its first navigation.
        cdp = tab.context.new_cdp_session(tab)
        for origin in self.origins:
            cdp.send("Storage.clearDataForOrigin", {"origin": origin, "storageTypes": "all"})
        cdp.send("Network.clearBrowserCache")
        cdp.detach()
        return tab

    def note_origin(self, frame) -> None:
        url = urlsplit(frame.url)
        if url.netloc:  # about:blank and data: URLs keep nothing
            self.origins.add(f"{url.scheme}://{url.netloc}")

    def close(self):
        for tab in self.tabs.values():
            tab.context.close()


DEFAULT_VIEWPORT = {"width": 1280, "height": 720}  # Playwright's, as a new context has it


@dataclass
class Record:
    requests: list[str] = field(default_factory=list)  # every URL the tab asked for
    problems: list[str] = field(default_factory=list)  # console errors and warnings, uncaught exceptions
    pending: int = 0  # requests asked for and not yet answered (or failed)

    def settle(self, tab, quiet_ms: int = 100) -> None:
        """Wait until no request is pending and none has started for `quiet_ms`: what the page fetched
        late is in the record. Playwright's "networkidle" waits 500 ms however quiet the page already is."""
        while True:
            asked = len(self.requests)
            tab.wait_for_timeout(quiet_ms)  # Playwright delivers the tab's events meanwhile
            if not self.pending and len(self.requests) == asked:
                return


@contextlib.contextmanager
def recording(tab):
    """What `tab` asks for and logs while inside (a Record): every request, and its console errors and
    warnings (CSP violations among them) and uncaught exceptions, Playwright's WORKER_BLOCKED aside."""
    record = Record()
    def asked(request) -> None:
        record.requests.append(request.url)
        record.pending += 1

    def answered(request) -> None:
        record.pending -= 1

    handlers = {
        "request": asked,
        "requestfinished": answered,
        "requestfailed": answered,
        "console": lambda message: message.type in ("error", "warning")
        and message.text != WORKER_BLOCKED and record.problems.append(message.text),
        "pageerror": lambda error: record.problems.append(str(error)),
    }
    for event, handler in handlers.items():
        tab.on(event, handler)
    try:
        yield record
    finally:
        for event, handler in handlers.items():
            tab.remove_listener(event, handler)


@pytest.fixture(scope="session")
def shared_tab(browser) -> SharedTabs:
    tabs = SharedTabs(browser)
    yield tabs
    tabs.close()


@pytest.fixture
def page(shared_tab):
    """A tab in the state of a fresh context's (SharedTabs)."""
    return shared_tab()


LETTER = (612, 792)  # US Letter in points, the size every printed page has


@dataclass
class PrintedPage:
    size: tuple[int, int]  # in points, rounded
    text: str


def printed_pages(pdf: Path) -> list[PrintedPage]:
    """Each page of a PDF, its text read by PDFium (pypdfium2): a sixteenth of pypdf's time."""
    import pypdfium2

    document = pypdfium2.PdfDocument(pdf)
    try:
        return [PrintedPage(tuple(round(side) for side in page.get_size()),
                            page.get_textpage().get_text_range().replace("\r\n", "\n")) for page in document]
    finally:
        document.close()


# -- One visit per page and viewport, seen in both colour schemes: axe-core's findings and every request,
# read by two test files --------------------------------------------------------------------------------

VISITED_PAGES = [path for path, _, _ in shared.site_map()] + ["handouts", "search", "offline"]
if os.environ.get("TEST_SITE"):  # with make bench's synthetic site, every copy `<page>-xN` of those pages too
    VISITED_PAGES = sorted(
        path for page in Path(os.environ["TEST_SITE"]).rglob("*.html")
        if re.sub(r"-x\d+$", "", path := page.relative_to(os.environ["TEST_SITE"]).with_suffix("").as_posix())
        in VISITED_PAGES)
VIEWPORTS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}
SCHEMES = ("light", "dark")
# Light first, both viewports, then dark: a visit's two tests (its light and dark findings) stand a whole
# viewport's pages apart, so by the time a worker takes a dark test its visit is long made. Side by side,
# two workers fell into step on the same visits, one making each while the other waited on it.
THEMES = [f"{width}-{scheme}" for scheme in SCHEMES for width in VIEWPORTS]
AXE_OPTIONS = {
    "resultTypes": ["violations"],
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]},
}


# axe-core parses a colour string with colorjs.io each time it meets one: about a third of each run,
# mostly in its color-contrast rule. The parse depends on the string alone, so each page parses each
# string once; test_accessibility checks the findings are the same, to the contrast ratio.
AXE_PARSE_COLOURS_ONCE = """() => {
    const colour = axe.commons.color.Color.prototype, parse = colour.parseString, parsed = new Map();
    colour.parseString = function (text) {
        if (!parsed.has(text)) {
            parse.call(this, text);
            parsed.set(text, [this.r, this.g, this.b, this.alpha]);
        }
        [this.r, this.g, this.b, this.alpha] = parsed.get(text);
        return this;
    };
}"""


def inject_axe(tab, parse_colours_once: bool = True) -> None:
    """axe-core into the page as it is now, once per page (not once per run)."""
    from axe_playwright_python.sync_playwright import Axe

    if not tab.evaluate("typeof axe !== 'undefined'"):
        tab.evaluate(Axe().axe_script)
        if parse_colours_once:
            tab.evaluate(AXE_PARSE_COLOURS_ONCE)


def axe_violations(tab, options: dict = AXE_OPTIONS) -> list[dict]:
    """axe-core's violations on the page as it is now."""
    inject_axe(tab)
    return tab.evaluate("options => axe.run(document, options).then(results => results.violations)", options)


def visit_params(pages: list[str] = VISITED_PAGES) -> list:
    """(theme, path) for every visit."""
    return [pytest.param(theme, path, id=f"{theme}-{path}") for theme in THEMES for path in pages]


@dataclass
class Visit:
    requests: list[str]  # every URL the page asked for, from loading until the network went quiet
    problems: list[str]  # console errors and warnings (CSP violations among them) and uncaught exceptions
    violations: list[dict]  # axe-core's, as it reports them, in this visit's colour scheme


@pytest.fixture(scope="session")
def page_visits(shared_tab, site_url, once):
    """page_visits(theme, path) -> Visit: the page opened once per session and viewport, under the site's
    own Content-Security-Policy; axe-core runs on it in the light colour scheme, then again in the dark
    one (Chromium's emulated prefers-color-scheme, which the site's CSS follows: no script reads it while
    the page loads), and the network is allowed to go quiet. What it asked for and logged in both
    schemes is every reader's record for both. Shared with any worker (`once`, through the session's
    folder: pytest-xdist 3.8's groups do nothing under pytest 9.2, pytest-xdist issue 1386, so a worker
    cannot count on making it itself).

    Each visit takes the worker's shared tab for its viewport, reset to a fresh context's state (nothing
    cached or stored: the page requests every file it loads), which costs about half a fresh context's
    CPU. Service workers are blocked here, as in every context of `browser`: the offline worker's
    install nearly doubled the CPU time of these visits. The worker itself is tested by
    test_offline.py and test_privacy.py's search test."""
    visits = {}

    def make(width: str, path: str) -> dict:
        tab = shared_tab(viewport=VIEWPORTS[width])
        tab.emulate_media(color_scheme=SCHEMES[0])
        with recording(tab) as record:
            tab.goto(f"{site_url}/{path}.html")
            violations = {}
            for scheme in SCHEMES:
                tab.emulate_media(color_scheme=scheme)
                violations[scheme] = axe_violations(tab)
            record.settle(tab)  # what the page fetches late is in the record too
        # Each worker serves the site on its own port: the record names it OWN_SITE, for any reader's.
        made = {"requests": record.requests, "problems": record.problems, "violations": violations}
        return json.loads(json.dumps(made).replace(site_url, OWN_SITE))

    def visit(theme: str, path: str) -> Visit:
        width, scheme = theme.split("-")
        if (width, path) not in visits:
            made = once(f"visit-{width}-{path.replace('/', '--')}", lambda folder: make(width, path))
            visits[width, path] = json.loads(json.dumps(made, default=str).replace(OWN_SITE, site_url))
        made = visits[width, path]
        return Visit(made["requests"], made["problems"], made["violations"][scheme])

    return visit
