"""Benchmark the site: build times, test-suite time, page weight and Lighthouse scores.

    python tools/bench.py [--runs 3] [--skip-tests] [--skip-lighthouse] [--jobs N]

Builds run in a temporary copy of conf.py and docs/ (others edit the real pages while this
runs), each timed `--runs` times; the median is printed, as wall time and as CPU time (user +
system of sphinx-build). On a shared machine wall time swings with load; CPU time does not.
Page weight is counted from the built files: the HTML plus every stylesheet, script, image and
icon it links, the files those stylesheets reference with url(), and the .json files that its
scripts fetch. "gzip" is each file compressed at level 6, as deploy/nginx-site.conf serves it.
Lighthouse (npm, version pinned below) runs on Debian's Chromium against the site served by
nginx with the shipped config when nginx is installed, else by Python's http.server (no gzip).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
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

def timed(cmd: list[str], cwd: Path) -> tuple[float, float]:
    """Run `cmd`; return (wall seconds, CPU seconds of the child). Fails loudly on error."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    result = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if result.returncode != 0:
        sys.exit(f"bench: {' '.join(cmd)} failed:\n{result.stderr}")
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


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

def test_suite_time() -> tuple[float, int]:
    start = time.perf_counter()
    result = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"], cwd=ROOT,
                            capture_output=True, text=True)
    wall = time.perf_counter() - start
    lines = result.stdout.strip().splitlines() or ["(no output)"]
    for line in [line for line in lines if line.startswith(("FAILED", "ERROR"))] + lines[-1:]:
        print("  " + line, file=sys.stderr)
    return wall, result.returncode


# -- Report -----------------------------------------------------------------------

def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3, help="timed runs of each build (median reported)")
    parser.add_argument("--jobs", help="pass -j JOBS to sphinx-build (e.g. auto) to compare parallel builds")
    parser.add_argument("--skip-tests", action="store_true", help="do not time the test suite (it takes minutes)")
    parser.add_argument("--skip-lighthouse", action="store_true", help="do not run Lighthouse")
    parser.add_argument("--lighthouse-runs", type=int, default=1, help="Lighthouse runs per page (median reported)")
    args = parser.parse_args()

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

        if not args.skip_tests:
            print("Running the test suite ...", file=sys.stderr)
            wall, code = test_suite_time()
            print(f"\nTest suite (pytest, one run): {wall:.1f} s wall, exit code {code}")

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
