"""Benchmark the site: build times, test-suite time, page weight and Lighthouse scores.

    python tools/bench.py [--runs 3] [--skip-tests] [--skip-lighthouse] [--jobs N] [--growth 10] [--suite-only]
                          [--against COMMIT]

Builds run in a temporary copy of conf.py and docs/ (others edit the real pages while this
runs), each timed `--runs` times; the median is printed, as wall time and as CPU time (user +
system of sphinx-build). On a shared machine wall time swings with load; CPU time does not.
Growth: a synthetic site ten times today's size is made in the temporary folder and built, full
and after a one-page edit, in turn with today's in every run (the baseline is measured in the same
run), with the per-page tests run on both.
Page weight is counted from the built files: the HTML plus every stylesheet, script, image and
icon it links, the files those stylesheets reference with url(), and the .json files that its
scripts fetch. "gzip" is each file compressed at level 6, as deploy/nginx-site.conf serves it.
The suite: `make test` timed once; with `--against COMMIT`, the suite of this tree and of a clone at
COMMIT run side by side, started together, so the load falls on both alike (the ratio is the measure).
Lighthouse (npm, version pinned below) runs on Debian's Chromium against the site served by
nginx with the shipped config when nginx is installed, else by Python's http.server (no gzip).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from tools.browser import CHROMIUM, CHROMIUM_ARGS, NGINX, serve_nginx
from tools.browser import serve as serve_python
from tools.page_weight import BUDGET_BYTES, gzip_weight, page_assets, weight
from tools.shared import BUILD, ROOT, sphinx_command

LIGHTHOUSE = "lighthouse@12.2.3"  # pinned exactly: scores move between releases
TOOLS_DIR = BUILD / "tools"
EDITED_PAGE = "topics/safety/aftercare.md"
LIGHTHOUSE_PAGES = ["index", "topics/science/what-is-dry-needling", "topics/safety/aftercare",
                    "topics/conditions/low-back-and-sciatica"]
TARGETS = {"performance": 98, "accessibility": 100, "best-practices": 100, "seo": 100}


# -- Build times ----------------------------------------------------------------

def timed_output(cmd: list[str], cwd: Path) -> tuple[float, float, str]:
    """Run `cmd`; return (wall seconds, CPU seconds of the child, its stderr). Fails loudly on error."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    result = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if result.returncode != 0:
        sys.exit(f"bench: {' '.join(cmd)} exited {result.returncode}:\n{result.stdout}\n{result.stderr}")
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime), result.stderr


def timed(cmd: list[str], cwd: Path) -> tuple[float, float]:
    wall, cpu, _ = timed_output(cmd, cwd)
    return wall, cpu


def build_times(work: Path, runs: int, jobs: str | None) -> tuple[dict[str, list[tuple[float, float]]], Path]:
    out, doctrees = work / "html", work / "doctrees"
    cmd = sphinx_command(out, "-q", "-d", str(doctrees), *(["-j", jobs] if jobs else []),
                         srcdir=work / "docs", confdir=work)
    times: dict[str, list[tuple[float, float]]] = {"full build": [], "no-change rebuild": [],
                                                   "one-page-edit rebuild": []}
    edited = work / "docs" / EDITED_PAGE
    for run in range(runs):
        shutil.rmtree(out, ignore_errors=True)
        shutil.rmtree(doctrees, ignore_errors=True)
        times["full build"].append(timed(cmd, work))
        times["no-change rebuild"].append(timed(cmd, work))
        with edited.open("a", encoding="utf-8") as page:
            page.write(f"\nBenchmark edit {run}.\n")
        times["one-page-edit rebuild"].append(timed(cmd, work))
        print(f"  run {run + 1}/{runs} done", file=sys.stderr)
    return times, out


def copy_sources(work: Path) -> None:
    shutil.copy2(ROOT / "conf.py", work / "conf.py")
    shutil.copytree(ROOT / "docs", work / "docs", ignore=shutil.ignore_patterns("_build", "__pycache__"))


# -- Growth: a synthetic site ten times today's size -----------------------------

