"""The anchor lock: every published page and section id (docs/anchors.lock) keeps working.

    python tools/anchors_lock.py update _build/html   # add the built site's new pages and ids
    python tools/anchors_lock.py check _build/html    # fail when a locked page#id no longer works

The published ids are read from the built site's objects.inv: every page, every label and every
glossary term. `update` only adds lines, so new ids never fail anything. `check` accepts an id that
still exists in the built HTML, or that a redirect (docs/redirects.toml) sends to one that does.
"""

from __future__ import annotations

import argparse
import functools
import json
import posixpath
import re
import sys
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin

from sphinx.util.inventory import InventoryFile

from tools.shared import ANCHORS_LOCK as LOCK

HEADER = """\
# Published links: every page and section id of the site, one per line.
# Patients and colleagues have these links: never delete a line. `make anchors-lock` adds new ones.
# When a page or id goes away, restore it or add a redirect in docs/redirects.toml (`make test` checks).
"""
SPHINX_PAGES = {"genindex", "modindex", "py-modindex", "search"}
AUTO_TERM_ID = re.compile(r"#term-\d+$")


def inventory(outdir: Path) -> list[tuple[str, str, str, str]]:
    """(name, domain:role, uri, display name) for every object in the site's objects.inv."""
    with (outdir / "objects.inv").open("rb") as stream:
        data = InventoryFile.load(stream, "", posixpath.join)
    return [(name, kind, item.uri, name if item.display_name == "-" else item.display_name)
            for kind, items in data.items() for name, item in items.items()]


def published(outdir: Path) -> set[str]:
    """Every page (`page.html`) and id (`page.html#id`) that readers can link to."""
    links = set()
    for name, kind, uri, _ in inventory(outdir):
        if kind == "std:term" and AUTO_TERM_ID.search(uri) and not name.isdigit():
            continue  # docutils numbers a term whose text makes no id: not a stable address
        if kind == "std:doc" or (kind in ("std:label", "std:term") and name not in SPHINX_PAGES):
            links.add(uri)
    return links


def read_lock(lock: Path) -> list[str]:
    if not lock.exists():
        return []
    return [line.strip() for line in lock.read_text(encoding="utf-8").splitlines()
            if line.strip() and not line.startswith("#")]


def update(outdir: Path, lock: Path = LOCK) -> list[str]:
    """Add the built site's new links to the lock; return them. Existing lines always stay."""
    old = read_lock(lock)
    new = sorted(published(outdir) - set(old))
    lock.write_text(HEADER + "\n".join(sorted(set(old) | set(new))) + "\n", encoding="utf-8")
    return new


class _Page(HTMLParser):
    """The ids of a built page, and where its redirects send readers."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()
        self.moved_page: str | None = None  # set on the stub of a moved page
        self.moved_ids: dict[str, str] = {}
        self._in_anchor_map = False
        self.feed(text)

    def handle_starttag(self, tag: str, attrs: list) -> None:
        attrs = dict(attrs)
        if attrs.get("id"):
            self.ids.add(attrs["id"])
        if tag == "meta" and attrs.get("name") == "deep-links-redirect":
            self.moved_page = attrs.get("content")
        self._in_anchor_map = tag == "script" and attrs.get("id") == "anchor-redirects"

    def handle_data(self, data: str) -> None:
        if self._in_anchor_map:
            self.moved_ids.update(json.loads(data))
            self._in_anchor_map = False


@functools.lru_cache(maxsize=None)
def _parse(path: Path, mtime_ns: int) -> _Page:  # the mtime keys out pages rebuilt since
    return _Page(path.read_text(encoding="utf-8"))


def follow(outdir: Path, link: str, hops: int = 10) -> str | None:
    """Where `page.html#id` ends up after redirects, or None when it leads nowhere."""
    page, _, anchor = link.partition("#")
    path = outdir / page
    if hops == 0 or not path.is_file():
        return None
    parsed = _parse(path, path.stat().st_mtime_ns)

    def resolve(target: str) -> str:  # a relative URL from this page, as the browser reads it
        return urljoin(f"http://site/{page}", target).removeprefix("http://site/")

    if anchor and anchor not in parsed.ids and anchor in parsed.moved_ids:
        return follow(outdir, resolve(parsed.moved_ids[anchor]), hops - 1)
    if parsed.moved_page is not None:
        return follow(outdir, resolve(parsed.moved_page) + (f"#{anchor}" if anchor else ""), hops - 1)
    if anchor and anchor not in parsed.ids:
        return None
    return link


def how_to_fix(link: str) -> str:
    page, _, anchor = link.partition("#")
    docname = page.removesuffix(".html")
    if not anchor:
        return (f"  {link}: the page is gone. Either restore docs/{docname}.md, or add to docs/redirects.toml\n"
                f'      [pages] "{docname}" = "<new/docname>"')
    if anchor.startswith("term-"):
        restore = f"restore the glossary term of #{anchor} in docs/{docname}.md"
    else:
        restore = f"restore the label `({anchor})=` on the line before its heading in docs/{docname}.md"
    return (f"  {link}: the id is gone. Either {restore}, or add to docs/redirects.toml\n"
            f'      [anchors] "{docname}#{anchor}" = "<new-label>"')


def check(outdir: Path, lock: Path = LOCK) -> list[str]:
    """Locked links that no longer work, each with the two ways to fix it (empty when all work)."""
    return [how_to_fix(link) for link in read_lock(lock) if follow(outdir, link) is None]


def report(broken: list[str], lock: Path = LOCK) -> str:
    return (f"{len(broken)} published link(s) in {lock.name} no longer work. Clinicians and patients "
            "have these links, so fix each one in one of two ways:\n" + "\n".join(broken))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("command", choices=["update", "check"])
    parser.add_argument("outdir", type=Path, help="the built site, e.g. _build/html")
    parser.add_argument("--lock", type=Path, default=LOCK)
    args = parser.parse_args()
    if args.command == "update":
        added = update(args.outdir, args.lock)
        print(f"{args.lock}: {len(added)} new link(s) added, {len(read_lock(args.lock))} in all")
        return 0
    broken = check(args.outdir, args.lock)
    if broken:
        print(report(broken, args.lock), file=sys.stderr)
        return 1
    print(f"{args.lock}: all {len(read_lock(args.lock))} published links work")
    return 0


if __name__ == "__main__":
    sys.exit(main())
