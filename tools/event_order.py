"""When our extensions' event handlers run, stated once.

Sphinx calls an event's handlers by priority, lower first, and in the order the extensions were
loaded among equals. 500 is the default, and what Sphinx, the theme and the third-party
extensions use unless noted. Every handler of ours whose order matters takes its priority from
here, so the order can be read in one place instead of from numbers spread across files:

    app.connect("build-finished", strip_markup, priority=BuildFinished.STRIP_MARKUP)

A new handler that must run before or after another gets a named constant here, with the reason.
"""

from __future__ import annotations

DEFAULT = 500  # Sphinx's, the theme's and third-party extensions' handlers


class ConfigInited:
    """config-inited: settings settle in this order, after conf.py and -D overrides."""

    BASEURL = 100  # html_baseurl with its slash, and the addresses derived from it, before anything reads them
    NOT_FOUND_PAGE = 150  # the 404 page's body, whose links start with the prefix BASEURL derived
    CHECK_INPUT = 200  # data files and the base URL are checked before anything reads them
    CLINIC = 400  # the clinic's details as MyST substitutions, before MyST reads its settings
    VERSION = DEFAULT  # which version this build is (docs/versions.toml or -D versions_build), after CHECK_INPUT
    SETTLE = 900  # after Sphinx normalises html_css_files (800): no "configuration changed" rebuild
    CODE_DIGEST = 950  # last: the other handlers may import more of our modules, whose code it hashes


class BuilderInited:
    SETTLE_STATIC_PATH = 900  # after sphinx-design appends its folder again (500)


class DoctreeRead:
    PAGE_METADATA = 900  # after Sphinx's MetadataCollector has filled env.metadata (500)
    SEARCH_SECTIONS = 950  # after PAGE_METADATA has added its block, which the index skips


class PageContext:
    """html-page-context: first what adds to a page, then what reads or trims what was added."""

    SPARE_FURO_TREE = 300  # Furo's call for the whole tree (500) gets none: sidebar_tree writes it; before
    # sphinx-notfound-page (400) gives the 404 page its own toctree, which sidebar_tree then leaves to Furo
    ADD_ASSETS = 400  # a page's own CSS and JS (app.add_css_file / add_js_file fill the builder's lists)
    DESCRIPTION = 450  # before sphinxext-opengraph (500), which keeps a description already there
    # DEFAULT: Furo fingerprints its assets and builds the sidebar tree; sphinxext-opengraph
    VERSIONS_SCRIPT = 550  # after versions' page context (500), which it reads; adds versions.js where it loads at once
    SIDEBAR_TREE = 600  # after Furo's handler (500), whose tree it sets
    RESOURCE_FINGERPRINTS = 600  # after Sphinx points favicon_url and logo_url at _static/ (500)
    DROP_UNUSED_ASSETS = 700  # after every handler that adds assets: it replaces the page's lists


class BuildFinished:
    """build-finished: the passes over the written site, in this order.

    Pages are written and trimmed first, then files are added beside them, then our stylesheets and
    scripts are minified and the theme's stylesheets pruned against the final pages and scripts; the
    offline worker hashes the result, the checks read it, and the strict-rebuild state is saved last.
    """

    STRIP_MARKUP = 400  # every page loses dead markup before anything reads the pages
    COMPLETE_SITEMAP = 450  # every page into sphinx-sitemap's list, before it writes sitemap.xml (500)
    # DEFAULT: files written beside the pages: robots.txt, redirect stubs, _headers and
    # nginx-headers.conf, PDFs, sitemap.xml
    MINIFY_STATIC = 600  # our own CSS and JS, as written
    PRUNE_THEME_CSS = 650  # reads every page and script as shipped (minified: no comment keeps a class alive)
    SEARCH_INDEX = 800  # the search index and its semantic table, which no pass before reads: its process
    # (search_semantic.PendingTable) has the longest to finish while the passes above run
    OFFLINE_WORKER = 850  # hashes the final files; appends its own line to _headers
    CHECK_OUTPUT = 900  # the checks that read the final output: page budget, safe HTML
    SAVE_STATE = 1000  # last: after every other handler has warned