# Pages with site-wide singletons (the glossary's terms, the bibliography, the release list, the home
# page's and the sections' toctrees) are not copied; every other page is, under a new name with its
# labels renamed.
SINGLETONS = {"index", "glossary", "references", "changelog"}


def make_synthetic_site(work: Path, factor: int) -> int:
    """Copy conf.py and docs/ into `work`, then add copies of the pages until the site has about
    `factor` times as many; returns the number of pages. Each copy `<page>-xN` has its labels renamed
    (`(aftercare-bruise)=` -> `(aftercare-x2-bruise)=`), links to other pages still go to the originals,
    and a hidden toctree on the home page lists the copies, so the build reads, links and writes them
    all as it does today's pages."""
    work.mkdir(parents=True, exist_ok=True)
    copy_sources(work)
    docs = work / "docs"
    pages = sorted(p for p in docs.rglob("*.md") if not p.relative_to(docs).parts[0].startswith("_"))
    copied = [p for p in pages if str(p.relative_to(docs).with_suffix("")) not in SINGLETONS
              and p.stem != "index"]  # a section's home lists its pages: one toctree entry each
    copies = []
    while len(pages) + len(copies) < factor * len(pages):
        n = len(copies) // len(copied) + 2
        for page in copied:
            slug, name = page.stem, f"{page.stem}-x{n}"
            text = re.sub(rf"^\({re.escape(slug)}(?=[-)])", f"({name}", page.read_text(encoding="utf-8"), flags=re.M)
            target = page.with_name(f"{name}.md")
            target.write_text(text, encoding="utf-8")
            copies.append(str(target.relative_to(docs).with_suffix("")))
            if len(pages) + len(copies) >= factor * len(pages):
                break
    with (docs / "index.md").open("a", encoding="utf-8") as index:
        index.write("\n```{toctree}\n:hidden:\n\n" + "\n".join(copies) + "\n```\n")
    return len(pages) + len(copies)


def growth_times(work: Path, runs: int, jobs: str | None, factor: int) -> tuple[dict, dict, int, int]:
    """Full build and one-page-edit rebuild of today's site and of the synthetic one, run after run
    in turn (so load on a shared machine falls on both alike); returns their samples, the warning
    count of the synthetic build (it is built without -W: copies repeat some checked facts) and pages."""
    today, big = work / "today", work / f"{factor}x"
    today.mkdir()
    copy_sources(today)
    pages = make_synthetic_site(big, factor)
    samples: dict[str, dict[str, list[tuple[float, float]]]] = {
        name: {"full build": [], "one-page-edit rebuild": []} for name in ("today", f"{factor}x")}
    warnings = 0
    for run in range(runs):
        for name, root in (("today", today), (f"{factor}x", big)):
            out, doctrees = root / "html", root / "doctrees"
            shutil.rmtree(out, ignore_errors=True)
            shutil.rmtree(doctrees, ignore_errors=True)
            cmd = sphinx_command(out, "-q", "-d", str(doctrees), *(["-j", jobs] if jobs else []),
                                 srcdir=root / "docs", confdir=root, fail_on_warnings=name == "today")
            wall, cpu, stderr = timed_output(cmd, root)
            samples[name]["full build"].append((wall, cpu))
            if name != "today":
                warnings = sum(1 for line in stderr.splitlines() if "WARNING" in line)
            with (root / "docs" / EDITED_PAGE).open("a", encoding="utf-8") as page:
                page.write(f"\nBenchmark edit {run}.\n")
            samples[name]["one-page-edit rebuild"].append(timed(cmd, root))
        print(f"  growth run {run + 1}/{runs} done", file=sys.stderr)
    return samples, {"today": today, f"{factor}x": big}, warnings, pages


def page_test_time(root: Path) -> tuple[float, int, int]:
    """The tests that run once per page (axe-core, requests, HTML validity), on the site in `root`:
    TEST_SITE points tests/conftest.py at it. The desktop visits only (axe-core in the light scheme
    and the dark; the phone's are as many again), so the 10x run stays minutes."""
    started = time.perf_counter()
    result = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-n", "auto",
                             "-k", "desktop-light or valid_html",
                             "tests/test_accessibility.py::test_no_axe_violations",
                             "tests/test_privacy.py::test_page_makes_no_third_party_requests_or_errors",
                             "tests/test_html_validity.py"],
                            cwd=ROOT, capture_output=True, text=True, check=False,
                            env={**os.environ, "TEST_SITE": str(root)})
    wall = time.perf_counter() - started
    summary = (result.stdout.strip().splitlines() or ["(no output)"])[-1]
    passed = int(m.group(1)) if (m := re.search(r"(\d+) passed", summary)) else 0
    return wall, result.returncode, passed


