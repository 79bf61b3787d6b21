"""The sidebar's navigation tree (docs/_ext/sidebar_tree.py): made once per build, written per page
byte for byte as Sphinx's toctree and Furo's rewrite of it would write it, and current after edits."""

from __future__ import annotations

import re

import pytest
from furo.navigation import get_navigation_tree

import sidebar_tree

# A tree with what real sites hold: captions, a hidden toctree, a toctree under a subsection, a page
# in two toctrees, a page with two top-level sections, an explicit title with markup characters, a
# link out of the site, a "self" entry, nesting three deep, a page outside the tree, and pages in folders.
PAGES = {
    "index": "# Home\n\n```{toctree}\n:caption: Sections\n\na/index\nb\n```\n\n"
             "```{toctree}\n:hidden:\n\nc\n```\n\n"
             "```{toctree}\n:caption: More & more\n\nClinic <https://example.org/>\nself\n"
             "Custom & \"quoted\" <d>\n```\n",
    "a/index": "# Section A\n\nIntro.\n\n## Part\n\n```{toctree}\none\ntwo\n../d\n```\n",
    "a/one": "# One *and* <only> one\n\n```{toctree}\ndeep/three\n```\n",
    "a/deep/three": "# Three\n\nText.\n",
    "a/two": "# Two\n\nText.\n",
    "b": "# B\n\nText.\n\n# B again\n\nMore.\n",
    "c": "# C\n\nText.\n",
    "d": "# D\n\nText.\n",
    "orphan": "---\norphan: true\n---\n# Orphan\n\nText.\n",
}
# sphinx-notfound-page (third-party) calls global_toctree_for_doc() without tags: not ours to fix.
pytestmark = pytest.mark.filterwarnings("ignore:'tags' will become a required keyword argument")
CONF = {"html_theme": "furo", "notfound_urls_prefix": "/site/", "suppress_warnings": ["toc.multiple_toc_parents"]}


def build_observed(small_project, pages: dict[str, str]):
    """Build a project; return it and, for each page, whether its tree came from the one made per
    build, that tree, and what Sphinx's own toctree() and Furo's rewrite of it give for the page."""
    trees = {}
    page_tree = sidebar_tree.page_tree

    def observed(app, pagename, templatename, context, doctree):
        made_once = isinstance(context.get("toctree"), sidebar_tree.WithoutFuroTree)
        page_tree(app, pagename, templatename, context, doctree)
        theirs = get_navigation_tree(context["toctree"](**(
            sidebar_tree.FURO_TREE if pagename == app.config.root_doc else sidebar_tree.SECTION_TREE)))
        trees[pagename] = (made_once, context["furo_navigation_tree"], theirs)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(sidebar_tree, "page_tree", observed)  # connected when the build loads the extension
        project = small_project(pages, ["myst_parser", "sidebar_tree", "notfound.extension"], **CONF).build()
    return project, trees


@pytest.fixture(scope="module")
def tricky(small_project):
    return build_observed(small_project, PAGES)


@pytest.mark.parametrize("pagename", [*PAGES, "search", "genindex"])
def test_each_page_has_the_tree_sphinx_and_furo_write(tricky, pagename):
    project, trees = tricky
    made_once, ours, theirs = trees[pagename]
    assert made_once, "the page asked Sphinx for the whole tree"
    assert ours == theirs
    assert f'<div class="sidebar-tree">\n  {ours}\n</div>' in project.html(pagename)


def test_a_tree_it_does_not_model_is_left_to_sphinx_and_furo(small_project):
    pages = {**PAGES, "b": "---\ntocdepth: 1\n---\n" + PAGES["b"]}  # Sphinx prunes under a tocdepth its own way
    project, trees = build_observed(small_project, pages)
    for pagename, (made_once, ours, theirs) in trees.items():
        assert not made_once and ours == theirs, pagename


def test_the_tree_opens_the_pages_own_place(tricky):
    tricky, _ = tricky
    three = tricky.html("a/deep/three")
    assert three.count("current-page") == 1 and 'class="current reference internal" href="#">Three' in three
    assert three.count('checked=""') == 2  # the toggles of its ancestors, Section A and One
    assert 'href="../../b.html#b-again"' in three and "Two</a>" in three
    d = tricky.html("d")
    # In two toctrees, it is marked where Sphinx counts its parent (the home page's): Section A stays closed.
    assert d.count('class="current reference internal" href="#">') == 1 and "Two</a>" not in d


def test_the_404_page_keeps_its_absolute_links(tricky):
    tricky, trees = tricky
    assert not trees["404"][0] and trees["404"][1] == trees["404"][2]  # sphinx-notfound-page's own toctree
    not_found = tricky.html("404")
    sidebar = re.search(r'<div class="sidebar-tree">(.*?)</div>', not_found, re.S).group(1)
    assert 'href="/site/a/index.html"' in sidebar and 'href="../' not in sidebar


def test_a_changed_title_reaches_every_page(small_project):
    pages = {"index": "# Home\n\n```{toctree}\na\nb\n```\n", "a": "# Old title\n\nText.\n", "b": "# B\n\nText.\n"}
    project = small_project(pages, ["myst_parser", "stale_output", "sidebar_tree"], html_theme="furo").build()
    assert ">Old title</a>" in project.html("b")
    (project.src / "a.md").write_text("# New title\n\nText.\n", encoding="utf-8")
    project.build()
    for page in pages:
        assert ">New title</a>" in project.html(page) and "Old title" not in project.html(page), page
