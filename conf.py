"""Sphinx configuration for the dry needling (IMS) patient knowledge base."""

from pathlib import Path

from tools import shared  # the toolchain's shared paths, base URL and dates (README, "Toolchain")

shared.use_local_extensions(Path(__file__).parent)  # docs/_ext

# -- Project information ------------------------------------------------------
project = "Dry needling (IMS) patient resources"
author = "Our physiotherapy clinic in Grande Prairie"
copyright = "2026, our physiotherapy clinic in Grande Prairie"
release = "dev"  # the versions build passes -D release=<version>
language = "en"

# -- The clinic: its one home (README, "Clinic details") ------------------------------
# Pages write {{ clinic_phone }}, {{ clinic_email }}, {{ clinic_name }}, {{ clinic_address }},
# {{ emergency_number }} and {{ health_link }} (docs/_ext/clinic_details.py); templates read
# html_context["clinic"]. A page that types the phone number or email fails the build.
clinic = {
    "name": "Our physiotherapy clinic in Grande Prairie",
    "address": "102C, 8805 Resources Road, Grande Prairie, AB T8V 3A6",
    "phone": "780-539-1261",
    "phone_href": "tel:+17805391261",
    "email": "info@hillstar.ca",
    # Alberta's numbers, which every care card and footer gives
    "emergency_number": "911",
    "health_link": "811",  # Health Link, Alberta's nurse advice line
}

# -- General configuration ----------------------------------------------------
extensions = [
    "strict_rebuild",  # first, to see every warning: pages that warned are re-read next build
    "input_checks",  # bytes that are not UTF-8, a broken references.bib, a base URL without https://
    # Sphinx's own
    # External
    "myst_parser",
    "sphinx_design",
    "sphinxcontrib.bibtex",
    "sphinxext.opengraph",  # sphinxext-opengraph: link previews
    "sphinx_sitemap",  # sphinx-sitemap: sitemap.xml
    "notfound.extension",  # sphinx-notfound-page: 404.html
    # Our custom extensions (docs/_ext/)
    "clinic_details",  # conf.py's clinic dict as MyST substitutions; no phone or email typed in pages
    "care_advice",  # docs/care-advice.toml: the one source of the "When should I get help?" cards
    "shared_passages",  # two pages may not share 25 words in a row: one home, linked or included
    "page_metadata",
    "section_labels",
    "redirects",  # docs/redirects.toml: moved pages and section ids
    "locked_links",  # every page and id in docs/anchors.lock still works, or is redirected
    "copy_link",
    "site_addresses",  # html_baseurl drives Open Graph's and the 404 page's addresses
    "not_found_page",  # the 404 page's text, with a search box
    "page_descriptions",  # front-matter description: meta and Open Graph description
    "robots_txt",
    "structured_data",
    "print_footer",
    "handouts",
    "booklet",  # make booklet: every patient page in one PDF
    "page_feedback",  # "Was this page helpful? / Report a problem" by the reader's own email
    "listen",  # "Listen to this page" with the browser's own speech synthesis
    "decision_guide",  # the decision guide's questions as form controls; its script on its page only
    "fetch_on_choice",  # the guide's research for each problem in its own file, fetched when the reader chooses
    "offline",  # service worker: saved pages open with no connection
    "section_search",  # the search page's own index, one document per section
    "glossary_headwords",  # one headword per glossary entry; other term lines "Also called" or hidden
    "page_assets",  # a page loads only the CSS and JS it uses
    "sidebar_tree",  # the sidebar opens only the current section
    "resource_fingerprints",  # the favicon link carries ?v= like every other _static/ file
    "strip_markup",  # build-finished: pages lose indentation and unused or repeated icons
    "security_headers",  # the CSP and referrer policy, as <meta> tags and host header files
    "external_links",  # rel="noopener noreferrer" on every link out of the site
    "versions",  # which version this is: the switcher, the banner, each page's history line
    "release_list",  # the changelog's {release-list} of published releases
    "evidence",  # docs/evidence.toml: summaries of findings and the evidence chart
    "bibtex_plugin_cache",  # a quarter of the build was pybtex rescanning installed packages
    "bibliography_style",  # the references page without references.bib's verification notes
    "prune_theme_css",  # Furo and sphinx-design rules for components the site never shows
    "minify_static",  # our own CSS and JS, minified in the output only
    # Bad input never ships (README, "Checks in the build")
    "stale_output",  # a deleted page's HTML goes with it
    "complete_sitemap",  # sitemap.xml lists every page, not only those written in this run
    "stable_config",  # no "configuration has changed" on a no-change rebuild
    "code_changes",  # an edit to docs/_ext or tools/ re-reads every page, as a changed setting does
    "glossary_checks",  # a term defined twice, a definition not indented: at their lines
    "page_budget",  # a page that loads more than its budget (100 KB) fails, named
    "fence_structure",  # a box that swallowed a heading or another box (a ::: left open)
    "safe_html",  # no third-party request, embedded object, inline code or plain http:// link
]
exclude_patterns = ["_build", "Thumbs.db", ".DS_Store", "_snippets"]  # _snippets: included, not pages
templates_path = ["docs/_templates"]  # paths are relative to this file
nitpicky = True

