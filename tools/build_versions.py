"""Build every version in docs/versions.toml plus `dev` (the working tree) into one static site.

    .venv/bin/python -m tools.build_versions [--out _build/site] [--cache _build/cache] [--jobs 2]

Each release is its own commit's docs/ (from `git archive`) built with TODAY's toolchain: conf.py,
docs/_ext, docs/_templates and docs/_static from the working tree, so every version gets the switcher,
the banner and today's fixes. A version is rebuilt only when its cache key changes: the content (commit,
or a hash of docs/ for dev), a hash of the toolchain and installed packages, and what the build is told
(is it current, the releases up to it, its per-page history). Strictness: `dev` is built like
`make html` (-n -W); releases are built with -n but without -W, their warnings kept in
<cache>/<version>-<key>/warnings.log and counted, because published content cannot be edited to meet
checks added after it was released (it would need a new release instead).
"""

from __future__ import annotations

import argparse
import concurrent.futures
import hashlib
import html
import importlib.metadata
import io
import json
import os
import shutil
import subprocess
import sys
import tarfile
import time
from pathlib import Path

from tools import release_manifest
from tools.shared import BUILD, MANIFEST, ROOT, read_config, sphinx_command

SRCDIR = "docs"
# What builds a version besides its content: the configuration, our extensions and the shared code they use.
TOOLCHAIN = ["conf.py", "pyproject.toml", "tools", "docs/_ext", "docs/_templates", "docs/_static"]
TOOLCHAIN_DIRS = {"_ext", "_templates", "_static"}  # under docs/: tooling, not content


def files_under(paths: list[Path]) -> list[Path]:
    found = []
    for path in paths:
        if path.is_dir():
            found += [p for p in path.rglob("*") if p.is_file() and "__pycache__" not in p.parts]
        elif path.is_file():
            found.append(path)
    return sorted(found)


def digest(files: list[Path], extra: str = "") -> str:
    sha = hashlib.sha256(extra.encode())
    for path in files:
        sha.update(str(path.relative_to(ROOT)).encode() + b"\0" + path.read_bytes() + b"\0")
    return sha.hexdigest()


def toolchain_hash() -> str:
    """The build tools: our toolchain files, the Python version and every installed package's version."""
    packages = sorted(f"{d.metadata['Name']}=={d.version}" for d in importlib.metadata.distributions())
    return digest(files_under([ROOT / p for p in TOOLCHAIN]), sys.version + "\n".join(packages))


def dev_content_hash() -> str:
    docs = ROOT / SRCDIR
    return digest([p for p in files_under([docs]) if p.relative_to(docs).parts[0] not in TOOLCHAIN_DIRS])


def site_baseurl() -> str:
    """The site's address from conf.py (which reads SITE_BASEURL); versions live under it."""
    return read_config(html_baseurl="").html_baseurl  # a setting of the HTML builder, so named with its default


class Version:
    """One version to build: its name, where its content comes from and what the build is told."""

    def __init__(self, name: str, commit: str | None, info: dict, content_id: str, toolchain: str):
        self.name, self.commit, self.info = name, commit, info
        # Canonical links, the sitemap and printed QR codes name this version's own address.
        self.baseurl = site_baseurl().rstrip("/") + f"/{name}/"
        self.inputs = {"content": content_id, "toolchain": toolchain, "baseurl": self.baseurl,
                       "info": hashlib.sha256(json.dumps(info, sort_keys=True).encode()).hexdigest()}
        self.key = hashlib.sha256(json.dumps(self.inputs, sort_keys=True).encode()).hexdigest()[:20]

    def why_rebuilt(self, cache: Path) -> str:
        """Which input changed since the newest cached build of this version."""
        builds = sorted(cache.glob(f"{self.name}-*/inputs.json"), key=lambda p: p.stat().st_mtime)
        if not builds:
            return "not cached"
        before = json.loads(builds[-1].read_text(encoding="utf-8"))
        return "changed: " + (", ".join(k for k in self.inputs if before.get(k) != self.inputs[k]) or "nothing")

    def cache_dir(self, cache: Path) -> Path:
        return cache / f"{self.name}-{self.key}"


DEV_SUMMARY = "Unreleased changes on main."


def version_listing(manifest: release_manifest.Manifest) -> list[dict]:
    """dev, then the releases newest first, with the pages each has: versions.json's list, and the
    switcher's on dev and current pages (rebuilt at every release, since what they are told changes)."""
    dev = {"name": "dev", "date": None, "summary": DEV_SUMMARY, "current": False, "order": len(manifest.releases),
           "pages": release_manifest.version_pages(ROOT, None, SRCDIR)}
    return [dev] + [{"name": r.name, "date": r.date.isoformat(), "summary": r.summary,
                     "current": r.name == manifest.current, "order": index,
                     "pages": release_manifest.version_pages(ROOT, r.commit, SRCDIR)}
                    for index, r in reversed(list(enumerate(manifest.releases)))]


