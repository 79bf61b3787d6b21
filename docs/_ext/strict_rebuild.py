"""Keep the strict build strict on every run: a build that warned re-reads what warned next time.

Sphinx warns only about the pages it re-reads, so after a failed `make html` an unchanged second run
used to print "build succeeded" and ship the broken page. Every warning that reaches the console is
noted here; at the end of a build that warned, the pages it named are saved in the doctree
directory, and the next build re-reads them (`env-get-outdated`), so it warns, and fails, again.
A warning that names no page (a data file, conf.py) makes the next build re-read every page.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from sphinx.application import Sphinx
from sphinx.util import logging as sphinx_logging

from tools.event_order import BuildFinished

STATE_FILE = "strict-rebuild.json"  # in the doctree directory, beside the saved environment
LINE_SUFFIX = re.compile(r":\d*$")
PATH_WORD = re.compile(r"[^\s,;'\"()]+\.(?:md|rst)\b")


class WarnedPages:
    """A filter on Sphinx's warning handler: it sees each warning as shown, with its location."""

    def __init__(self) -> None:
        self.warnings: list[tuple[str | None, str]] = []  # (location, message)

    def filter(self, record) -> bool:
        self.warnings.append((getattr(record, "location", None), record.getMessage()))
        return True


def warning_handler():
    for handler in sphinx_logging.logging.getLogger(sphinx_logging.NAMESPACE).handlers:
        if isinstance(handler, sphinx_logging.WarningStreamHandler):
            return handler
    return None


def install(app: Sphinx) -> None:
    app.warned_pages = WarnedPages()
    handler = warning_handler()
    if handler is not None:  # added last: it sees only warnings that passed suppress_warnings
        handler.addFilter(app.warned_pages)


def build_failed(app: Sphinx) -> bool:
    """True once a strict (-W) build has warned: it will fail, so it must not write finished output."""
    return bool(getattr(app, "_fail_on_warnings", False) and getattr(app, "_warncount", 0))


def state_path(app: Sphinx) -> Path:
    return Path(app.doctreedir, STATE_FILE)


def warned_last_time(app: Sphinx, env, added, changed, removed) -> list[str]:
    path = state_path(app)
    if not path.exists():
        return []
    state = json.loads(path.read_text(encoding="utf-8"))
    if state.get("all"):
        return sorted(env.found_docs)
    return sorted(set(state.get("docs", [])) & env.found_docs)


def docname_of(app: Sphinx, location: str | None) -> str | None:
    if not location or not hasattr(app, "env"):
        return None
    return app.env.path2doc(LINE_SUFFIX.sub("", str(location)))


def pages_named(app: Sphinx, message: str) -> set[str]:
    """Other pages a message names ("duplicate label x, other instance in docs/a.md"): both re-read."""
    return {docname for word in PATH_WORD.findall(message) if (docname := docname_of(app, word))}


def save_state(app: Sphinx, exception: Exception | None) -> None:
    path = state_path(app)
    warnings = getattr(app, "warned_pages", WarnedPages()).warnings
    if not warnings:
        path.unlink(missing_ok=True)
        return
    docnames = [docname_of(app, location) for location, _ in warnings]
    named = set().union(*(pages_named(app, message) for _, message in warnings))
    state = {"all": None in docnames, "docs": sorted({d for d in docnames if d} | named)}
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(state, indent=1), encoding="utf-8")


def setup(app: Sphinx) -> dict:
    install(app)  # at once: warnings logged while conf.py and the other extensions load count too
    app.connect("env-get-outdated", warned_last_time)
    app.connect("build-finished", save_state, priority=BuildFinished.SAVE_STATE)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
