"""Benchmark `make versions`: cold (empty cache) and cached (nothing changed) builds, median of 3 each.

    .venv/bin/python tools/bench_versions.py [--runs 3]

Runs on a fresh clone of HEAD in a temporary directory, so edits in progress in this tree neither
disturb the timings nor get built. Uses this interpreter (the project's .venv).
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tools.shared import ROOT


def timed(clone: Path, cache: Path) -> float:
    started = time.perf_counter()
    result = subprocess.run([sys.executable, "-m", "tools.build_versions", "--out", str(clone / "_build/site"),
                             "--cache", str(cache)], cwd=clone, check=False, capture_output=True, text=True)
    if result.returncode != 0:
        sys.exit(f"bench_versions: make versions exited {result.returncode}:\n{result.stdout}\n{result.stderr}")
    return time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-versions-") as tmp:
        clone = Path(tmp) / "clone"
        subprocess.run(["git", "clone", "--quiet", str(ROOT), str(clone)], check=True)
        cold, warm = [], []
        for run in range(args.runs):
            cache = Path(tmp) / f"cache-{run}"
            cold.append(timed(clone, cache))  # empty cache: every version is built
            warm.append(timed(clone, cache))  # same inputs: every version comes from the cache
            shutil.rmtree(cache)
    cold_median, warm_median = statistics.median(cold), statistics.median(warm)
    print(f"cold   (empty cache)     median {cold_median:6.2f}s  runs: {', '.join(f'{t:.2f}' for t in cold)}")
    print(f"cached (nothing changed) median {warm_median:6.2f}s  runs: {', '.join(f'{t:.2f}' for t in warm)}")
    print(f"cached / cold = {warm_median / cold_median:.1%} (target: under 25%)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
