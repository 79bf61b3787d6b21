"""Catch the input mistakes that made a library crash with a traceback, before the library reads them.

Each is reported as `path:line: what is wrong; what to write instead`, and the build stops at once
(exit status 1): the library would only crash, or bury the cause under a hundred follow-on errors.

- bytes that are not UTF-8 in a page or a data file (`UnicodeDecodeError` with a byte offset);
- a `references.bib` that pybtex cannot parse ("syntax error in line 31" under a "please report
  to Sphinx" banner), or with a key used twice;
- an `html_baseurl` (`SITE_BASEURL`) without a scheme or host, which crashed sphinx-notfound-page
  after pages with relative canonical links had been written.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlparse

from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.util import logging

from tools.event_order import ConfigInited
from tools.shared import line_of

logger = logging.getLogger(__name__)

DATA_FILES = ("*.toml", "*.bib")  # in the source directory: read by our extensions and pybtex
ENTRY_START = re.compile(r"^\s*@(\w+)\s*[{(]\s*([^,\s]*)")


class InputError(SystemExit):
    """Stop the build after the messages are logged; SystemExit passes Sphinx's traceback banner."""

    def __init__(self, count: int) -> None:
        super().__init__(f"Build stopped: {count} input file problem(s) above must be fixed first.")


def stop_if(problems: int) -> None:
    if problems:
        raise InputError(problems)


def report(path: Path | str, line: int, message: str, subtype: str) -> None:
    logger.warning(message, location=f"{path}:{line}", type="input", subtype=subtype)


# -- Text that is not UTF-8 -------------------------------------------------------------------

def utf8_problem(path: Path) -> tuple[int, str] | None:
    """(line, message) for the first byte of `path` that is not UTF-8, or None when it is all UTF-8."""
    data = path.read_bytes()
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        column = error.start - (data.rfind(b"\n", 0, error.start) + 1) + 1
        byte = data[error.start:error.start + 1].hex()
        return line, (f"byte 0x{byte} in column {column} is not UTF-8 (the file was saved in another "
                      "encoding, such as Windows-1252); save the file as UTF-8 and retype the character")
    return None


def check_encoding(paths) -> int:
    problems = 0
    for path in paths:
        if path.is_file() and (found := utf8_problem(path)):
            report(path, *found, subtype="encoding")
            problems += 1
    return problems


def check_data_files(app: Sphinx, config: Config) -> None:
    """Before versions.toml, redirects.toml and the bibliography are read."""
    files = {path for pattern in DATA_FILES for path in Path(app.srcdir).glob(pattern)}
    files |= {Path(app.confdir, bib) for bib in getattr(config, "bibtex_bibfiles", [])}  # as bibtex reads them
    stop_if(check_encoding(sorted(files)))


def check_pages(app: Sphinx, env, docnames: list[str]) -> None:
    """Before Sphinx reads the pages of this build (it would raise UnicodeDecodeError)."""
    stop_if(check_encoding(Path(env.doc2path(docname)) for docname in docnames))


# -- The bibliography ---------------------------------------------------------------------------

def entry_before(text: str, line: int) -> tuple[str, int] | None:
    """(key, line) of the last entry that starts at or before `line`."""
    found = None
    for number, content in enumerate(text.splitlines()[:line], 1):
        if match := ENTRY_START.match(content):
            found = (match.group(2), number)
    return found


def bibliography_problems(path: Path) -> list[tuple[int, str]]:
    """(line, message) for what stops pybtex reading `path` (empty when it parses)."""
    from pybtex.database import BibliographyDataError
    from pybtex.database.input.bibtex import Parser
    from pybtex.scanner import PybtexSyntaxError

    text = path.read_text(encoding="utf-8")
    first_line: dict[str, int] = {}
    problems = []
    for number, content in enumerate(text.splitlines(), 1):
        match = ENTRY_START.match(content)
        if not match or match.group(1).lower() in ("comment", "preamble", "string"):
            continue
        key = match.group(2)
        if key.lower() in first_line:
            problems.append((number, f"the key `{key}` is used twice (first at line {first_line[key.lower()]}); "
                                     "give each entry its own key, or delete the copy"))
        first_line.setdefault(key.lower(), number)
    if problems:
        return problems
    try:
        Parser().parse_string(text)
    except PybtexSyntaxError as error:
        lines = text.splitlines()
        line = min(error.lineno or 1, len(lines) or 1)  # "premature end of file": its last line
        # Met at the start of the next entry, the mistake is in the one before (a brace left open).
        starts_entry = line <= len(lines) and bool(ENTRY_START.match(lines[line - 1]))
        where = entry_before(text, line - 1 if starts_entry else line)
        within = f" in the entry `{where[0]}` that starts at line {where[1]}" if where else ""
        return [(line, f"BibTeX syntax error ({error.args[0] if error.args else error}){within}; check that "
                       "every field is `name = {value},` with its braces closed, and that the entry ends with `}`")]
    except BibliographyDataError as error:
        return [(1, f"{error}; correct the entry it names")]
    return []


def check_bibliography(app: Sphinx, config: Config) -> None:
    """The bibliography this build cites (a release build names its own with -D bibtex_bibfiles)."""
    problems = 0
    for bib in getattr(config, "bibtex_bibfiles", []):
        path = Path(app.confdir, bib)  # sphinxcontrib-bibtex reads them relative to conf.py
        if path.is_file():
            for line, message in bibliography_problems(path):
                report(path, line, message, subtype="bibtex")
                problems += 1
    stop_if(problems)


# -- The site's address -----------------------------------------------------------------------------

def check_baseurl(app: Sphinx, config: Config) -> None:
    baseurl = config.html_baseurl
    parts = urlparse(baseurl)
    if not baseurl or (parts.scheme in ("http", "https") and parts.netloc):
        return
    conf = Path(app.confdir, "conf.py")
    line = line_of(conf.read_text(encoding="utf-8"), "html_baseurl") if conf.exists() else None
    guess = "https://" + baseurl.split("://", 1)[-1].lstrip("/")
    report(conf, line or 1, f"html_baseurl {baseurl!r} (from SITE_BASEURL or -D html_baseurl) is not a full "
                            f"address; write it with https:// and the host, e.g. SITE_BASEURL={guess}", "baseurl")
    stop_if(1)


def setup(app: Sphinx) -> dict:
    app.connect("config-inited", check_data_files, priority=ConfigInited.CHECK_INPUT)
    app.connect("config-inited", check_baseurl, priority=ConfigInited.CHECK_INPUT)
    app.connect("config-inited", check_bibliography, priority=ConfigInited.CHECK_INPUT)
    app.connect("env-before-read-docs", check_pages)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
