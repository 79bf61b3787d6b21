"""Links out of the site carry rel="noopener noreferrer": the other site is not told which health page
the reader was on, and gets no handle on this tab.

A post-transform marks every external reference node; Sphinx's HTML writer writes its `rel`.
"""

from __future__ import annotations

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.transforms.post_transforms import SphinxPostTransform

REL = "noopener noreferrer"


class ExternalLinkRel(SphinxPostTransform):
    default_priority = 800
    formats = ("html",)

    def run(self, **kwargs) -> None:
        for reference in self.document.findall(nodes.reference):
            # What Sphinx's HTML writer calls "reference external" (mailto: and tel: links too).
            if "refuri" in reference and not reference.get("internal"):
                reference["rel"] = REL


def setup(app: Sphinx) -> dict:
    app.add_post_transform(ExternalLinkRel)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
