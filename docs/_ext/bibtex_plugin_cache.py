"""Look up pybtex plugins once per build instead of once per citation.

pybtex and sphinxcontrib-bibtex find their styles and backends through
importlib.metadata.entry_points(), which rescans every installed package on
each call (no cache, unlike pkg_resources before it). They call it for every
citation, which was a quarter of the full build's time. Installed packages do
not change during a build, so the answers can be cached; Pygments made the
same change upstream (pygments/pygments#2979).
"""

from __future__ import annotations

import functools
from importlib.metadata import entry_points

import pybtex.plugin
import sphinxcontrib.bibtex.plugin
from sphinx.application import Sphinx


@functools.cache
def _entry_points_in(group: str, name: str | None) -> tuple:
    found = entry_points(group=group)
    return tuple(found if name is None else found.select(name=name))


def cached_entry_points(*, group: str, name: str | None = None) -> tuple:
    return _entry_points_in(group, name)


def setup(app: Sphinx) -> dict:
    app.setup_extension("sphinxcontrib.bibtex")
    # Both modules call the name they imported, so swapping the module attribute is enough.
    pybtex.plugin.entry_points = cached_entry_points
    sphinxcontrib.bibtex.plugin.entry_points = cached_entry_points
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
