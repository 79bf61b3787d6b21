"""The anchor lock's writer: every published page and section id goes into docs/anchors.lock.

    python -m tools.anchors_lock update _build/html   # add the built site's new pages and ids (make anchors-lock)

The published ids are read from the built site's objects.inv: every page, every label and every
glossary term. `update` only adds lines, so new ids never fail anything. The build itself checks
that every locked link still works (docs/_ext/locked_links.py), so `make html` fails when one breaks.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

from sphinx.util.inventory import InventoryFile

from tools.shared import ANCHORS_LOCK as LOCK

HEADER = """\
# Published links: every page and section id of the site, one per line.
# Patients and colleagues have these links: never delete a line. `make anchors-lock` adds new ones.
# When a page or id goes away, restore it or add a redirect in docs/redirects.toml (`make html` checks).
"""
SPHINX_PAGES = {"genindex", "modindex", "py-modindex", "search"}
AUTO_TERM_ID = re.compile(r"#term-\d+$")


def inventory(outdir: Path) -> list[tuple[str, str, str, str]]:
    """(name, domain:role, uri, display name) for every object in the site's objects.inv."""
    data = InventoryFile.loads((outdir / "objects.inv").read_bytes(), uri="").data
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


def locked_lines(lock: Path) -> list[tuple[int, str]]:
    """(line number, link) for every locked link, for messages that point at the line."""
    if not lock.exists():
        return []
    return [(number, line.strip()) for number, line in enumerate(lock.read_text(encoding="utf-8").splitlines(), 1)
            if line.strip() and not line.startswith("#")]


def read_lock(lock: Path) -> list[str]:
    return [link for _, link in locked_lines(lock)]


def update(outdir: Path, lock: Path = LOCK) -> list[str]:
    """Add the built site's new links to the lock; return them. Existing lines always stay."""
    old = read_lock(lock)
    new = sorted(published(outdir) - set(old))
    lock.write_text(HEADER + "\n".join(sorted(set(old) | set(new))) + "\n", encoding="utf-8")
    return new


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("command", choices=["update"])
    parser.add_argument("outdir", type=Path, help="the built site, e.g. _build/html")
    parser.add_argument("--lock", type=Path, default=LOCK)
    args = parser.parse_args()
    added = update(args.outdir, args.lock)
    print(f"{args.lock}: {len(added)} new link(s) added, {len(read_lock(args.lock))} in all")
    return 0

if __name__ == "__main__":
    sys.exit(main())