# -- Page weight ------------------------------------------------------------------

def weight_table(out: Path) -> list[tuple[str, int, int, int]]:
    """(page, files, uncompressed bytes, gzip bytes) for the home page and every topic page."""
    pages = [out / "index.html", *sorted((out / "topics").rglob("*.html"))]
    rows = []
    for page in pages:
        files = page_assets(out, page)
        rows.append((page.relative_to(out).as_posix(), len(files), weight(files), gzip_weight(files)))
    return rows


# -- Lighthouse -------------------------------------------------------------------

def lighthouse_cli() -> Path:
    cli = TOOLS_DIR / "node_modules" / "lighthouse" / "cli" / "index.js"
    package = TOOLS_DIR / "node_modules" / "lighthouse" / "package.json"
    wanted = LIGHTHOUSE.split("@")[1]
    if not package.exists() or json.loads(package.read_text())["version"] != wanted:
        TOOLS_DIR.mkdir(parents=True, exist_ok=True)
        subprocess.run(["npm", "install", "--prefix", str(TOOLS_DIR), "--no-audit", "--no-fund", "-E", LIGHTHOUSE],
                       check=True)
    return cli


def run_lighthouse(cli: Path, url: str, report: Path) -> dict:
    cmd = ["node", str(cli), url, "--quiet", "--form-factor=mobile", "--output=json", f"--output-path={report}",
           "--only-categories=performance,accessibility,best-practices,seo",
           f"--chrome-flags={' '.join(CHROMIUM_ARGS)}"]
    subprocess.run(cmd, check=True, env={**os.environ, "CHROME_PATH": CHROMIUM})
    data = json.loads(report.read_text(encoding="utf-8"))
    scores = {name: round(category["score"] * 100) for name, category in data["categories"].items()}
    scores["fcp_ms"] = data["audits"]["first-contentful-paint"]["numericValue"]
    scores["bytes"] = data["audits"]["total-byte-weight"]["numericValue"]
    scores["failing"] = sorted(
        f"{category}: {audit_id}" for category, cat in data["categories"].items() for ref in cat["auditRefs"]
        if ref["weight"] > 0 and (audit := data["audits"][ref["id"]])["score"] is not None
        and audit["score"] < 1 and (audit_id := ref["id"]))
    return scores


def lighthouse_scores(out: Path, runs: int, report_dir: Path) -> tuple[str, dict[str, list[dict]]]:
    cli = lighthouse_cli()
    server = serve_nginx(out) if Path(NGINX).exists() else serve_python(out)
    label = "nginx with deploy/nginx-site.conf" if Path(NGINX).exists() else "python http.server (no gzip)"
    results: dict[str, list[dict]] = {}
    with server as base:
        for page in LIGHTHOUSE_PAGES:
            report = report_dir / page.replace("/", "_")
            results[page] = [run_lighthouse(cli, f"{base}/{page}.html", report.with_name(f"{report.name}-{n}.json"))
                             for n in range(runs)]
    return label, results


# -- Test suite -------------------------------------------------------------------

