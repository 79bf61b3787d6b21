"""Benchmark the site's search: ranking quality, cross-validated tuning, speed, download size, growth.

Usage:
    .venv/bin/python tools/search_bench.py [--queries FILE ...] [--site DIR] [--typing N]
                                           [--folds K] [--no-growth] [--failures N]

Builds the site (unless --site points at a built one) and ranks every query of each TSV file
(query <TAB> acceptable pages, comma separated, each `page` or `page#anchor` <TAB> kind) with the
real engine (docs/_static/section-search-engine.js) in Node. For each file, per kind: hit@1, hit@3,
mean reciprocal rank (MRR) and `section@1`, the share of right first results that link to the
answering section (the listed anchor when the file names one, else any section anchor rather than
the page's top). Then:

- cross-validation on the real questions: the file is cut into K folds; for each, the grid of
  ranking settings below is tuned on the other folds (best MRR) and scored on the held-out fold;
- speed in headless Chromium: N queries typed into the real page, as a patient would, timed from
  the last keystroke to results (median and worst);
- download: every file the search page loads on opening (raw and gzip), the parts of the index,
  the texts and the semantic table it loads as a query needs them (for each query of the files: the
  median and worst total), and a check that no other page loads a search file;
- growth: a synthetic site ten times larger (its sections are today's with a share of their words
  replaced by other English words, as new pages would bring), made here and not kept: the size of
  the core and of every folder of parts, the download for sample queries, and the engine's load
  and query time in Node.
"""

from __future__ import annotations

import argparse
import gzip
import itertools
import json
import random
import statistics
import subprocess
import sys
import tempfile
import time
import tomllib
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urljoin, urlparse

from tools import shared
from tools.browser import launch, serve
from tools.page_weight import page_assets
from tools.shared import ROOT, sphinx_command

shared.use_local_extensions()
import search_semantic  # noqa: E402  (docs/_ext, where the indexer imports it from)
from section_search import (  # noqa: E402  (the indexer's own rules)
    INDEX_FILE,
    TERMS_DIR,
    TEXTS_DIR,
    capitalised_words,
    core_rows,
    ranking_config,
    site_words,
    write_split_index,
)

SHARED = ROOT.parent / "shared" / "search"
DEFAULT_QUERIES = [ROOT / "tests" / "search-queries.tsv", SHARED / "queries.tsv",
                   SHARED / "real-questions-dev.tsv"]
REAL_QUESTIONS = "real-questions"  # files whose name starts so are cross-validated
RANKER = ROOT / "tools" / "search_rank.js"
NODE = "/usr/bin/node"
TOP = 10
BUDGET_GZIP = 150_000  # the search page's whole download
TYPING_DELAY_MS = 40   # a fast typist; each keystroke then gets its own search
# The settings cross-validation tunes (dotted names of docs/_ext/search-ranking.toml), and their values.
GRID = {
    "fields.heading.weight": [4.0, 6.0, 8.0],
    "bm25.k1": [0.8, 1.2, 1.8],
    "query.section_decay": [0.3, 0.5, 0.7],
    "semantic.weight": [0.5, 0.7, 0.9],
    "query.question_words": [0.0, 1.0],
}

# Records the time of the last keystroke and of each finished search (the page dispatches an event).
TIMING_SCRIPT = """
window.__bench = {lastKey: 0, done: []};
document.addEventListener("keydown", () => { window.__bench.lastKey = performance.now(); }, true);
document.addEventListener("section-search:done", (event) => {
  window.__bench.done.push({query: event.detail.query, at: performance.now()});
}, true);
"""


@dataclass
class Query:
    text: str
    pages: list[str]   # `page` or `page#anchor`, site paths without .html
    kind: str

    def rank(self, hrefs: list[str]) -> int | None:
        wanted = {p.split("#")[0] for p in self.pages}
        for number, href in enumerate(hrefs[:TOP], 1):
            if page_of(href) in wanted:
                return number
        return None

    def section_right(self, href: str) -> bool:
        """The first result links to the answering section: the listed anchor, else any section."""
        anchors = {p for p in self.pages if "#" in p}
        page, _, anchor = href.partition("#")
        if anchors:
            return f"{page_of(page)}#{anchor}" in anchors
        return bool(anchor)


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