def plan(manifest: release_manifest.Manifest) -> list[Version]:
    toolchain = toolchain_hash()
    listing = version_listing(manifest)
    versions = []
    for index, release in enumerate(manifest.releases):
        published = manifest.releases[: index + 1]
        info = {**release.as_json(), "current": release.name == manifest.current, "order": index,
                "releases": [r.as_json() for r in published],
                "history": release_manifest.page_history(ROOT, published, SRCDIR)}
        if info["current"]:
            info["switcher"] = listing
        versions.append(Version(release.name, release.commit, info, release.commit, toolchain))
    info = {"name": "dev", "date": None, "summary": DEV_SUMMARY, "current": False,
            "order": len(manifest.releases), "current_name": manifest.current,
            "releases": [r.as_json() for r in manifest.releases],
            "history": release_manifest.page_history(ROOT, manifest.releases, SRCDIR, working_tree=True),
            "switcher": listing}
    versions.append(Version("dev", None, info, dev_content_hash(), toolchain))
    return versions


def export_docs(commit: str, dest: Path) -> Path:
    """The commit's docs/ (content only matters: the toolchain comes from the working tree via -c)."""
    archive = subprocess.run(["git", "archive", commit, SRCDIR], cwd=ROOT, capture_output=True, check=True).stdout
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(dest, filter="data")
    return dest / SRCDIR


class BuildFailed(Exception):
    """A version's build failed; its messages (path:line: ...) are what the maintainer needs, not a traceback."""

    def __init__(self, version: Version, messages: str) -> None:
        super().__init__(version.name)
        self.version, self.messages = version, messages


def build(version: Version, cache: Path) -> tuple[Version, float, int]:
    """Build one version into its cache directory; returns (version, seconds, warning count)."""
    started = time.perf_counter()
    work = cache / f"tmp-{version.name}-{os.getpid()}"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    srcdir = export_docs(version.commit, work / "src") if version.commit else ROOT / SRCDIR
    (work / "build.json").write_text(json.dumps(version.info, indent=1), encoding="utf-8")
    (work / "inputs.json").write_text(json.dumps(version.inputs, indent=1), encoding="utf-8")
    # Each release cites its own list of sources, not today's.
    bibliography = srcdir / "references.bib"
    own_bibliography = ["-D", f"bibtex_bibfiles={bibliography}"] if version.commit and bibliography.exists() else []
    # dev is what will be released next: as strict as `make html`. Releases: see the module docstring.
    cmd = sphinx_command(work / "html", "-q", "-d", str(work / "doctrees"), "-D", f"release={version.name}",
                         "-D", f"html_baseurl={version.baseurl}", "-D", f"versions_build={work / 'build.json'}",
                         *own_bibliography, srcdir=srcdir, fail_on_warnings=version.commit is None)
    result = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, check=False)
    (work / "warnings.log").write_text(result.stderr, encoding="utf-8")
    if result.returncode != 0:
        raise BuildFailed(version, result.stderr)
    shutil.rmtree(work / "doctrees")
    shutil.rmtree(work / "src", ignore_errors=True)
    final = version.cache_dir(cache)
    shutil.rmtree(final, ignore_errors=True)
    work.rename(final)  # atomic: a half-built version never looks cached
    warnings = sum(1 for line in result.stderr.splitlines() if "WARNING" in line or "ERROR" in line)
    return version, time.perf_counter() - started, warnings


def link_tree(src: Path, dest: Path) -> None:
    """Copy a built version into the site with hard links (fast, no extra disk); copy across devices."""
    def link(a: str, b: str) -> None:
        try:
            os.link(a, b)
        except OSError:
            shutil.copy2(a, b)
    shutil.copytree(src, dest, copy_function=link)


def versions_json(manifest: release_manifest.Manifest) -> dict:
    return {"current": manifest.current, "versions": version_listing(manifest)}