# -- Options for Markdown files -----------------------------------------------
myst_enable_extensions = ["colon_fence", "deflist", "fieldlist", "attrs_block", "attrs_inline", "substitution"]
myst_url_schemes = ["http", "https", "mailto", "tel"]  # the clinic's phone links
myst_heading_anchors = 0  # every heading gets an explicit (label)= instead

# -- Citations ----------------------------------------------------------------
bibtex_bibfiles = ["docs/references.bib"]
bibtex_default_style = "plain_public"  # plain, labelled by author and year, without the maintainers' notes
bibtex_reference_style = "author_year_labelled"  # cite by each entry's author-year label (bibliography_style)
# A title tooltip repeated the whole reference at every citation (37 KB on the evidence page), and
# touch and keyboard users never see it; each citation links to its full entry instead.
bibtex_tooltips = False

# -- Printable handouts (make handouts) ----------------------------------------
handouts = [
    "topics/safety/aftercare",
    "topics/safety/your-session",
    "topics/safety/contraindications",
    "topics/safety/side-effects",
]

# -- Offline reading (docs/_ext/offline.py) -------------------------------------
# Saved on a reader's first visit, besides every page they open: these pages, and each section's
# landing page with every page in its toctree.
offline_pages = ["index", "contact", "search"]
offline_sections = ["topics/safety/index"]

# -- The whole-site booklet (make booklet: tools/make_booklet.py) ----------------
# Every page in the site's reading order (the toctree) except these, which are not patient reading.
booklet_exclude = ["handouts", "about", "references", "changelog"]
booklet_file = "dry-needling-booklet.pdf"  # written beside the handouts, linked from handouts.md

# -- Options for HTML output --------------------------------------------------
html_theme = "furo"
# Furo's default sidebar plus the version switcher (docs/_templates/sidebar/versions.html) under search.
html_sidebars = {"**": ["sidebar/brand.html", "sidebar/search.html", "sidebar/versions.html",
                        "sidebar/scroll-start.html", "sidebar/navigation.html", "sidebar/ethical-ads.html",
                        "sidebar/scroll-end.html", "sidebar/variant-selector.html"]}
html_title = "Dry needling (IMS) patient resources"
html_static_path = ["docs/_static"]
html_favicon = "docs/_static/favicon.svg"
html_css_files = ["clinic.css", "dropdown.css", ("print.css", {"media": "print"}),
                  ("print-article.css", {"media": "print"})]
html_context = {"clinic": clinic}
html_copy_source = False
html_use_index = False  # the glossary is the index; genindex.html redirects there (docs/redirects.toml)
html_show_sourcelink = False
# Every colour and the focus ring our stylesheets use (docs/_static/*.css read them with var(--name)).
# Light values apply in dark mode too unless dark sets its own. Each one is inlined into every page:
# add one only for a colour Furo has no variable for.
html_theme_options = {
    "light_css_variables": {
        "color-brand-primary": "#0b5d66",
        "color-brand-content": "#0b5d66",
        "color-brand-visited": "#5a3d8a",
        # One focus ring for everything a keyboard reaches (clinic.css); the brand colour, light or dark.
        "color-focus-ring": "var(--color-brand-primary)",
        "focus-ring-width": "3px",
        "focus-ring-offset": "2px",
        "color-notice-border": "#b36b00",  # the version banner's edge (versions.css): 3:1 or more on both
        "color-search-highlight": "#fff3b0",  # the words that matched, in search results
    },
    "dark_css_variables": {
        "color-brand-primary": "#6fd3dc",
        "color-brand-content": "#6fd3dc",
        "color-brand-visited": "#c7a8f0",
        "color-search-highlight": "#5c4b00",
    },
    "top_of_page_buttons": [],
}

# -- Deep links, link previews and search engines (README, "Deep links") ------
# SITE_BASEURL, or the assumed public address; per-version builds override it with -D html_baseurl=...
html_baseurl = shared.site_baseurl()
ogp_image = "_static/site-preview.png"  # drawn by tools/make_site_image.py
ogp_image_alt = "Dry needling (IMS): plain answers for patients, from a physiotherapy clinic in Grande Prairie"
ogp_social_cards = {"enable": False}  # no generated cards: we ship our own image
ogp_custom_meta_tags = ['<meta name="twitter:card" content="summary_large_image">',
                        '<meta property="og:image:width" content="1200">',
                        '<meta property="og:image:height" content="630">']
sitemap_url_scheme = "{link}"
sitemap_excludes = ["search.html", "genindex.html", "404.html"]

# -- Page weight budget (docs/_ext/page_budget.py; README, "Speed, page weight") ----------------------
# Every page, with everything it loads, within 100 KB uncompressed. A page that must be heavier gets its
# own entry here, docname: bytes, with the reason. None needs one: the heaviest, the decision guide, is
# 98.3 KB (99.4 in `make versions`' dev build), its research, "Listen" reader and offline worker counted.
page_budgets: dict[str, int] = {}
