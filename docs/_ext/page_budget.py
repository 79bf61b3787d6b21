"""Fail a page that makes the browser download more than its budget (README, "Speed, page weight").

At the end of the build, once the output is final (stripped, pruned, minified), every page of the
project is weighed with tools/page_weight.py, the measure `make bench` reports: its HTML plus every
file it loads. So is every other page the build writes (the search page, the offline page, the 404
page): a reader downloads those too. The budget is 100 KB, or the page's own entry in `page_budgets`
in conf.py (a document's name, or another page's path without `.html`: "search").
"""

from __future__ import annotations

from pathlib import Path

from sphinx.application import Sphinx
from sphinx.util import logging

from tools.event_order import BuildFinished
from tools.page_weight import BUDGET_BYTES, page_assets, weight

logger = logging.getLogger(__name__)


def check_weights(app: Sphinx, exception: Exception | None) -> None:
    if exception or app.builder.format != "html" or not app.config.page_budget_enabled:
        return
    out = Path(app.outdir)
    documents = {docname: out / app.builder.get_target_uri(docname) for docname in sorted(app.env.all_docs)}
    written = set(documents.values())
    others = {page.relative_to(out).with_suffix("").as_posix(): page for page in sorted(out.rglob("*.html"))
              if page not in written and not {"_static", "_sources"} & set(page.relative_to(out).parts)}
    for name, page in [*documents.items(), *others.items()]:
        if not page.is_file():
            continue
        files = page_assets(out, page)
        total, budget = weight(files), app.config.page_budgets.get(name, BUDGET_BYTES)
        if total <= budget:
            continue
        heaviest = max(files[1:], key=lambda f: f.stat().st_size, default=page)
        logger.warning(
            "%sthe page weighs %.1f KB with the %d files it loads (its HTML %.1f KB; the largest file it loads, "
            "%s, %.1f KB), over its %d KB budget; shorten or split the page, or load less on it "
            "(a page that must be heavier gets its own entry in `page_budgets` in conf.py)",
            "" if name in documents else f"{page.relative_to(out).as_posix()}: ",
            total / 1000, len(files), page.stat().st_size / 1000, heaviest.relative_to(out).as_posix(),
            heaviest.stat().st_size / 1000, budget // 1000,
            location=(name, 1) if name in documents else None, type="page_budget",
        )


def setup(app: Sphinx) -> dict:
    app.add_config_value("page_budgets", {}, "html", types=[dict])  # docname -> bytes, for pages allowed more
    app.add_config_value("page_budget_enabled", True, "html", types=[bool])
    app.connect("build-finished", check_weights, priority=BuildFinished.CHECK_OUTPUT)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
