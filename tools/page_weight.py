"""How much a built page makes the browser download: the page budget's one measure.

Used by the build (docs/_ext/page_budget.py fails a page over budget) and by the benchmarks
(tools/bench.py, tools/search_bench.py print the figures). A page's weight is its HTML plus every
stylesheet, script, image and icon it links, the files those stylesheets reference with url(),
the .json files its scripts fetch (named in them, or in the page's data-fetch-on-open attributes when
the script builds the address) and the service worker they register (not the pages that worker saves
for offline reading), as built (uncompressed; 1 KB = 1000 bytes). The files a page fetches once the
reader makes a choice (data-fetch-on-choice: the decision guide's research, one file with every problem's,
so the site never learns which was chosen) count too, with what they load: using the page downloads them. So do
the scripts a page loads at first use (data-reader: the "Listen" button's reader; data-script: the
version switcher's script), as issue 18 asks ("the listen script counts").
"""

from __future__ import annotations

import gzip
import re
from pathlib import Path
from urllib.parse import urljoin, urlsplit

from tools.shared import html_elements

BUDGET_BYTES = 100_000  # per page, everything it loads, uncompressed; conf.py's page_budgets can raise it
CSS_URL = re.compile(r"""url\(\s*['"]?([^'")]+)['"]?\s*\)""")
JSON_LITERAL = re.compile(r"""["']([\w./-]+\.json)["']""")
WORKER_LITERAL = re.compile(r"""serviceWorker\.register\(\s*(?:new URL\(\s*)?["']([\w./-]+\.js)["']""")


class AssetLinks:
    """Collect the URLs a page makes the browser load."""

    def __init__(self) -> None:
        self.urls: list[str] = []
        self.on_choice: list[str] = []  # these load when the reader chooses

    def feed(self, html: str) -> None:
        for element in html_elements(html):
            self.start(element.tag, element.attrib)

    def start(self, tag: str, attr) -> None:
        if tag == "link" and {"stylesheet", "icon", "preload", "modulepreload"} & set(attr.get("rel", "").split()):
            self.urls.append(attr.get("href", ""))
        elif tag == "script" and attr.get("src"):
            self.urls.append(attr["src"])
        elif tag in ("img", "source", "input") and attr.get("src"):
            self.urls.append(attr["src"])
        if attr.get("data-fetch-on-open"):  # a file a script fetches as the page opens
            self.urls.append(attr["data-fetch-on-open"])
        for later in ("data-reader", "data-script"):  # a script loaded at first use (listen, the switcher)
            if attr.get(later):
                self.urls.append(attr[later])
        if attr.get("data-fetch-on-choice"):  # a file a script fetches if the reader chooses it
            self.on_choice.append(attr["data-fetch-on-choice"])


def local_file(out: Path, base: str, url: str) -> Path | None:
    """The built file a (relative) URL points at, or None for data:, external or missing files."""
    if not url or url.startswith(("data:", "#")) or urlsplit(url).scheme or url.startswith("//"):
        return None
    path = urlsplit(urljoin(base, url)).path.lstrip("/")
    target = out / path
    return target if target.is_file() else None


def page_assets(out: Path, page: Path) -> list[Path]:
    """The page and every built file it makes the browser load: on opening, and once the reader
    chooses (the files it fetches then, and what they load, shown in the page)."""
    base = "/" + page.relative_to(out).as_posix()
    parser = AssetLinks()
    parser.feed(page.read_text(encoding="utf-8"))
    found = loaded(out, base, parser.urls, [])
    return [page, *found, *loaded(out, base, list(dict.fromkeys(parser.on_choice)), found)]


def loaded(out: Path, base: str, urls: list[str], already: list[Path]) -> list[Path]:
    """The built files these URLs (relative to the page at `base`) load, besides those `already` loaded;
    an HTML file fetched into the page loads what it links, relative to the page."""
    found: list[Path] = []
    queue = [(base, url) for url in urls]
    while queue:
        referrer, url = queue.pop()
        target = local_file(out, referrer, url)
        if target is None or target in found or target in already:
            continue
        found.append(target)
        target_url = "/" + target.relative_to(out).as_posix()
        if target.suffix == ".html":  # a part of the page, fetched into it
            part = AssetLinks()
            part.feed(target.read_text(encoding="utf-8"))
            queue += [(base, ref) for ref in part.urls]
        elif target.suffix == ".css":
            queue += [(target_url, ref) for ref in CSS_URL.findall(target.read_text(encoding="utf-8"))]
        elif target.suffix == ".js":  # JSON the script fetches and the worker it registers, from the site root
            script = target.read_text(encoding="utf-8")
            queue += [("/", ref) for ref in JSON_LITERAL.findall(script) + WORKER_LITERAL.findall(script)]
    return found


def weight(files: list[Path]) -> int:
    """Uncompressed bytes of these files."""
    return sum(path.stat().st_size for path in files)


def gzip_weight(files: list[Path]) -> int:
    """Bytes once each file is gzipped at level 6, as deploy/nginx-site.conf serves it."""
    return sum(len(gzip.compress(path.read_bytes(), compresslevel=6)) for path in files)
