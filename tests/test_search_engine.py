"""The search engine's unit tests (tests/js/, Node's built-in test runner): no site build, no browser."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

from tools import search_bench, shared
from tools.shared import ROOT

NODE = shutil.which("node") or "/usr/bin/node"


def test_engine_unit_tests_pass_in_node():
    result = subprocess.run([NODE, "--test", str(ROOT / "tests" / "js")], capture_output=True, text=True,
                            cwd=ROOT, env={"PATH": "/usr/bin:/bin", "PYTHON": sys.executable})
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert "# fail 0" in result.stdout and "# pass 0" not in result.stdout, result.stdout[-2000:]


def test_a_one_page_site_builds_its_index_and_semantic_parts(small_project, tmp_path):
    """The indexer on a tiny project: a site with a handful of words still gets its semantic table.

    Built in a child process: the word vectors start threads, and a test process that forks later
    (test_versions) must not inherit them."""
    project = small_project({"index": "# Pain\n\nA stiff neck.\n"}, ["myst_parser", "section_search"])
    out = tmp_path / "out"
    result = subprocess.run(shared.sphinx_command(out, "-q", srcdir=project.src, confdir=project.src),
                            capture_output=True, text=True, cwd=ROOT, check=False,
                            env={**os.environ, "PYTHONPATH": str(ROOT / shared.EXTENSIONS)})
    assert result.returncode == 0 and not result.stderr, result.stderr
    index = search_bench.read_global(out / "section-search-index.js")
    assert [section[2] for section in index["sections"]] == ["Pain"]
    parts = list((out / "section-search-semantic").glob("*.js"))
    assert parts, "a tiny site should still get the lay-word table"
    text = (out / "section-search-semantic" / "p.js").read_text(encoding="utf-8")
    part = json.loads(text[text.index("]=") + 2:].rstrip().rstrip(";"))
    assert "painful" in part["words"].split(), "the lay word 'painful' should map to the site's 'pain'"