def page_of(href: str, base: str = "http://site") -> str:
    """Site path of a result link (`topics/safety/aftercare`), whatever its query or anchor."""
    path = urlparse(urljoin(base + "/search.html", href)).path.lstrip("/")
    return path.removesuffix(".html") or "index"


def build(out: Path) -> None:
    """Build the site strictly into `out`, as `make html` does."""
    cmd = sphinx_command(out, "-q", "-d", str(out / ".doctrees"))
    result = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, check=False)
    if result.returncode != 0:
        raise SystemExit(f"the site did not build:\n{result.stderr}")


def rank(site: Path, texts: list[str], configs: list[dict] | None = None, semantic: bool = True,
         parts: bool = False, explain: list[Query] = ()) -> list[dict]:
    """Each config's result links for every query, from the engine in Node (with `parts`, also the
    files the page would load for each query; with `explain`, why those queries rank as they do,
    under the first config)."""
    request = {"site": str(site), "queries": texts, "configs": configs or [{}], "semantic": semantic,
               "parts": parts, "explain": [{"query": q.text, "pages": [p.split("#")[0] for p in q.pages]}
                                           for q in explain]}
    result = subprocess.run([NODE, str(RANKER)], input=json.dumps(request), capture_output=True, text=True,
                            check=False)
    if result.returncode != 0:
        raise SystemExit(f"{RANKER.name} failed:\n{result.stderr}")
    return json.loads(result.stdout)


def scores(queries: list[Query], ranked: list[list[str]]) -> dict[str, float]:
    ranks = [q.rank(r) for q, r in zip(queries, ranked, strict=True)]
    firsts = [(q, r[0]) for q, r, k in zip(queries, ranked, ranks, strict=True) if k == 1]
    n = len(ranks) or 1
    return {
        "n": len(ranks),
        "hit@1": sum(r == 1 for r in ranks) / n,
        "hit@3": sum(r is not None and r <= 3 for r in ranks) / n,
        "mrr": sum(1 / r for r in ranks if r) / n,
        "section@1": sum(q.section_right(href) for q, href in firsts) / (len(firsts) or 1),
    }


def print_scores(queries: list[Query], ranked: list[list[str]], failures: int) -> None:
    print(f"| {'kind':<10} | {'n':>4} | hit@1 | hit@3 |   MRR | section@1 |")
    print(f"|{'-' * 12}|{'-' * 6}|-------|-------|-------|-----------|")
    kinds = defaultdict(list)
    for i, query in enumerate(queries):
        kinds[query.kind].append(i)
    for kind in [*sorted(kinds), "ALL"]:
        picked = kinds[kind] if kind != "ALL" else range(len(queries))
        s = scores([queries[i] for i in picked], [ranked[i] for i in picked])
        print(f"| {kind:<10} | {s['n']:>4} | {s['hit@1']:.3f} | {s['hit@3']:.3f} | {s['mrr']:.3f} |"
              f" {s['section@1']:>9.3f} |")
    missed = [(q.rank(r), q, r) for q, r in zip(queries, ranked, strict=True) if q.rank(r) != 1]
    if missed and failures:
        print(f"\nnot ranked first ({len(missed)}; rank '-' means not in the top {TOP}):")
        for k, query, r in sorted(missed, key=lambda m: m[0] or 99)[-failures:]:
            got = ", ".join(page_of(h) for h in r[:3]) or "nothing"
            print(f"  rank {k or '-':>2}  [{query.kind}] {query.text!r} -> want {','.join(query.pages)}; got {got}")


