"""The references page lists each source as readers cite it, without the maintainers' notes.

Every entry of docs/references.bib has a `note` saying where it was verified and which fields could
not be seen ("only initials were seen: do not expand"). Those notes are for the people who keep the
file, not for readers (no drafting notes on public pages), and they were a third of the page's
weight. The `plain_public` style is pybtex's `plain` without them; the file keeps them as they are.
"""

from __future__ import annotations

from pybtex.database import Entry
from pybtex.plugin import register_plugin
from pybtex.style.formatting.plain import Style as PlainStyle
from sphinx.application import Sphinx

STYLE = "plain_public"
PRIVATE_FIELDS = {"note"}  # the maintainers' verification notes


class PublicStyle(PlainStyle):
    def format_entry(self, label, entry, bib_data=None):
        public = Entry(entry.type, fields={name: value for name, value in entry.fields.items()
                                           if name.lower() not in PRIVATE_FIELDS}, persons=entry.persons)
        public.key = entry.key
        return super().format_entry(label, public, bib_data=bib_data)


def setup(app: Sphinx) -> dict:
    register_plugin("pybtex.style.formatting", STYLE, PublicStyle)  # bibtex_default_style in conf.py
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
