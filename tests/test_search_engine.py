"""The search engine's unit tests (tests/js/, Node's built-in test runner): no site build, no browser."""

from __future__ import annotations

import shutil
import subprocess
import sys

from tools.shared import ROOT

NODE = shutil.which("node") or "/usr/bin/node"


def test_engine_unit_tests_pass_in_node():
    result = subprocess.run([NODE, "--test", str(ROOT / "tests" / "js")], capture_output=True, text=True,
                            cwd=ROOT, env={"PATH": "/usr/bin:/bin", "PYTHON": sys.executable})
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert "# fail 0" in result.stdout and "# pass 0" not in result.stdout, result.stdout[-2000:]