def explain(site: Path, missed: list[Query], overrides: dict, semantic: bool) -> None:
    """Why each missed query ranks as it does: its concepts (each alternative's weight times IDF), and
    for the first result and each wanted page, the page's score, its best section's score from the
    words, its weight (the page's role), the heading's likeness, and what each concept adds."""
    reply = rank(site, [], [overrides], semantic, explain=missed)[0]["explain"]
    print(f"\nwhy ({len(missed)} missed; page = best section + a decaying share of the page's other sections;"
          " section = words x weight x (1 + likeness)):")
    for query, why in zip(missed, reply, strict=True):
        print(f"  {query.text!r}")
        print("    concepts: " + "; ".join(f"{word} (" + ", ".join(f"{s} {w:.2f}" for s, w in alts) + ")"
                                           for word, alts in why["concepts"]))
        for r in why["results"]:
            parts = ", ".join(f"{word}={stem} {value:.2f}" for word, value, stem in r["concepts"] if value)
            print(f"    {r['rank']:>2}. {page_of(r['href'])}#{r['href'].partition('#')[2]} {r['heading']!r}:"
                  f" page {r['page']:.2f}, section words {r['words']:.2f} x {r['prior']:.2f}"
                  f" x (1 + {r['likeness']:.2f}) | {parts}")


def grid_configs() -> list[dict]:
    names = list(GRID)
    return [dict(zip(names, values, strict=True)) for values in itertools.product(*GRID.values())]


def cross_validate(site: Path, queries: list[Query], folds: int) -> None:
    """Tune the grid on K-1 folds, score the held-out fold; print the held-out scores."""
    configs = grid_configs()
    runs = rank(site, [q.text for q in queries], configs)
    # Folds by position after a fixed shuffle: every query is held out exactly once.
    order = list(range(len(queries)))
    random.Random(14).shuffle(order)
    fold_of = {i: n % folds for n, i in enumerate(order)}
    held_ranked: dict[int, list[str]] = {}
    print(f"\ncross-validation: {len(configs)} settings of {', '.join(GRID)}; {folds} folds")
    for fold in range(folds):
        train = [i for i in range(len(queries)) if fold_of[i] != fold]
        test = [i for i in range(len(queries)) if fold_of[i] == fold]

        def train_score(run: dict, train: list[int] = train) -> tuple[float, float]:
            s = scores([queries[i] for i in train], [run["ranked"][i] for i in train])
            return s["mrr"], s["hit@1"]
        best = max(runs, key=train_score)
        s = scores([queries[i] for i in test], [best["ranked"][i] for i in test])
        print(f"  fold {fold}: tuned {best['overrides']} -> held out n={s['n']} hit@1 {s['hit@1']:.3f}"
              f" hit@3 {s['hit@3']:.3f} MRR {s['mrr']:.3f}")
        for i in test:
            held_ranked[i] = best["ranked"][i]
    print("held-out folds together:")
    print_scores(queries, [held_ranked[i] for i in range(len(queries))], 0)
    committed = scores(queries, rank(site, [q.text for q in queries])[0]["ranked"])
    print(f"(the committed settings on the whole file, tuned on it: hit@1 {committed['hit@1']:.3f}"
          f" hit@3 {committed['hit@3']:.3f} MRR {committed['mrr']:.3f})")


