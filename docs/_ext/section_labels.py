"""Check that every heading of a content page carries an explicit label that follows the naming rule.

The rule (WRITING.md, "Labels"): the page title is labelled with the page slug, every other heading
with ``<slug>-<topic>``, lower case words joined by hyphens. Labels become the HTML ids that
clinicians link to, so a heading without one, or with a badly named one, fails the strict build.
"""

from __future__ import annotations

import re

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.util import logging

from tools.shared import page_slug

logger = logging.getLogger(__name__)

LABEL_WORDS = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


def suggest(text: str, slug: str, is_title: bool) -> str:
    """A label that follows the rule, made from the heading text (for the fix in the message)."""
    if is_title:
        return slug
    words = "-".join(re.findall(r"[a-z0-9]+", text.lower())[:5]) or "topic"
    return f"{slug}-{words}"


def rule_problem(label: str, slug: str, is_title: bool) -> str | None:
    """Why `label` breaks the rule, or None when it follows it."""
    if not LABEL_WORDS.match(label):
        return "use lower case letters, digits and single hyphens only"
    if is_title and label != slug:
        return f"a page title is labelled with the page slug, `({slug})=`"
    if not is_title and not label.startswith(f"{slug}-"):
        return f"a section label starts with the page slug, `({slug}-<topic>)=`"
    return None


def check_headings(app: Sphinx, doctree: nodes.document) -> None:
    docname = app.env.docname
    if any(re.fullmatch(pattern, docname) for pattern in app.config.section_labels_exclude):
        return
    slug = page_slug(docname)
    for section in doctree.findall(nodes.section):
        title = section.next_node(nodes.title)
        heading = title.astext() if title else ""
        is_title = isinstance(section.parent, nodes.document)
        location = title if title is not None and title.line else (docname, section.line or 1)
        # Explicit targets (`(label)=`) are the names docutils marks explicit.
        labels = [name for name in section["names"] if doctree.nametypes.get(name)]
        if not labels:
            logger.warning(
                "heading %r has no label; add `(%s)=` on the line before it "
                "(labels are the links clinicians share: see WRITING.md, Labels)",
                heading, suggest(heading, slug, is_title),
                location=location, type="section_labels", subtype="missing",
            )
        for label in labels:
            problem = rule_problem(label, slug, is_title)
            if problem:
                logger.warning(
                    "label %r on heading %r does not follow the naming rule: %s, e.g. `(%s)=` "
                    "(if it is already published, keep it and add a redirect in docs/redirects.toml)",
                    label, heading, problem, suggest(heading, slug, is_title),
                    location=location, type="section_labels", subtype="naming",
                )


def setup(app: Sphinx) -> dict:
    # Regular expressions of docnames that are not content pages (none by default).
    app.add_config_value("section_labels_exclude", [], "env", types=[list])
    # After MyST has turned `(label)=` targets into section names.
    app.connect("doctree-read", check_headings)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
