"""Read the release manifest (docs/versions.toml) and work out which release last changed each page.

Shared by the `versions` Sphinx extension and tools/build_versions.py; not a Sphinx extension itself.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import subprocess
import tomllib
from pathlib import Path

from tools import shared

NAME_RE = re.compile(r"^[0-9][0-9A-Za-z.\-]*$")  # 2026.11, 2026.11.1, 1.2.0: safe as a URL segment
COMMIT_RE = re.compile(r"^[0-9a-f]{7,40}$")
RESERVED = {"dev", "latest"}
FIELDS = {"name", "commit", "date", "summary"}


class ManifestError(ValueError):
    """A problem in the manifest, with the line it is on and how to fix it."""

    def __init__(self, path: Path, line: int, message: str):
        super().__init__(f"{path}:{line}: {message}")
        self.path, self.line, self.message = path, line, message


@dataclasses.dataclass(frozen=True)
class Release:
    name: str
    commit: str
    date: dt.date
    summary: str

    def as_json(self) -> dict:
        return {"name": self.name, "commit": self.commit, "date": self.date.isoformat(), "summary": self.summary}


@dataclasses.dataclass(frozen=True)
class Manifest:
    path: Path
    current: str
    releases: tuple[Release, ...]  # oldest first

    def up_to(self, name: str) -> tuple[Release, ...]:
        """The releases published up to and including `name`: what a reader of that version could know."""
        names = [release.name for release in self.releases]
        return self.releases[: names.index(name) + 1]


def _line_of(text: str, key: str, release: int | None = None) -> int:
    """Line of `key = ...`: at the top level, or inside the release-th [[release]] table."""
    lines = text.splitlines()
    headers = [n for n, line in enumerate(lines) if line.strip() == "[[release]]"]
    if release is None:
        start, end = 0, headers[0] if headers else len(lines)
    else:
        start = headers[release] if release < len(headers) else 0
        end = headers[release + 1] if release + 1 < len(headers) else len(lines)
    return shared.line_of(text, key, start, end) or start + 1


def load(path: Path) -> Manifest:
    """Parse and check the manifest; raise ManifestError saying where and how to fix a problem."""
    text = path.read_text(encoding="utf-8")
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        line = int(m.group(1)) if (m := re.search(r"line (\d+)", str(error))) else 1
        raise ManifestError(path, line, f"not valid TOML ({error}); see the example at the top of the file") from None
    unknown = set(data) - {"current", "release"}
    if unknown:
        key = sorted(unknown)[0]
        raise ManifestError(path, _line_of(text, key),
                            f"unknown key {key!r}; only `current` and [[release]] tables are allowed")
    releases = []
    for index, entry in enumerate(data.get("release", [])):
        where = _line_of(text, "name", index)
        missing = FIELDS - set(entry)
        if missing:
            raise ManifestError(path, where, f"release #{index + 1} lacks {', '.join(sorted(missing))}; "
                                             "every [[release]] needs name, commit, date and summary")
        if set(entry) - FIELDS:
            raise ManifestError(path, where, f"release {entry['name']!r} has unknown field(s) "
                                             f"{', '.join(sorted(set(entry) - FIELDS))}; "
                                             f"allowed: {', '.join(sorted(FIELDS))}")
        name, commit, date, summary = (entry[key] for key in ("name", "commit", "date", "summary"))
        if not isinstance(name, str) or not NAME_RE.match(name) or name in RESERVED:
            raise ManifestError(path, where, f"release name {name!r} is not allowed; use a date-style or semantic "
                                             "version such as \"2026.11\" or \"1.2.0\" (not dev or latest)")
        if not isinstance(commit, str) or not COMMIT_RE.match(commit):
            raise ManifestError(path, _line_of(text, "commit", index),
                                f"release {name!r}: commit {commit!r} is not a git commit id; "
                                "write 7 to 40 lower-case hex digits from `git log`")
        if not isinstance(date, dt.date) or isinstance(date, dt.datetime):
            raise ManifestError(path, _line_of(text, "date", index), f"release {name!r}: date {date!r} must be a bare "
                                                                 "TOML date such as 2026-11-27 (no quotes)")
        if not isinstance(summary, str) or not summary.strip():
            raise ManifestError(path, where, f"release {name!r}: write a one-line summary of what changed")
        releases.append(Release(name, commit, date, summary.strip()))
    if not releases:
        raise ManifestError(path, 1, "no [[release]] entries; add at least one")
    names = [release.name for release in releases]
    for index, name in enumerate(names):
        if name in names[:index]:
            raise ManifestError(path, _line_of(text, "name", index),
                                f"release name {name!r} is used twice; names must be unique")
    if [r.date for r in releases] != sorted(r.date for r in releases):
        raise ManifestError(path, 1, "list the [[release]] entries oldest first (by date); add new releases at the end")
    current = data.get("current")
    if current not in names:
        raise ManifestError(path, _line_of(text, "current"),
                            f"current = {current!r} is not one of the releases ({', '.join(names)}); "
                            "set it to the release readers should see")
    return Manifest(path=path, current=current, releases=tuple(releases))


# -- The pages of a version, from git -------------------------------------------------------

# Pages today's toolchain writes without a document: notfound's 404, offline.py's and section_search's.
WRITTEN_WITHOUT_A_DOCUMENT = ("404", "offline", "search")


def version_pages(repo: Path, commit: str | None, srcdir: str) -> list[str]:
    """Every page a version's build writes, read from its `srcdir` at `commit` (the working tree's for
    None) before any build: its documents, the stub of each moved page (redirects.toml's [pages], where
    the new page exists and the old one does not) and the pages written without a document.
    versions.json and the switcher written into dev and current pages list these; a test compares them
    with every built version."""
    if commit:
        files = _git(repo, "ls-tree", "-r", "--name-only", commit, srcdir).splitlines()
        show = subprocess.run(["git", "show", f"{commit}:{srcdir}/redirects.toml"], cwd=repo, capture_output=True,
                              text=True, check=False)
        redirects = show.stdout if show.returncode == 0 else ""  # a release from before redirects.toml
    else:
        files = [path.relative_to(repo).as_posix() for path in (repo / srcdir).rglob("*.md")]
        path = repo / srcdir / "redirects.toml"
        redirects = path.read_text(encoding="utf-8") if path.exists() else ""
    names = [name.removeprefix(f"{srcdir}/") for name in files]
    documents = {name.removesuffix(".md") for name in names  # _snippets, _templates: not pages
                 if name.endswith(".md") and not any(part.startswith(("_", ".")) for part in name.split("/"))}
    try:
        moved = tomllib.loads(redirects).get("pages", {})
    except tomllib.TOMLDecodeError:
        moved = {}  # dev's build fails on it, naming the line
    stubs = {old.strip("/") for old, new in moved.items()
             if new.strip("/") in documents and old.strip("/") not in documents}
    return sorted(documents | stubs | set(WRITTEN_WITHOUT_A_DOCUMENT))


# -- Per-page history from git ------------------------------------------------

def _git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=repo, capture_output=True, text=True, check=True).stdout


def resolve_commit(repo: Path, commit: str) -> str | None:
    """The full id of `commit`, or None if this clone does not have it."""
    result = subprocess.run(["git", "rev-parse", "--verify", "--quiet", f"{commit}^{{commit}}"],
                            cwd=repo, capture_output=True, text=True, check=False)
    if result.returncode not in (0, 1):  # 1: no such commit; anything else: git itself failed
        raise RuntimeError(f"git rev-parse {commit} in {repo} exited {result.returncode}: {result.stderr}")
    return result.stdout.strip() if result.returncode == 0 else None


def missing_commits(repo: Path, manifest: Manifest, shallow_ok: bool = True) -> list[tuple[Release, int]]:
    """(release, manifest line) for each release whose commit this clone lacks.

    With `shallow_ok`, a tarball (no git) or a shallow clone (Read the Docs) lacks nothing: it has
    no history to check, and a plain build only omits the "Last changed" line.
    """
    shallow = subprocess.run(["git", "rev-parse", "--is-shallow-repository"], cwd=repo,
                             capture_output=True, text=True, check=False)
    if shallow.returncode != 0 and not shallow_ok:  # not a git clone, or git failed: nothing can be checked
        raise RuntimeError(f"git rev-parse in {repo} exited {shallow.returncode}: {shallow.stderr}")
    if shallow_ok and (shallow.returncode != 0 or shallow.stdout.strip() != "false"):
        return []
    text = manifest.path.read_text(encoding="utf-8")
    return [(release, _line_of(text, "commit", index)) for index, release in enumerate(manifest.releases)
            if resolve_commit(repo, release.commit) is None]


def _page(path: str, srcdir: str) -> str | None:
    """docs/topics/safety/aftercare.md -> topics/safety/aftercare (None for files that are not pages)."""
    prefix = srcdir.rstrip("/") + "/"
    if not path.startswith(prefix) or not path.endswith(".md"):
        return None
    return path[len(prefix):-3]


def page_history(repo: Path, releases: tuple[Release, ...], srcdir: str = "docs",
                 working_tree: bool = False) -> dict[str, str | None]:
    """For each page: the name of the latest release whose commit changed it.

    `releases` are oldest first; the history is that of the last one. With `working_tree`, the pages
    are those on disk, and a page edited since the last release maps to None (unreleased).
    """
    last_change: dict[str, str] = {}
    previous = None
    for release in releases:
        if previous is None:
            changed = _git(repo, "ls-tree", "-r", "--name-only", release.commit, "--", srcdir).splitlines()
        else:
            changed = _git(repo, "diff", "--name-only", previous, release.commit, "--", srcdir).splitlines()
        for path in changed:
            if (page := _page(path, srcdir)) is not None:
                last_change[page] = release.name
        previous = release.commit
    if not working_tree:
        present = _git(repo, "ls-tree", "-r", "--name-only", releases[-1].commit, "--", srcdir).splitlines()
        return {page: last_change.get(page) for path in present if (page := _page(path, srcdir))}
    history: dict[str, str | None] = {}
    edited = set(_git(repo, "diff", "--name-only", releases[-1].commit, "--", srcdir).splitlines())
    edited |= set(_git(repo, "ls-files", "--others", "--exclude-standard", "--", srcdir).splitlines())
    on_disk = _git(repo, "ls-files", "--cached", "--others", "--exclude-standard", "--", srcdir).splitlines()
    for path in on_disk:
        page = _page(path, srcdir)
        if page is not None and (repo / path).exists():
            history[page] = None if path in edited else last_change.get(page)
    return history
