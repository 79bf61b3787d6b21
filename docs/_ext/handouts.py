"""List the printable PDF handouts on a page, and copy the PDFs that exist into the site."""

from __future__ import annotations

import shutil
from pathlib import Path

from docutils import nodes
from sphinx.addnodes import pending_xref
from sphinx.application import Sphinx
from sphinx.util.docutils import SphinxDirective


def handout_pdf(config, docname: str) -> Path:
    """Where `make handouts` writes the PDF of one page."""
    return Path(config.handouts_dir, docname.rsplit("/", 1)[-1] + ".pdf")


def resolve_handouts_dir(app: Sphinx, config) -> None:
    """`handouts_dir` is relative to conf.py, like the Makefile's _build/."""
    config.handouts_dir = str(Path(app.confdir, config.handouts_dir))


class HandoutList(SphinxDirective):
    """``{handout-list}``: one item per handout page, with a download link once its PDF exists."""

    def run(self) -> list[nodes.Node]:
        items = nodes.bullet_list(classes=["handout-list"])
        for docname in self.config.handouts:
            pdf = handout_pdf(self.config, docname)
            self.env.note_dependency(str(pdf))  # re-read this page when a PDF appears or changes
            para = nodes.paragraph()
            title = pending_xref("", refdomain="std", reftype="doc", reftarget="/" + docname,
                                 refdoc=self.env.docname, refexplicit=False, refwarn=True)
            title += nodes.inline("", docname)
            para += title
            if pdf.exists():
                size_kb = max(1, round(pdf.stat().st_size / 1024))
                para += nodes.Text(" · ")
                para += nodes.reference("", f"Download the PDF ({size_kb} KB)", refuri=f"handouts/{pdf.name}",
                                        classes=["handout-download"])
            else:
                para += nodes.Text(" · PDF not made yet: print the page from your browser.")
            items += nodes.list_item("", para)
        return [items]


def copy_pdfs(app: Sphinx, exception: Exception | None) -> None:
    if exception or app.builder.format != "html":
        return
    target = Path(app.outdir, "handouts")
    for docname in app.config.handouts:
        pdf = handout_pdf(app.config, docname)
        if pdf.exists():
            target.mkdir(exist_ok=True)
            shutil.copy2(pdf, target / pdf.name)


def setup(app: Sphinx) -> dict:
    app.add_config_value("handouts", [], "env", types=[list])
    app.add_config_value("handouts_dir", "_build/handouts", "env", types=[str])
    app.add_directive("handout-list", HandoutList)
    app.connect("config-inited", resolve_handouts_dir)
    app.connect("build-finished", copy_pdfs)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
