"""The references page lists each source as pages cite it, by author and year, without the maintainers' notes.

Each entry's label is its author-year citation ("Kearns et al., 2019"), made with the reference style's
own person style and separator, instead of pybtex's [1], [2]. Two sources with the same authors and
year get "2023a" and "2023b" ("n.d.-a"), and pages cite by that label ([College of Physiotherapists of Alberta,
2023a]), so a citation names one entry and reads exactly as the entry it links to. Textual citations
({cite:t}) stay author [year]. First names show as initials ("S. Brady"), as author-year lists
write them (some entries were only ever seen with initials). Both styles are registered here;
conf.py names them (`bibtex_default_style`, `bibtex_reference_style`).

Every entry of docs/references.bib has a `note` saying where it was verified and which fields could
not be seen ("only initials were seen: do not expand"). Those notes are for the people who keep the
file, not for readers (no drafting notes on public pages), and they were a third of the page's
weight. The `plain_public` style is pybtex's `plain` without them; the file keeps them as they are.
"""

from __future__ import annotations

import string
from collections import Counter
from dataclasses import dataclass

import sphinxcontrib.bibtex.plugin
from pybtex.database import Entry
from pybtex.plugin import register_plugin
from pybtex.style.formatting.plain import Style as PlainStyle
from pybtex.style.labels import BaseLabelStyle
from sphinx.application import Sphinx
from sphinxcontrib.bibtex.style.referencing.author_year import AuthorYearReferenceStyle
from sphinxcontrib.bibtex.style.referencing.basic_label import BasicLabelParentheticalReferenceStyle
from sphinxcontrib.bibtex.style.template import join, year

STYLE = "plain_public"
LABEL_STYLE = "author_year_public"
REFERENCE_STYLE = "author_year_labelled"
PRIVATE_FIELDS = {"note"}  # the maintainers' verification notes


@dataclass
class AuthorYearLabelled(AuthorYearReferenceStyle):
    """Author-year citations whose parenthetical form is the entry's label (an author-year label)."""

    def __post_init__(self):
        super().__post_init__()
        by_label = BasicLabelParentheticalReferenceStyle(
            bracket=self.bracket_parenthetical, pre_text_sep=self.pre_text_sep, post_text_sep=self.post_text_sep)
        self.styles.append(by_label)
        self.role_style.update((role, by_label) for role in by_label.role_names())


class AuthorYearLabels(BaseLabelStyle):
    """Each entry's label is its author-year citation; a letter after the year tells apart equal ones."""

    def format_labels(self, sorted_entries):
        style = AuthorYearLabelled()
        template = join(sep=style.author_year_sep)[style.person.author_or_editor_or_title(full=False), year]
        labels = [template.format_data({"entry": entry, "style": style}).render_as("text")
                  for entry in sorted_entries]
        repeated, seen = {label for label, count in Counter(labels).items() if count > 1}, Counter()
        for label in labels:
            if label in repeated:
                seen[label] += 1
                letter = string.ascii_lowercase[seen[label] - 1]
                label += f"-{letter}" if label.endswith("n.d.") else letter  # 2023a, n.d.-a (as APA writes them)
            yield label


class PublicStyle(PlainStyle):
    default_label_style = LABEL_STYLE

    def __init__(self, *args, abbreviate_names: bool = True, **kwargs):
        super().__init__(*args, abbreviate_names=abbreviate_names, **kwargs)  # "S. Brady", as author-year lists do

    def format_entry(self, label, entry, bib_data=None):
        public = Entry(entry.type, fields={name: value for name, value in entry.fields.items()
                                           if name.lower() not in PRIVATE_FIELDS}, persons=entry.persons)
        public.key = entry.key
        return super().format_entry(label, public, bib_data=bib_data)


def setup(app: Sphinx) -> dict:
    register_plugin("pybtex.style.labels", LABEL_STYLE, AuthorYearLabels)
    register_plugin("pybtex.style.formatting", STYLE, PublicStyle)  # bibtex_default_style in conf.py
    sphinxcontrib.bibtex.plugin.register_plugin(  # bibtex_reference_style in conf.py
        "sphinxcontrib.bibtex.style.referencing", REFERENCE_STYLE, AuthorYearLabelled)
    return {"version": "1.1", "parallel_read_safe": True, "parallel_write_safe": True}
