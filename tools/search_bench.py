"""Benchmark the site's search in headless Chromium: ranking quality, speed and index size.

Usage:
    .venv/bin/python tools/search_bench.py [--engine section|sphinx|both] [--queries FILE ...]
                                           [--site DIR] [--failures N]

Builds the site (unless --site points at a built one), serves it on 127.0.0.1 and runs every query
of each TSV file (query <TAB> acceptable pages, comma separated <TAB> kind) through the real
search page. Prints hit@1, hit@3 and mean reciprocal rank (MRR) overall and per kind, the
queries that missed the top three, how often the top result links to a section, the median and
worst time from the last keystroke to results, and the index size (raw and gzip).

Engines: `section` is ours (docs/_ext/section_search.py); `sphinx` is Sphinx's built-in search
on the same pages (built with -D section_search_enabled=0), timed from page load to results
since it has no search-as-you-type.
"""

from __future__ import annotations

import argparse
import gzip
import statistics
import subprocess
import sys
import tempfile
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, urljoin, urlparse

from tools.browser import launch, serve
from tools.shared import ROOT, sphinx_command

DEFAULT_QUERIES = [ROOT / "tests" / "search-queries.tsv"]
TOP = 10
TYPING_DELAY_MS = 40  # a fast typist; each keystroke then gets its own search

# Records the time of the last keystroke and of each finished search (ours dispatches an event).
TIMING_SCRIPT = """
window.__bench = {lastKey: 0, done: []};
document.addEventListener("keydown", () => { window.__bench.lastKey = performance.now(); }, true);
document.addEventListener("section-search:done", (event) => {
  window.__bench.done.push({query: event.detail.query, at: performance.now()});
}, true);
"""
RANK_SCRIPT = """q => {
  const engine = window.sectionSearch;
  return engine.search(q).results.map(r => {
    const section = engine.sections[r.best.id];
    return engine.pages[r.page][0] + (section[1] ? "#" + section[1] : "");
  });
}"""
# Sphinx's search writes a summary paragraph when it has finished; note when it appears.
SPHINX_TIMING_SCRIPT = """
window.__bench = {doneAt: null};
new MutationObserver(() => {
  if (window.__bench.doneAt === null && document.querySelector("#search-results .search-summary")
      && /found|did not match/i.test(document.querySelector("#search-results .search-summary").textContent)) {
    window.__bench.doneAt = performance.now();
  }
}).observe(document, {subtree: true, childList: true, characterData: true});
"""


@dataclass
class Query:
    text: str
    pages: list[str]
    kind: str


@dataclass
class Outcome:
    query: Query
    results: list[str]            # result pages, best first, without .html
    top_href: str = ""
    ms: float = 0.0

    @property
    def rank(self) -> int | None:
        for number, page in enumerate(self.results[:TOP], 1):
            if page in self.query.pages:
                return number
        return None


@dataclass
class Report:
    engine: str
    outcomes: list[Outcome] = field(default_factory=list)
    index_bytes: int = 0
    index_gzip: int = 0
    load_ms: float = 0.0


def read_queries(path: Path) -> list[Query]:
    queries = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        parts = line.split("\t")
        if len(parts) != 3:
            raise SystemExit(f"{path}:{number}: expected query<TAB>pages<TAB>kind, got {line!r}")
        text, pages, kind = parts
        queries.append(Query(text.strip(), [p.strip() for p in pages.split(",") if p.strip()], kind.strip()))
    return queries


def page_of(href: str, base: str) -> str:
    """Site path of a result link (`topics/safety/aftercare`), whatever its query or anchor."""
    path = urlparse(urljoin(base + "/search.html", href)).path.lstrip("/")
    path = path.removesuffix(".html")
    return path or "index"


def build(engine: str, out: Path) -> None:
    switch = ["-D", "section_search_enabled=0"] if engine == "sphinx" else []
    cmd = sphinx_command(out, "-q", *switch, "-d", str(out / ".doctrees"))
    result = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, check=False)
    if result.returncode != 0:
        raise SystemExit(f"the site did not build:\n{result.stderr}")


def run_section(page, base: str, queries: list[Query], fast: bool = False) -> tuple[list[Outcome], float]:
    """Type each query into our search page, as a patient would, and time the last keystroke."""
    page.add_init_script(TIMING_SCRIPT)
    page.goto(base + "/search.html")
    page.wait_for_selector("#search-results[data-search-state=done]", state="attached")
    load_ms = page.evaluate("performance.now()")
    box = page.locator("#section-search-q")
    outcomes = []
    if fast:  # ranking only: ask the page's engine directly, without typing
        for query in queries:
            hrefs = page.evaluate(RANK_SCRIPT, query.text)
            outcomes.append(Outcome(query, [page_of(h, base) for h in hrefs], hrefs[0] if hrefs else "", 0.0))
        return outcomes, load_ms
    for query in queries:
        box.fill("")
        page.wait_for_function("document.querySelector('#search-results').dataset.query === ''")
        page.evaluate("window.__bench.done = []")
        box.type(query.text, delay=TYPING_DELAY_MS)
        page.wait_for_function(
            "q => window.__bench.done.some(d => d.query === q)", arg=query.text.strip())
        ms = page.evaluate(
            "q => window.__bench.done.filter(d => d.query === q).pop().at - window.__bench.lastKey",
            query.text.strip())
        hrefs = page.eval_on_selector_all("#search-results a", "links => links.map(a => a.getAttribute('href'))")
        outcomes.append(Outcome(query, [page_of(h, base) for h in hrefs], hrefs[0] if hrefs else "", ms))
    return outcomes, load_ms


