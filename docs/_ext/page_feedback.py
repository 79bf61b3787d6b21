"""End every page with a private feedback line: email links the reader's own app opens, and the phone.

Nothing is sent by the site and nothing is tracked: the links are plain `mailto:` links to the clinic's
address (`html_context["clinic"]` in conf.py) with the page's public address and version filled in.
Its style is in clinic.css (one stylesheet fewer on every page).
"""

from __future__ import annotations

import html
import re
from urllib.parse import quote

from sphinx.application import Sphinx

from tools.shared import page_url

TAGS = re.compile(r"<[^>]+>")


def mailto(address: str, subject: str, body: str) -> str:
    return f"mailto:{address}?subject={quote(subject)}&body={quote(body)}"


def feedback_line(clinic: dict, title: str, url: str, version: str) -> str:
    where = f"Page: {url}\nVersion: {version}\n\n"  # the subject says what the reader is writing about
    helpful = mailto(clinic["email"], f"Was this page helpful? {title}", where)
    problem = mailto(clinic["email"], f"Problem: {title}", where)
    return (f'<p class="page-feedback">Was this page helpful? <a href="{html.escape(helpful)}">Tell us</a> · '
            f'<a href="{html.escape(problem)}">Report a problem</a> (opens your email app) '
            f'· or call <a href="{html.escape(clinic["phone_href"])}">{html.escape(clinic["phone"])}</a></p>')


def add_feedback_line(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    if doctree is None or "body" not in context:  # search page, genindex: no content to comment on
        return
    title = html.unescape(TAGS.sub("", context.get("title", ""))).strip()
    line = feedback_line(app.config.html_context["clinic"], title, page_url(app, pagename),
                         app.config.release)
    context["body"] += line


def setup(app: Sphinx) -> dict:
    app.connect("html-page-context", add_feedback_line)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
