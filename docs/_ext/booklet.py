"""Link the whole-site booklet (`make booklet`, tools/make_booklet.py) and copy it into the site."""

from __future__ import annotations

import shutil
from pathlib import Path

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.util.docutils import SphinxDirective


def booklet_pdf(config) -> Path:
    """Where `make booklet` writes it: beside the handouts (handouts_dir, resolved by `handouts`)."""
    return Path(config.handouts_dir, config.booklet_file)


class BookletLink(SphinxDirective):
    """``{booklet-link}``: a download link once the booklet exists, else how to print pages instead."""

    def run(self) -> list[nodes.Node]:
        pdf = booklet_pdf(self.config)
        self.env.note_dependency(str(pdf))  # re-read this page when the booklet appears or changes
        para = nodes.paragraph(classes=["booklet-link"])
        if pdf.exists():
            size_kb = max(1, round(pdf.stat().st_size / 1024))
            para += nodes.reference("", f"Download the booklet (PDF, {size_kb} KB)",
                                    refuri=f"handouts/{pdf.name}", classes=["handout-download"])
        else:
            para += nodes.Text("The booklet is not ready yet. You can print any page from your browser.")
        return [para]


def copy_booklet(app: Sphinx, exception: Exception | None) -> None:
    if exception or app.builder.format != "html":
        return
    if (pdf := booklet_pdf(app.config)).exists():
        target = Path(app.outdir, "handouts")
        target.mkdir(exist_ok=True)
        shutil.copy2(pdf, target / pdf.name)


def setup(app: Sphinx) -> dict:
    app.setup_extension("handouts")  # handouts_dir
    app.add_config_value("booklet_file", "booklet.pdf", "env", types=[str])
    app.add_config_value("booklet_exclude", [], "env", types=[list])  # read by tools/make_booklet.py
    app.add_directive("booklet-link", BookletLink)
    app.connect("build-finished", copy_booklet)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
