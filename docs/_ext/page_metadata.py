"""Validate each page's front matter and show, under the title, when it was checked and whether it is signed off."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.util import logging

from tools.event_order import DoctreeRead
from tools.shared import line_of, long_date, parse_date

logger = logging.getLogger(__name__)

REQUIRED = {
    "description": "one plain sentence that sums up the page, e.g. `description: What to expect after dry needling.`",
    "reviewed": "the date the content was last checked against its sources, as YYYY-MM-DD",
    "next-review": "the date of the next check, as YYYY-MM-DD (usually 6 to 12 months after `reviewed`)",
    "reviewer": 'the role of the person who checks the page, e.g. `reviewer: Registered physiotherapist`',
    "sign-off": "`pending` until a clinic physiotherapist signs the page off, then the sign-off date as YYYY-MM-DD",
}
# Keys that Sphinx, MyST or our other extensions already understand.
OPTIONAL = {"orphan", "nosearch", "tocdepth", "html_meta", "myst", "wordcount", "review-overdue",
            "copy-link"}  # copy_link.py: `copy-link: false` leaves a page without the buttons
DATE_FIELDS = ("reviewed", "next-review")


def _field_line(source: Path, field: str) -> int:
    """Line of `field:` in the front matter (1 when absent), so errors point at it."""
    try:
        return line_of(source.read_text(encoding="utf-8"), field) or 1
    except OSError:
        return 1


def front_matter_problem(text: str) -> tuple[int, str]:
    """(line, what is wrong and what to write) for front matter that MyST could not read."""
    import yaml

    lines = text.splitlines()
    closing = next((n for n in range(1, len(lines)) if lines[n].rstrip() == "---"), None)
    if closing is None:
        last = 1
        while last < len(lines) and re.match(r"^[\w-]+:", lines[last]):
            last += 1
        return 1, (f"that starts here has no closing `---`; add a line `---` after its last field "
                   f"(line {last}), before the page's label and title")
    for number in range(1, closing):
        field, _, value = lines[number].partition(":")
        if re.fullmatch(r"\s*\d{4}-\d{2}-\d{2}\s*", value) and parse_date(value.strip()) is None:
            return number + 1, (f"field {field.strip()!r}: {value.strip()} is not a date that exists; "
                                "write a real date as YYYY-MM-DD")
    try:
        yaml.safe_load("\n".join(lines[1:closing]))
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 2 if mark else 1
        return line, (f"is not valid YAML ({error.problem or error}); write each field as `name: value` on "
                      "its own line (quote a value that contains a colon)")
    except (yaml.YAMLError, ValueError) as error:
        return 1, f"could not be read ({error}); write each field as `name: value`, dates as YYYY-MM-DD"
    return 1, "could not be read; write each field as `name: value`, dates as YYYY-MM-DD"


def today(config) -> dt.date:
    """The date reviews are due against: `page_metadata_today` when set (tests), else today."""
    return dt.date.fromisoformat(config.page_metadata_today) if config.page_metadata_today else dt.date.today()


def validate(app: Sphinx, docname: str, meta: dict) -> dict | None:
    """Warn about every problem with one page's metadata; return parsed values if it is usable."""
    source = Path(app.env.doc2path(docname))
    ok = True

    def problem(field: str, message: str) -> None:
        nonlocal ok
        ok = False
        logger.warning(
            "front matter field %r: %s", field, message,
            location=(docname, _field_line(source, field)), type="page_metadata", subtype=field,
        )

    text = source.read_text(encoding="utf-8")
    if not set(meta) & set(REQUIRED) and text.startswith("---"):
        # MyST drops front matter it cannot read (unclosed, not YAML, or a date such as 2026-13-01).
        line, message = front_matter_problem(text)
        logger.warning("front matter %s", message, location=(docname, line), type="page_metadata", subtype="yaml")
        return None
    for field, how in REQUIRED.items():
        if not str(meta.get(field, "")).strip():
            problem(field, f"missing; add `{field}:` with {how}")
    for field in sorted(set(meta) - set(REQUIRED) - OPTIONAL):
        problem(field, f"unknown field; allowed fields are {', '.join(sorted(REQUIRED))} "
                       f"(check the spelling, or remove it)")

    dates = {}
    for field in DATE_FIELDS:
        if field in meta and str(meta[field]).strip():
            dates[field] = parse_date(meta[field])
            if dates[field] is None:
                problem(field, f"{meta[field]!r} is not a valid date; write {REQUIRED[field]}")
    if "copy-link" in meta and str(meta["copy-link"]).strip().lower() not in ("true", "false"):
        problem("copy-link", f"{meta['copy-link']!r} is not allowed; write false (no copy-link buttons) or remove it")
    signoff = str(meta.get("sign-off", "")).strip()
    if signoff and signoff != "pending" and parse_date(signoff) is None:
        problem("sign-off", f"{signoff!r} is not allowed; write {REQUIRED['sign-off']}")
    if dates.get("reviewed") and dates.get("next-review") and dates["next-review"] <= dates["reviewed"]:
        problem("next-review", f"{meta['next-review']} is not after reviewed ({meta['reviewed']}); "
                               "write a later date")
    if not ok:
        return None
    return {"reviewed": dates["reviewed"], "next_review": dates["next-review"], "sign_off": signoff}