def typing_times(site: Path, queries: list[Query], count: int) -> None:
    """Type `count` queries (spread over the files) into the real page; time last keystroke to results."""
    from playwright.sync_api import sync_playwright

    sample = queries[:: max(1, len(queries) // count)][:count]
    times = []
    with serve(site) as base, sync_playwright() as playwright:
        browser = launch(playwright)
        page = browser.new_context(bypass_csp=True).new_page()  # Playwright's waits use eval
        page.add_init_script(TIMING_SCRIPT)
        page.goto(base + "/search.html")
        page.wait_for_selector("#search-results[data-search-state=done]", state="attached")
        load_ms = page.evaluate("performance.now()")
        box = page.locator("#section-search-q")
        for query in sample:
            box.fill("")
            page.wait_for_function("document.querySelector('#search-results').dataset.query === ''")
            page.evaluate("window.__bench.done = []")
            box.type(query.text, delay=TYPING_DELAY_MS)
            text = query.text.strip()
            page.wait_for_function("q => window.__bench.done.some(d => d.query === q)", arg=text)
            times.append(page.evaluate(
                "q => window.__bench.done.filter(d => d.query === q).pop().at - window.__bench.lastKey", text))
        browser.close()
    print(f"\nspeed in Chromium, {len(times)} queries typed: last keystroke to results median "
          f"{statistics.median(times):.1f} ms, worst {max(times):.1f} ms (including the {20} ms debounce);"
          f" page ready after {load_ms:.0f} ms")


def gz(data: bytes) -> int:
    return len(gzip.compress(data, compresslevel=6))


def folder_parts(folder: Path) -> list[tuple[str, int, int]]:
    """(file, raw bytes, gzip bytes) for each part in a folder of parts (index words, texts, semantic table)."""
    return [(f.name, f.stat().st_size, gz(f.read_bytes())) for f in sorted(folder.glob("*.js"))]


PART_FOLDERS = (TERMS_DIR, TEXTS_DIR, search_semantic.SEMANTIC_DIR)


def query_downloads(site: Path, texts: list[str], opening: int, parts: list[list[str]] | None = None) -> list[int]:
    """For each query, the search page's gzip download: what it loads on opening, plus the parts of the
    index, texts and semantic table it loads for that query (the engine in Node says which, unless
    given its `rank(..., parts=True)` answer's "parts")."""
    sizes = {f"{folder}/{name}": size for folder in PART_FOLDERS for name, _, size in folder_parts(site / folder)}
    if parts is None:
        parts = rank(site, texts, parts=True)[0]["parts"]
    return [opening + sum(sizes[file] for file in set(files)) for files in parts]


def download(site: Path, texts: list[str]) -> None:
    files = page_assets(site, site / "search.html")
    print("\nthe search page's download (gzip level 6, as deploy/nginx-site.conf serves it):")
    total_raw = total_gz = 0
    for f in files:
        raw = f.read_bytes()
        total_raw, total_gz = total_raw + len(raw), total_gz + gz(raw)
        if "search" in f.name:
            print(f"  {f.relative_to(site).as_posix():<40} {len(raw):>8} bytes raw {gz(raw):>7} gzip")
    verdict = "within" if total_gz <= BUDGET_GZIP else "OVER"
    print(f"  {'on opening, all ' + str(len(files)) + ' files':<40} {total_raw:>8} bytes raw {total_gz:>7} gzip"
          f" ({verdict} the {BUDGET_GZIP // 1000} KB budget)")
    every = total_gz
    for folder in PART_FOLDERS:
        parts = folder_parts(site / folder)
        if parts:
            largest = max(parts, key=lambda p: p[2])
            every += sum(p[2] for p in parts)
            print(f"  {folder + '/*.js':<40} {sum(p[1] for p in parts):>8} bytes raw"
                  f" {sum(p[2] for p in parts):>7} gzip in {len(parts)} parts"
                  f" (largest {largest[0]}: {largest[2]} gzip)")
    print(f"  {'with every part loaded':<40} {'':>8}           {every:>7} gzip"
          f" ({'within' if every <= BUDGET_GZIP else 'OVER'} the budget)")
    per_query = query_downloads(site, texts, total_gz)
    print(f"  per query, opening plus the parts it loads: median {statistics.median(per_query):.0f},"
          f" worst {max(per_query)} gzip ({len(per_query)} queries;"
          f" {sum(d > BUDGET_GZIP for d in per_query)} over the budget)")
    others = [p for p in site.rglob("*.html") if p.name != "search.html"
              and any("search-" in a.name and a.suffix == ".js" for a in page_assets(site, p))]
    print(f"  other pages that load a search file: {len(others)}"
          + (f" ({', '.join(str(p.relative_to(site)) for p in others[:5])})" if others else ""))


def read_global(path: Path) -> dict:
    text = path.read_text(encoding="utf-8")
    return json.loads(text[text.index("=") + 1:].strip().rstrip(";"))


def read_parts(folder: Path) -> dict[str, object]:
    """Every part in a folder of `(window.NAME=window.NAME||{})["key"]=...;` scripts: key -> part."""
    parts = {}
    for path in folder.glob("*.js"):
        text = path.read_text(encoding="utf-8")
        key, _, data = text.partition(")[")[2].partition("]=")
        parts[json.loads(key)] = json.loads(data.strip().rstrip(";"))
    return parts


def read_index(site: Path) -> dict:
    """The index as the indexer built it, before it was split into parts for the page: sections as
    [page, anchor, heading, text, detail, [synonym groups], shared text (if any)]."""
    core = read_global(site / INDEX_FILE)
    texts = read_parts(site / TEXTS_DIR)
    rows = [row for key in sorted(texts, key=int) for row in texts[key]]
    sections = []
    for (page, anchor, heading, groups, _lengths), row in zip(core_rows(core["sections"]), rows, strict=True):
        text, detail, *shared = [*row, "", ""][:2] + row[2:]
        sections.append([page, anchor, heading, text, detail, groups, *shared])
    index = {key: value for key, value in core.items() if key != "texts"}
    return index | {"sections": sections}


def growth(site: Path, factor: int = 10) -> None:
    """Index and semantic sizes, and engine speed, for a synthetic site `factor` times larger."""
    index = read_index(site)
    config = ranking_config()  # with the settings only the build reads (the semantic table's)
    stop = set(config["query"]["stop_words"].split())
    rng = random.Random(10)
    # New pages bring new words, most of them common ones: draw replacements by Zipf's law over the
    # 20,000 commonest English words (so the vocabulary grows slower than the site, as real sites do).
    fresh = [w for w in search_semantic.english_words(20_000) if w not in stop]
    zipf = list(itertools.accumulate(1 / rank for rank in range(1, len(fresh) + 1)))
    pages, sections = list(index["pages"]), list(index["sections"])
    for copy in range(1, factor):
        offset = len(pages)
        pages += [[f"copy{copy}/{url}", f"{title} {copy}", *rest] for url, title, *rest in index["pages"]]
        for section in index["sections"]:
            def vary(text: str) -> str:  # a quarter of the words become other English words
                return " ".join(rng.choices(fresh, cum_weights=zipf)[0] if rng.random() < 0.25 else w
                                for w in text.split())
            sections.append([section[0] + offset, section[1], vary(section[2]), vary(section[3]),
                             vary(section[4]), section[5], *map(vary, section[6:])])
    big = {**index, "pages": pages, "sections": sections}
    sample = ["is dry needling painful", "pregnant", "how often", "can i exercise after dry needling",
              "does insurance cover it", "what is a trigger point", "headache after needling",
              "is it safe for children", "sore neck from desk work", "bruise"]
    with tempfile.TemporaryDirectory(prefix="search-growth-") as tmp:
        out = Path(tmp)
        started = time.process_time()
        table = search_semantic.build_table(site_words(big), config["semantic"], stop, capitalised_words(big))
        table_cpu = time.process_time() - started
        write_split_index(out, big, search_semantic.shards(table))
        sizes = {where: {"core": ((folder / INDEX_FILE).stat().st_size, gz((folder / INDEX_FILE).read_bytes())),
                         **{name: folder_parts(folder / name) for name in PART_FOLDERS}}
                 for where, folder in (("today", site), ("10x", out))}
        page_gz = sum(gz(f.read_bytes()) for f in page_assets(site, site / "search.html")
                      if f.name != INDEX_FILE)
        downloads = {where: query_downloads(folder, sample, page_gz + sizes[where]["core"][1])
                     for where, folder in (("today", site), ("10x", out))}
        started = time.perf_counter()
        run = rank(out, ["is dry needling painful", "pregnant", "how often"] * 10)[0]
        node_ms = (time.perf_counter() - started) * 1000
    print(f"\ngrowth: a synthetic site {factor}x today's ({len(sections)} sections, made here, not kept)")
    print(f"| file | today raw | today gzip | {factor}x raw | {factor}x gzip |")
    print("|---|---|---|---|---|")
    t, b = sizes["today"]["core"], sizes["10x"]["core"]
    print(f"| {INDEX_FILE} (core, on opening) | {t[0]} | {t[1]} | {b[0]} | {b[1]} |")
    for name in PART_FOLDERS:
        t, b = sizes["today"][name], sizes["10x"][name]
        print(f"| {name}/, all {len(t)} / {len(b)} parts | {sum(p[1] for p in t)} | {sum(p[2] for p in t)} |"
              f" {sum(p[1] for p in b)} | {sum(p[2] for p in b)} |")
        print(f"| {name}/, largest part | {max(p[1] for p in t)} | {max(p[2] for p in t)} |"
              f" {max(p[1] for p in b)} | {max(p[2] for p in b)} |")
    for where in ("today", "10x"):
        d = downloads[where]
        print(f"{where}: the search page's download for {len(d)} sample queries (opening plus the parts each loads):"
              f" median {statistics.median(d):.0f}, worst {max(d)} gzip"
              f" ({'within' if max(d) <= BUDGET_GZIP else 'OVER'} the {BUDGET_GZIP // 1000} KB budget)")
    print(f"{factor}x: semantic table built in {table_cpu:.1f} s CPU; in Node, engine load plus 30 queries "
          f"{node_ms:.0f} ms, {run['ms_per_query']:.1f} ms a query")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--queries", type=Path, nargs="+", default=[p for p in DEFAULT_QUERIES if p.is_file()])
    parser.add_argument("--site", type=Path, help="an already built site")
    parser.add_argument("--typing", type=int, default=40, help="how many queries to type in Chromium (0: none)")
    parser.add_argument("--folds", type=int, default=5, help="cross-validation folds on real questions (0: none)")
    parser.add_argument("--no-growth", action="store_true", help="skip the synthetic 10x site")
    parser.add_argument("--no-semantic", action="store_true", help="rank without the semantic table")
    parser.add_argument("--failures", type=int, default=30, help="how many missed queries to list per file")
    parser.add_argument("--explain", type=int, default=0, metavar="N",
                        help="for the first N missed queries of each file, each concept's share of the score")
    parser.add_argument("--set", action="append", default=[], metavar="NAME=VALUE",
                        help="try a ranking setting, e.g. --set query.synonym_weight=0.5")
    args = parser.parse_args(argv)
    overrides = {name: tomllib.loads(f"v = {value}")["v"] for name, value in (s.split("=", 1) for s in args.set)}
    with tempfile.TemporaryDirectory(prefix="search-bench-") as tmp:
        site = args.site or Path(tmp) / "site"
        if not args.site:
            build(site)
        everything = []
        for path in args.queries:
            queries = read_queries(path)
            everything += queries
            ranked = rank(site, [q.text for q in queries], [overrides], not args.no_semantic)[0]["ranked"]
            print(f"\n## {path.name} ({len(queries)} queries)\n")
            print_scores(queries, ranked, args.failures)
            if args.explain:
                missed = [q for q, r in zip(queries, ranked, strict=True) if q.rank(r) != 1]
                explain(site, missed[:args.explain], overrides, not args.no_semantic)
            if args.folds and path.name.startswith(REAL_QUESTIONS):
                cross_validate(site, queries, args.folds)
        if args.typing:
            typing_times(site, everything, args.typing)
        download(site, [q.text for q in everything])
        if not args.no_growth:
            growth(site)
    return 0


if __name__ == "__main__":
    sys.exit(main())