def run_sphinx(page, base: str, queries: list[Query]) -> tuple[list[Outcome], float]:
    """Open search.html?q=... for each query (Sphinx's search runs once the page has loaded)."""
    page.add_init_script(SPHINX_TIMING_SCRIPT)
    outcomes = []
    for query in queries:
        page.goto(f"{base}/search.html?q={quote(query.text)}")
        page.wait_for_function("window.__bench && window.__bench.doneAt !== null")
        ms = page.evaluate("window.__bench.doneAt")
        hrefs = page.eval_on_selector_all("#search-results a", "links => links.map(a => a.getAttribute('href'))")
        pages = list(dict.fromkeys(page_of(h, base) for h in hrefs))
        outcomes.append(Outcome(query, pages, hrefs[0] if hrefs else "", ms))
    return outcomes, 0.0


def benchmark(engine: str, site: Path, queries: list[Query], fast: bool = False) -> Report:
    from playwright.sync_api import sync_playwright

    index = site / ("section-search-index.js" if engine == "section" else "searchindex.js")
    data = index.read_bytes()
    report = Report(engine, index_bytes=len(data), index_gzip=len(gzip.compress(data, 9)))
    with serve(site) as base, sync_playwright() as playwright:
        browser = launch(playwright)
        # The site's Content-Security-Policy forbids eval, which Playwright's waits use.
        page = browser.new_context(bypass_csp=True).new_page()
        if engine == "section":
            report.outcomes, report.load_ms = run_section(page, base, queries, fast)
        else:
            report.outcomes, report.load_ms = run_sphinx(page, base, queries)
        browser.close()
    return report


def scores(outcomes: list[Outcome]) -> dict[str, float]:
    ranks = [o.rank for o in outcomes]
    n = len(ranks) or 1
    return {
        "n": len(ranks),
        "hit@1": sum(r == 1 for r in ranks) / n,
        "hit@3": sum(r is not None and r <= 3 for r in ranks) / n,
        "mrr": sum(1 / r for r in ranks if r) / n,
    }


def print_report(report: Report, show_failures: int) -> None:
    print(f"\n== engine: {report.engine} ==")
    overall = scores(report.outcomes)
    print(f"{'kind':<12} {'n':>4} {'hit@1':>6} {'hit@3':>6} {'MRR':>6}")
    kinds = defaultdict(list)
    for outcome in report.outcomes:
        kinds[outcome.query.kind].append(outcome)
    for kind in sorted(kinds):
        s = scores(kinds[kind])
        print(f"{kind:<12} {s['n']:>4} {s['hit@1']:>6.3f} {s['hit@3']:>6.3f} {s['mrr']:>6.3f}")
    print(f"{'ALL':<12} {overall['n']:>4} {overall['hit@1']:>6.3f} {overall['hit@3']:>6.3f} {overall['mrr']:>6.3f}")
    times = [o.ms for o in report.outcomes]
    if any(times):
        what = "last keystroke to results" if report.engine == "section" else "page load to results"
        print(f"time, {what}: median {statistics.median(times):.1f} ms, worst {max(times):.1f} ms")
    if report.load_ms:
        print(f"search page ready (index loaded and built) after {report.load_ms:.0f} ms")
    print(f"index: {report.index_bytes} bytes raw, {report.index_gzip} bytes gzip")
    sectioned = [o for o in report.outcomes if o.rank == 1]
    with_anchor = sum("#" in o.top_href for o in sectioned)
    print(f"top results that were right and link to a section anchor: {with_anchor}/{len(sectioned)}")
    failed = [o for o in report.outcomes if o.rank is None or o.rank > 1]
    if failed:
        print(f"not ranked first ({len(failed)}; rank '-' means not in the top {TOP}):")
        for outcome in sorted(failed, key=lambda o: (o.rank or 99))[-show_failures:]:
            print(f"  rank {outcome.rank or '-':>2}  [{outcome.query.kind}] {outcome.query.text!r}"
                  f" -> want {','.join(outcome.query.pages)}; got {', '.join(outcome.results[:3]) or 'nothing'}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--engine", choices=["section", "sphinx", "both"], default="section")
    parser.add_argument("--queries", type=Path, nargs="+", default=DEFAULT_QUERIES)
    parser.add_argument("--site", type=Path, help="an already built site (section engine only)")
    parser.add_argument("--fast", action="store_true",
                        help="ranking only: skip typing and timing (for tuning)")
    parser.add_argument("--failures", type=int, default=60, help="how many failed queries to list")
    args = parser.parse_args(argv)
    queries = [q for path in args.queries for q in read_queries(path)]
    engines = ["sphinx", "section"] if args.engine == "both" else [args.engine]
    print(f"{len(queries)} queries from {', '.join(str(p) for p in args.queries)}")
    with tempfile.TemporaryDirectory(prefix="search-bench-") as tmp:
        for engine in engines:
            site = args.site if args.site and engine == "section" else Path(tmp) / engine
            if not (args.site and engine == "section"):
                build(engine, site)
            print_report(benchmark(engine, site, queries, args.fast), args.failures)
    return 0


if __name__ == "__main__":
    sys.exit(main())