def signed_off(meta: dict) -> dt.date | None:
    """The sign-off date of a page a clinic physiotherapist has signed off, else None (pending)."""
    return parse_date(meta.get("sign-off", ""))


def review_status(meta: dict) -> str:
    """One sentence saying who has checked the page and when, for under the title and the printed footer.

    "Reviewed" is kept for a physiotherapist's sign-off; until then the page was only checked against
    its sources (by the content team).
    """
    checked = parse_date(meta.get("reviewed"))
    text = f"Checked against its sources on {long_date(checked)}." if checked else ""
    signoff = signed_off(meta)
    if signoff:
        return f"{text} Reviewed and signed off by the clinic's physiotherapists on {long_date(signoff)}.".strip()
    return f"{text} Awaiting clinical sign-off by the clinic's physiotherapists.".strip()


def metadata_block(values: dict, due_against: dt.date) -> nodes.container:
    """The line under the title: check dates, sign-off state, and an overdue note when due."""
    block = nodes.container(classes=["page-meta"])
    line = nodes.paragraph(classes=["page-meta-dates"])
    line += nodes.Text(f"Checked against its sources on {long_date(values['reviewed'])} · "
                       f"Next check due {long_date(values['next_review'])}")
    block += line
    if values["sign_off"] == "pending":
        block += nodes.paragraph("", "Awaiting clinical sign-off by the clinic's physiotherapists.",
                                 classes=["page-meta-signoff", "pending"])
    else:
        block += nodes.paragraph("", f"Reviewed and signed off by the clinic's physiotherapists on "
                                     f"{long_date(parse_date(values['sign_off']))}.",
                                 classes=["page-meta-signoff"])
    if values["next_review"] < due_against:
        block += nodes.paragraph("", "Check overdue: this page was due to be checked against its sources on "
                                     f"{long_date(values['next_review'])}. "
                                     "Ask the clinic if anything has changed.",
                                 classes=["page-meta-overdue"])
    return block


def on_doctree_read(app: Sphinx, doctree: nodes.document) -> None:
    docname = app.env.docname
    values = validate(app, docname, app.env.metadata.get(docname, {}))
    if values is None:
        return
    due_against = today(app.config)
    app.env.metadata[docname]["review-overdue"] = values["next_review"] < due_against
    title_section = next(iter(doctree.findall(nodes.section)), None)
    if title_section is None:
        return
    title = title_section.next_node(nodes.title)
    title.parent.insert(title.parent.index(title) + 1, metadata_block(values, due_against))


def outdated_by_date(app: Sphinx, env, added, changed, removed) -> list[str]:
    """Re-read pages that have become overdue since the last build, so the note appears."""
    due_against = today(app.config)
    return [
        docname for docname, meta in env.metadata.items()
        if meta.get("review-overdue") is False and (parse_date(meta.get("next-review")) or due_against) < due_against
    ]


def setup(app: Sphinx) -> dict:
    # A fixed "today" keeps tests of the overdue note deterministic.
    app.add_config_value("page_metadata_today", "", "env", types=[str])
    app.connect("doctree-read", on_doctree_read, priority=DoctreeRead.PAGE_METADATA)
    app.connect("env-get-outdated", outdated_by_date)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
