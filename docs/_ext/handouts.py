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
        missing = self.env.handout_pdfs_missing.setdefault(self.env.docname, set())
        for docname in self.config.handouts:
            pdf = handout_pdf(self.config, docname)
            if pdf.exists():
                self.env.note_dependency(str(pdf))  # re-read this page when the PDF changes or goes
            else:
                missing.add(str(pdf))  # a missing dependency would re-read the page on every build
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


def init_env(app: Sphinx, env, docnames=None) -> None:
    if not hasattr(env, "handout_pdfs_missing"):
        env.handout_pdfs_missing = {}  # docname -> PDFs its handout list said were not made yet


def purge_doc(app: Sphinx, env, docname: str) -> None:
    init_env(app, env)
    env.handout_pdfs_missing.pop(docname, None)


def merge_info(app: Sphinx, env, docnames, other) -> None:
    init_env(app, env)
    for docname in docnames:
        if docname in getattr(other, "handout_pdfs_missing", {}):
            env.handout_pdfs_missing[docname] = other.handout_pdfs_missing[docname]


def pages_with_new_pdfs(app: Sphinx, env, added, changed, removed) -> list[str]:
    """Re-read a handout list when a PDF it lacked has been made."""
    init_env(app, env)
    return [docname for docname, missing in env.handout_pdfs_missing.items()
            if docname in env.found_docs and any(Path(pdf).exists() for pdf in missing)]


def copy_pdfs(app: Sphinx, exception: Exception | None) -> None:
    if exception or app.builder.format != "html":
        return
    target = Path(app.outdir, "handouts")
    for docname in app.config.handouts:
        pdf = handout_pdf(app.config, docname)
        if pdf.exists():
            target.mkdir(exist_ok=True)
            shutil.copy2(pdf, target / pdf.name)
        else:  # not made, or refused by make handouts (too long): the site must not keep an old copy
            (target / pdf.name).unlink(missing_ok=True)


def setup(app: Sphinx) -> dict:
    app.add_config_value("handouts", [], "env", types=[list])
    app.add_config_value("handouts_dir", "_build/handouts", "env", types=[str])
    app.add_directive("handout-list", HandoutList)
    app.connect("config-inited", resolve_handouts_dir)
    app.connect("builder-inited", lambda app: init_env(app, app.env))
    app.connect("env-purge-doc", purge_doc)
    app.connect("env-merge-info", merge_info)
    app.connect("env-get-outdated", pages_with_new_pdfs)
    app.connect("build-finished", copy_pdfs)
    return {"version": "1.1", "env_version": 2, "parallel_read_safe": True, "parallel_write_safe": True}