class TreeCPU(threading.Thread):
    """The CPU seconds (user + system) of every process under `root` (this one by default), read from
    /proc four times a second while it runs. Waited-for children's times (getrusage) miss Chromium's
    renderers: the zygote process that reaps them is never waited for, so their time reaches no parent."""

    def __init__(self, root: int | None = None) -> None:
        super().__init__(daemon=True)
        self.seen: dict[tuple[int, str], float] = {}  # (pid, start time) -> its own CPU seconds so far
        self.root = root or os.getpid()
        self.counts_root = root is not None  # a child's own time counts; this process's is the bench's
        self.running = True

    def run(self) -> None:
        ticks, me = os.sysconf("SC_CLK_TCK"), self.root
        while self.running:
            stats = {}
            for pid in filter(str.isdigit, os.listdir("/proc")):
                try:
                    stat = Path(f"/proc/{pid}/stat").read_text()
                except OSError:
                    continue
                fields = stat[stat.rindex(")") + 2:].split()  # after the command name, which may hold spaces
                stats[int(pid)] = (int(fields[1]), fields[19], (int(fields[11]) + int(fields[12])) / ticks)
            for pid, (_, started, cpu) in stats.items():
                parent = pid
                while parent in stats and parent != me:
                    parent = stats[parent][0]
                if parent == me and (pid != me or self.counts_root):
                    self.seen[pid, started] = max(cpu, self.seen.get((pid, started), 0.0))
            time.sleep(0.25)

    def stop(self) -> float:
        self.running = False
        self.join()
        return sum(self.seen.values())


def test_suite_time() -> tuple[float, float, int]:
    """`make test` as CI and the README run it (lint, then the suite on every core), timed once:
    (wall seconds, CPU seconds of everything it ran, Chromium and Java included; exit status)."""
    cpu_meter = TreeCPU()
    cpu_meter.start()
    start = time.perf_counter()
    result = subprocess.run(["make", "--no-print-directory", "-s", "test"], cwd=ROOT, capture_output=True,
                            text=True, check=False, env={**os.environ, "PYTEST_ADDOPTS": "-q -p no:cacheprovider"})
    wall = time.perf_counter() - start
    cpu = cpu_meter.stop()
    lines = result.stdout.strip().splitlines() or ["(no output)"]
    for line in [line for line in lines if line.startswith(("FAILED", "ERROR"))] + lines[-1:]:
        print("  " + line, file=sys.stderr)
    if result.returncode != 0:
        print(result.stderr[-3000:], file=sys.stderr)
    return wall, cpu, result.returncode


# -- Report -----------------------------------------------------------------------

