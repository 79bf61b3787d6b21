"""A maintainer's mistake in an input file ends with `path:line: what is wrong; what to write`, a
non-zero exit and no traceback, on the first run and on the next.

These cases are about the command line (exit status, what reaches the terminal), so each runs the
site's own strict build (`shared.sphinx_command`, as `make html` does) with the real conf.py, on a
tiny source folder. Most stop before any page is read, so each run takes about a second.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from tools import build_versions, shared

PAGE = ("---\ndescription: A test page.\nreviewed: 2026-11-01\nnext-review: 2027-05-01\n"
        "reviewer: Registered physiotherapist\nsign-off: pending\n---\n\n(home)=\n# Home\n\nText.\n")
BIB = "@article{known2020,\n  author = {Known, Ann},\n  title = {A known study},\n  year = {2020},\n}\n"
MANIFEST = 'current = "1.0"\n\n[[release]]\nname = "1.0"\ncommit = "0123abc"\ndate = 2026-11-01\nsummary = "x"\n'
BANNER = ("Traceback", "please open an issue", "Extension error", "Exception occurred")


def tiny_site(root: Path, files: dict[str, str | bytes]) -> Path:
    """The site's layout in `root` (conf.py, docs/_ext, _templates, _static) with these source files."""
    docs = root / "docs"
    docs.mkdir(parents=True)
    (root / "conf.py").write_text((shared.ROOT / "conf.py").read_text(encoding="utf-8"), encoding="utf-8")
    for tooling in ("_ext", "_templates", "_static"):
        (docs / tooling).symlink_to(shared.DOCS / tooling)
    for name, content in {"index.md": PAGE, "references.bib": BIB, **files}.items():
        (docs / name).write_bytes(content if isinstance(content, bytes) else content.encode())
    return root


def strict_build(root: Path, env: dict | None = None) -> subprocess.CompletedProcess:
    out = root / "_build" / "html"
    # The search index needs more sections than a one-page site has (its semantic layer fails with fewer).
    # The theme's sheets are shipped whole: pruning them reads no input file and takes a fifth of each run.
    cmd = shared.sphinx_command(out, "-q", "-d", str(out / ".doctrees"), "-D", "section_search_enabled=0",
                                "-D", "prune_theme_css=0", srcdir=root / "docs", confdir=root)
    return subprocess.run(cmd, capture_output=True, text=True, cwd=shared.ROOT, check=False,
                          env={**os.environ, **(env or {})})


CASES = [
    pytest.param({"references.bib": BIB.replace("{2020},", "{2020,")}, {},
                 ["references.bib:5:", "BibTeX syntax error", "entry `known2020` that starts at line 1",
                  "braces closed"], id="bib-syntax"),
    pytest.param({"references.bib": BIB + BIB}, {},
                 ["references.bib:6:", "`known2020` is used twice (first at line 1)", "give each entry its own key"],
                 id="bib-duplicate-key"),
    pytest.param({"index.md": PAGE.encode().replace(b"Text.", b"Caf\xe9.")}, {},
                 ["index.md:12:", "byte 0xe9 in column 4 is not UTF-8", "save the file as UTF-8"],
                 id="page-not-utf8"),
    pytest.param({"redirects.toml": b'[pages]\n"old" = "caf\xe9"\n'}, {},
                 ["redirects.toml:2:", "is not UTF-8"], id="data-file-not-utf8"),
    pytest.param({}, {"SITE_BASEURL": "hillstar.ca/dry-needling"},
                 ["conf.py:", "'hillstar.ca/dry-needling/'", "not a full address",
                  "SITE_BASEURL=https://hillstar.ca/dry-needling/"], id="baseurl-without-scheme"),
    pytest.param({"versions.toml": MANIFEST.replace('current = "1.0"', 'current = "2.0"')}, {},
                 ["versions.toml:1:", "current = '2.0' is not one of the releases", "set it to the release"],
                 id="versions-current-unlisted"),
    pytest.param({"versions.toml": MANIFEST.replace('summary = "x"', 'summary = "x')}, {},
                 ["versions.toml:7:", "not valid TOML"], id="versions-toml-syntax"),
    pytest.param({"versions.toml": MANIFEST + MANIFEST.split("\n", 2)[2]}, {},
                 ["versions.toml:9:", "'1.0' is used twice"], id="versions-duplicate-name"),
    pytest.param({"evidence.toml": '# Findings\n[[finding]]\nsource = "known2020\n'}, {},
                 ["evidence.toml:3:", "not valid TOML"], id="evidence-toml-syntax"),
    pytest.param({"redirects.toml": '[pages]\n"old" = "index"\n"new" = index\n'}, {},
                 ["redirects.toml:3:", "not valid TOML", "quote both sides"], id="redirects-toml-syntax"),
]


@pytest.mark.parametrize(("files", "env", "expected"), CASES)
def test_input_mistake_is_named_at_its_line_on_every_run(tmp_path, files, env, expected):
    root = tiny_site(tmp_path / "site", files)
    for run in (1, 2):  # the second run, after what the first left behind, must fail the same way
        result = strict_build(root, env)
        assert result.returncode != 0, f"run {run} passed:\n{result.stdout}\n{result.stderr}"
        for fragment in expected:
            assert fragment in result.stderr, f"run {run}: {fragment!r} not in:\n{result.stderr}"
        assert not any(word in result.stderr + result.stdout for word in BANNER), result.stderr
        if not any(path.is_file() for path in (root / "_build").rglob("*")):
            break  # the first run stopped before writing a file: a second would build from the same state


def test_versions_build_reports_a_failed_dev_page_without_a_traceback(monkeypatch, tmp_path, capsys):
    """`make versions` with a broken dev page: the page's message and exit status 1, not a RuntimeError."""
    message = f"{shared.DOCS / 'about.md'}:1: WARNING: front matter field 'reviewed': missing"

    def failing_build(version, cache):  # the releases build; dev, the working tree, does not
        if version.name == "dev":
            raise build_versions.BuildFailed(version, message)
        return version, 0.0, 0

    monkeypatch.setattr(build_versions, "build", failing_build)
    code = build_versions.main(["--out", str(tmp_path / "site"), "--cache", str(tmp_path / "cache")])
    err = capsys.readouterr().err
    assert code == 1
    assert message in err and "failed to build; fix the problems above" in err
    assert "Traceback" not in err


def test_make_html_stops_with_the_message_and_no_traceback(tmp_path):
    """The Makefile's own target (a base URL without https:// stops it before any page is read)."""
    result = subprocess.run(["make", "-s", "html", f"BUILDDIR={tmp_path}"], cwd=shared.ROOT, capture_output=True,
                            text=True, check=False, env={**os.environ, "SITE_BASEURL": "hillstar.ca/dry-needling"})
    assert result.returncode == 2, f"exit {result.returncode}:\n{result.stdout}\n{result.stderr}"  # make's status
    assert "conf.py:" in result.stderr and "not a full address" in result.stderr
    assert not any(word in result.stderr for word in BANNER), result.stderr