def root_pages(manifest: release_manifest.Manifest, listing: dict) -> dict[str, str]:
    current = html.escape(manifest.current)
    redirect = (f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
                f'<title>Dry needling (IMS) patient resources</title>'
                f'<meta http-equiv="refresh" content="0; url={current}/index.html">'
                f'<link rel="canonical" href="{current}/index.html"></head>'
                f'<body><p><a href="{current}/index.html">Go to the current version of this site</a>.</p>'
                '</body></html>\n')
    items = "".join(
        f'<li><a href="{html.escape(v["name"])}/index.html">{html.escape(v["name"])}</a>'
        f'{" · " + v["date"] if v["date"] else " (unreleased)"}{" · current release" if v["current"] else ""}'
        f': {html.escape(v["summary"])}</li>' for v in listing["versions"])
    index = (f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>All versions · Dry needling '
             f'(IMS) patient resources</title><meta name="viewport" content="width=device-width, initial-scale=1">'
             f'</head><body><h1>All versions of this site</h1><p>Every release stays readable at its own address. '
             f'<a href="latest/index.html">Read the current release</a>.</p><ul>{items}</ul></body></html>\n')
    return {"index.html": redirect, "versions.html": index}


def assemble(manifest: release_manifest.Manifest, versions: list[Version], cache: Path, out: Path) -> None:
    staging = out.with_name(f"{out.name}.tmp-{os.getpid()}")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    for version in versions:
        link_tree(version.cache_dir(cache) / "html", staging / version.name)
    current = next(v for v in versions if v.name == manifest.current)
    link_tree(current.cache_dir(cache) / "html", staging / "latest")  # a copy: static hosts need no symlinks
    listing = versions_json(manifest)
    (staging / "versions.json").write_text(json.dumps(listing, separators=(",", ":")), encoding="utf-8")
    for name, text in root_pages(manifest, listing).items():
        (staging / name).write_text(text, encoding="utf-8")
    if (headers := staging / current.name / "_headers").exists():  # Netlify/Cloudflare read it at the root
        # Each rule for a path inside a version (/_static/*, /sw.js) applies in every version's folder.
        rules = [f"/*{line}" if line.startswith("/") and line != "/*" else line
                 for line in headers.read_text().splitlines()]
        (staging / "_headers").write_text("\n".join(rules) + "\n")
    old = out.with_name(f"{out.name}.old-{os.getpid()}")
    if out.exists():
        out.rename(old)
    staging.rename(out)
    shutil.rmtree(old, ignore_errors=True)


def prune(cache: Path, versions: list[Version]) -> None:
    """Drop cached builds of these versions that no longer match, and leftovers of killed runs."""
    keep = {v.cache_dir(cache).name for v in versions}
    names = {v.name for v in versions}
    for entry in cache.iterdir():
        stale_tmp = entry.name.startswith("tmp-") and time.time() - entry.stat().st_mtime > 3600
        replaced = entry.name.rsplit("-", 1)[0] in names and entry.name not in keep
        if stale_tmp or replaced:
            shutil.rmtree(entry, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=BUILD / "site")
    parser.add_argument("--cache", type=Path, default=BUILD / "cache")
    parser.add_argument("--manifest", type=Path, default=MANIFEST)
    parser.add_argument("--jobs", type=int, default=min(2, os.cpu_count() or 1), help="versions built at once")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    try:
        manifest = release_manifest.load(args.manifest)
    except release_manifest.ManifestError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    for release, line in release_manifest.missing_commits(ROOT, manifest, shallow_ok=False):
        print(f"{args.manifest}:{line}: error: release {release.name!r}: commit {release.commit} is not in this "
              "clone; fetch it (git fetch --unshallow) or correct the commit id", file=sys.stderr)
        return 2
    versions = plan(manifest)
    args.cache.mkdir(parents=True, exist_ok=True)
    todo = [v for v in versions if not (v.cache_dir(args.cache) / "html" / "index.html").exists()]
    for version in versions:
        if version in todo:
            print(f"  {version.name:<12} to build ({version.why_rebuilt(args.cache)})")
        else:
            print(f"  {version.name:<12} cached ({version.cache_dir(args.cache).name})")
    try:
        with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
            for version, seconds, warnings in pool.map(lambda v: build(v, args.cache), todo):
                log = version.cache_dir(args.cache) / "warnings.log"
                note = f", {warnings} warning(s) in {log}" if warnings else ""
                print(f"  {version.name:<12} built in {seconds:.1f}s{note}")
    except BuildFailed as failure:
        print(failure.messages.rstrip(), file=sys.stderr)
        what = "fix the problems above, as `make html` reports them" if failure.version.commit is None else \
            "its content cannot change: report the problem above with the toolchain"
        print(f"error: version {failure.version.name} failed to build; {what}", file=sys.stderr)
        return 1
    assemble(manifest, versions, args.cache, args.out)
    prune(args.cache, versions)
    print(f"{len(versions)} versions in {args.out} ({len(todo)} built) in {time.perf_counter() - started:.1f}s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