def suites_side_by_side(roots: dict[str, Path]) -> dict[str, tuple[float, float, int, str]]:
    """The suite (pytest on every core, as `make test` runs it after lint) in each tree, all started
    together: {name: (wall seconds, CPU seconds of its every process, exit status, summary line)}."""
    env = {**os.environ, "PYTEST_ADDOPTS": f"-q -p no:cacheprovider {os.environ.get('PYTEST_ADDOPTS', '')}"}
    start = time.perf_counter()
    outputs: dict[str, tuple[str, float]] = {}

    def read(name: str, process: subprocess.Popen) -> None:
        outputs[name] = (process.stdout.read(), time.perf_counter() - start)

    runs = {}
    for name, root in roots.items():
        process = subprocess.Popen([sys.executable, "-m", "pytest", "-n", "auto"], cwd=root, env=env, text=True,
                                   stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        meter, reader = TreeCPU(process.pid), threading.Thread(target=read, args=(name, process))
        meter.start()
        reader.start()
        runs[name] = (process, meter, reader)
    results = {}
    for name, (process, meter, reader) in runs.items():
        reader.join()
        code = process.wait()
        output, wall = outputs[name]
        lines = output.strip().splitlines() or ["(no output)"]
        for line in [line for line in lines if line.startswith(("FAILED", "ERROR"))]:
            print(f"  {name}: {line}", file=sys.stderr)
        results[name] = (wall, meter.stop(), code, lines[-1])
    return results


def report_suite(against: str | None = None) -> None:
    print("Running the test suite ...", file=sys.stderr)
    load = os.getloadavg()[0]
    if against is None:
        wall, cpu, code = test_suite_time()
        print(f"\nTest suite (`make test`: lint, then pytest on every core; one run, load average {load:.1f} "
              f"at the start, {os.getloadavg()[0]:.1f} at the end): {wall:.1f} s wall, {cpu:.1f} s CPU, "
              f"exit code {code}")
        return
    with tempfile.TemporaryDirectory(prefix="bench-against-") as tmp:
        baseline = Path(tmp) / "baseline"
        subprocess.run(["git", "clone", "-q", str(ROOT), str(baseline)], check=True)
        subprocess.run(["git", "-C", str(baseline), "checkout", "-q", against], check=True)
        if (ROOT / "node_modules" / ".installed").is_file():
            # esbuild (the build minifies with it) and ESLint, as installed here: a copy, never a link (a
            # test runs `make html` there, whose `npm ci` would empty this tree's), marked up to date.
            shutil.copytree(ROOT / "node_modules", baseline / "node_modules", symlinks=True)
            (baseline / "node_modules" / ".installed").touch()
        # The same virtualenv: `tools` and the tests are imported from the folder each suite runs in.
        results = suites_side_by_side({"this tree": ROOT, against: baseline})
    print(f"\nTest suite, this tree beside {against}, started together (pytest on every core; one run each; "
          f"load average {load:.1f} at the start, {os.getloadavg()[0]:.1f} at the end)\n")
    print("| tree | wall s | CPU s | exit | result |")
    print("| ---- | -----: | ----: | ---: | ------ |")
    for name, (wall, cpu, code, summary) in results.items():
        print(f"| {name} | {wall:.1f} | {cpu:.1f} | {code} | {summary} |")
    (wall, cpu, *_), (base_wall, base_cpu, *_) = results.values()
    print(f"\nThis tree / {against}: wall {wall / base_wall:.2f}, CPU {cpu / base_cpu:.2f}")


def report_growth(work: Path, args) -> None:
    work.mkdir()
    samples, roots, warnings, pages = growth_times(work, args.runs, args.jobs, args.growth)
    big = f"{args.growth}x"
    today_pages = sum(1 for _ in (roots["today"] / "html").rglob("*.html"))
    big_pages = sum(1 for _ in (roots[big] / "html").rglob("*.html"))
    print(f"\n## Growth: today's site and a synthetic one {args.growth}x its size (median of {args.runs}, "
          f"runs interleaved; load average {os.getloadavg()[0]:.1f})\n")
    print(f"Source pages: {pages // args.growth} today, {pages} synthetic; HTML files written: {today_pages} and "
          f"{big_pages}. The synthetic site is built without -W ({warnings} warnings: its copies repeat facts "
          "that the checks want said once).\n")
    print(f"| {'step':<22} | today wall s | today CPU s | {big} wall s | {big} CPU s | CPU ratio | CPU ms per page |")
    print(f"| {'-' * 22} | -----------: | ----------: | {'-' * len(big)}-------: | {'-' * len(big)}------: "
          "| --------: | --------------: |")
    for step in samples["today"]:
        today = [statistics.median(s[i] for s in samples["today"][step]) for i in (0, 1)]
        grown = [statistics.median(s[i] for s in samples[big][step]) for i in (0, 1)]
        per_page = (grown[1] - today[1]) / (big_pages - today_pages) * 1000
        print(f"| {step:<22} | {today[0]:>12.2f} | {today[1]:>11.2f} | {grown[0]:>{len(big) + 7}.2f} | "
              f"{grown[1]:>{len(big) + 6}.2f} | {grown[1] / today[1]:>9.2f} | {per_page:>15.1f} |")
    print("\n(CPU ms per page: the extra CPU time of the synthetic build over today's, per extra HTML file.)")
    if not args.skip_tests:
        print("\nPer-page tests (axe-core and requests at 1280 px, light and dark, HTML validity) on each site, "
              "one run:\n")
        print("| site | tests passed | wall s | exit |")
        print("| ---- | -----------: | -----: | ---: |")
        for name in ("today", big):
            wall, code, passed = page_test_time(roots[name])
            print(f"| {name} | {passed} | {wall:.1f} | {code} |")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3, help="timed runs of each build (median reported)")
    parser.add_argument("--jobs", help="pass -j JOBS to sphinx-build (e.g. auto) to compare parallel builds")
    parser.add_argument("--skip-tests", action="store_true", help="do not time the test suite (it takes minutes)")
    parser.add_argument("--skip-lighthouse", action="store_true", help="do not run Lighthouse")
    parser.add_argument("--lighthouse-runs", type=int, default=1, help="Lighthouse runs per page (median reported)")
    parser.add_argument("--growth", type=int, default=10, metavar="FACTOR",
                        help="also time a synthetic site FACTOR times today's size (0: skip)")
    parser.add_argument("--suite-only", action="store_true", help="time only the test suite (make test)")
    parser.add_argument("--against", metavar="COMMIT",
                        help="time the suite beside a clone at COMMIT, both started together (a ratio under load)")
    args = parser.parse_args()
    if args.suite_only:
        report_suite(args.against)
        return 0

    with tempfile.TemporaryDirectory(prefix="bench-") as tmp:
        work = Path(tmp)
        copy_sources(work)
        print(f"Timing builds ({args.runs} runs{', -j ' + args.jobs if args.jobs else ''}) in a copy of docs/ ...",
              file=sys.stderr)
        times, out = build_times(work, args.runs, args.jobs)
        load = os.getloadavg()[0]
        print(f"\n## Build times (median of {args.runs}; load average {load:.1f} on {os.cpu_count()} cores)\n")
        print(f"| {'step':<22} | {'wall s':>7} | {'CPU s':>6} | goal |")
        print(f"| {'-' * 22} | {'-' * 7}:| {'-' * 6}:| ---- |")
        goals = {"full build": "< 10 s", "one-page-edit rebuild": "< 2 s"}
        for step, samples in times.items():
            wall = statistics.median(s[0] for s in samples)
            cpu = statistics.median(s[1] for s in samples)
            print(f"| {step:<22} | {wall:>7.2f} | {cpu:>6.2f} | {goals.get(step, '')} |")

        if args.growth:
            print(f"Timing a synthetic site {args.growth}x today's ...", file=sys.stderr)
            report_growth(work / "growth", args)

        if not args.skip_tests:
            report_suite(args.against)

        rows = weight_table(out)
        print(f"\n## Page weight (budget {BUDGET_BYTES // 1000} KB uncompressed; 1 KB = 1000 bytes)\n")
        print(f"| {'page':<45} | files | {'KB':>6} | {'gzip KB':>7} | budget |")
        print(f"| {'-' * 45} | ----: | {'-' * 5}: | {'-' * 6}: | ------ |")
        for page, files, raw, packed in rows:
            verdict = "OVER" if raw > BUDGET_BYTES else "ok"
            print(f"| {page:<45} | {files:>5} | {raw / 1000:>6.1f} | {packed / 1000:>7.1f} | {verdict:<6} |")
        over = [row[0] for row in rows if row[2] > BUDGET_BYTES]
        print(f"\n{len(over)} of {len(rows)} pages over budget" + (f": {', '.join(over)}" if over else ""))

        if not args.skip_lighthouse:
            print("Running Lighthouse ...", file=sys.stderr)
            with tempfile.TemporaryDirectory(prefix="bench-lh-") as reports:
                served_by, results = lighthouse_scores(out, args.lighthouse_runs, Path(reports))
            print(f"\n## Lighthouse {LIGHTHOUSE.split('@')[1]}, mobile, median of {args.lighthouse_runs} "
                  f"(served by {served_by})\n")
            print(f"| {'page':<40} | perf | a11y | best pr. | SEO | FCP ms | KB sent |")
            print(f"| {'-' * 40} | ---: | ---: | -------: | --: | -----: | ------: |")
            below = []
            for page, samples in results.items():
                med = {key: statistics.median(s[key] for s in samples)
                       for key in ("performance", "accessibility", "best-practices", "seo", "fcp_ms", "bytes")}
                print(f"| {page:<40} | {med['performance']:>4.0f} | {med['accessibility']:>4.0f} | "
                      f"{med['best-practices']:>8.0f} | {med['seo']:>3.0f} | {med['fcp_ms']:>6.0f} | "
                      f"{med['bytes'] / 1000:>7.1f} |")
                if any(med[name] < target for name, target in TARGETS.items()):
                    failing = sorted({audit for s in samples for audit in s["failing"]})
                    below.append(f"{page}: below target; audits not passed: {', '.join(failing)}")
            print("\n" + ("\n".join(below) if below else
                          "All pages meet the targets (performance >= 98; the rest 100)."))
    return 0


if __name__ == "__main__":
    sys.exit(main())
