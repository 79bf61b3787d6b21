"""Light pages without a change in looks: CSS pruning, minified assets, lean markup.

The extensions are tested on a tiny Furo project built with Sphinx's testing fixtures; the proof
that pruning is safe compares the real site with a copy that has the full stylesheets and scripts
put back, in Chromium, element by element (computed styles, ::before and ::after included).
"""

from __future__ import annotations

import functools
import re
import shutil
from pathlib import Path

import furo
import pytest
import sphinx_design.extension
import tinycss2
from conftest import VIEWPORTS
from playwright.sync_api import expect

import page_assets
import prune_theme_css
import strip_markup
from tools.shared import DOCS

# -- The extensions on a tiny project ------------------------------------------------------

PAGE = """# Home

:::{admonition} In short
:class: tip
Hello.
:::

:::{card} A card
Text.
:::

:::{dropdown} More
Text.
:::

```{toctree}
other
```
"""


LEAN_EXTENSIONS = ["page_assets", "sidebar_tree", "strip_markup", "prune_theme_css", "minify_static"]


@pytest.fixture
def build_tiny(small_project):
    """Build a two-page Furo + sphinx-design project with our lean extensions; return its outdir."""

    def build(**overrides):
        project = small_project(
            {"index": PAGE, "other": "# Other\n\n```\ncode   keeps   its   spaces\n    and indentation\n```\n\n"
                                     ":::{dropdown} Details\n:class-container: for-clinicians\nMore text.\n:::\n"},
            ["myst_parser", "sphinx_design", *LEAN_EXTENSIONS],
            files={"_static/site.css": "/* why */\n.page  {\n  color : red;\n}\n/*! licence */\n",
                   "_static/site.js": "// why\n(() => {\n  const answers = document.querySelectorAll(\".answer\");"
                                      "  // the answers\n  for (const answer of answers) answer.hidden = false;"
                                      "\n})();\n",
                   "_static/vendor.min.js": "var a = 1;  // kept as shipped\n"},
            myst_enable_extensions=["colon_fence"], html_theme="furo", html_static_path=["_static"],
            html_css_files=["site.css"], html_js_files=["site.js", "vendor.min.js"])
        return project.build(**overrides).out

    return build


def test_theme_css_loses_rules_and_properties_nothing_uses(build_tiny):
    styles = build_tiny() / "_static" / "styles"
    css = (styles / "furo.css").read_text()
    assert ".sig-name" not in css  # API documentation
    assert "--color-api-name" not in css  # its custom property, used only by those rules
    assert ".admonition" in css and ".sidebar-tree" in css  # components the pages have
    assert "--color-brand-primary" in css
    extensions_css = (styles / "furo-extensions.css").read_text()
    assert "#furo-readthedocs-versions" not in extensions_css  # an id no page has


def test_design_css_keeps_only_the_components_used(build_tiny):
    css = (build_tiny() / "_static" / "sphinx-design.min.css").read_text()
    assert ".sd-card" in css
    assert "sd-dropdown" not in css, "dropdowns are plain <details>: their card rules go"
    assert ".sd-btn" not in css and ".sd-tab-set" not in css
    assert "@keyframes sd-slide-from-left" not in css  # no animation uses it


def test_pruning_can_be_turned_off(build_tiny):
    css = (build_tiny(prune_theme_css=False) / "_static" / "styles" / "furo.css").read_text()
    assert ".sig-name" in css and "--color-api-name" in css


def test_a_property_set_once_on_body_is_written_where_it_is_used():
    """Furo's aliases (`--link: var(--brand)`) are written out at their uses, but only where that gives
    the same value: not a property set on another element too, not one our CSS or a script reads,
    not at a use on html (outside body, where it was never set)."""
    theme = ("body{--brand:#00f;--link:var(--brand);--gap:1rem;--local:var(--inner);--ours:red;--top:2px}"
             "@media not print{body[data-theme=dark]{--brand:#0ff}}.sidebar{--inner:3px}"
             "a{color:var(--link);margin:var(--gap) calc(var(--gap)*2)}p{padding:var(--local)}"
             "h1{color:var(--ours)}html{margin:var(--top)}h2{margin:var(--top)}")
    usage = prune_theme_css.SiteUsage(classes={"sidebar"}, elements={"html", "body", "a", "p", "h1", "h2"},
                                      page_text=[".own{color:var(--ours)}"])
    sheets = [prune_theme_css.parse(theme, usage)]
    prune_theme_css.inline_body_constants(sheets, usage, [".own{color:var(--ours)}"])
    css = "".join(rule.serialize() for rule in sheets[0])
    assert "a{color:var(--brand);margin:1rem calc(1rem*2)}" in css  # the dark variant still applies
    assert "--link" not in css and "--gap" not in css
    assert "p{padding:var(--local)}" in css, "--inner is set on .sidebar: there --local's value would differ"
    assert "h1{color:var(--ours)}" in css and "--ours:red" in css, "our own CSS reads it"
    assert "--top:2px" in css and "html{margin:var(--top)}" in css


def test_own_assets_are_minified_vendor_files_are_not(build_tiny):
    static = build_tiny() / "_static"
    assert (static / "site.css").read_text() == ".page{color:red}/*! licence */"
    # esbuild: no comments or spaces, and local names shortened; strings and properties kept
    assert (static / "site.js").read_text() == ('(()=>{const e=document.querySelectorAll(".answer");'
                                                "for(const n of e)n.hidden=!1})();\n")
    assert (static / "vendor.min.js").read_text() == "var a = 1;  // kept as shipped\n"


def test_minifying_can_be_turned_off(build_tiny):
    assert "// why" in (build_tiny(minify_static=False) / "_static" / "site.js").read_text()


def test_markup_is_lean_but_code_keeps_its_spaces(build_tiny):
    out = build_tiny()
    index, other = (out / "index.html").read_text(), (out / "other.html").read_text()
    outside_scripts = re.sub(r"<script.*?</script>", "<script></script>", index, flags=re.S)  # hashed by the CSP
    assert re.search(r">\s*\n\s+<", outside_scripts) is None  # indentation and blank lines between tags are gone
    code = re.sub(r"<[^>]+>", "", re.search(r"<pre>.*?</pre>", other, re.S).group(0))
    assert code == "code   keeps   its   spaces\n    and indentation\n"
    used = set(re.findall(r'href="#(svg-[\w-]+)"', index))
    assert set(re.findall(r'<symbol id="(svg-[\w-]+)"', index)) == used


def test_dropdowns_are_plain_details_with_their_classes(build_tiny):
    out = build_tiny()
    other = (out / "other.html").read_text()
    assert re.search(r'<details class="dropdown for-clinicians"><summary>Details</summary>'
                     r'<div class="dropdown-body">\s*<p>More text.</p>\s*</div></details>', other), other
    assert "sd-" not in re.sub(r"<script.*?</script>", "", other, flags=re.S)
    assert '<details class="dropdown"><summary>More</summary>' in (out / "index.html").read_text()


def test_every_dropdown_of_the_site_is_plain(site):
    faq = site.soup("faq")
    written = (DOCS / "faq.md").read_text(encoding="utf-8").count(":::{dropdown}")
    assert len(faq.select("details.dropdown > summary + div.dropdown-body")) == written > 20
    assert not faq.select('[class*="sd-"]') and "sphinx-design" not in site.html("faq")
    assert site.soup("topics/safety/aftercare").select("details.dropdown.for-clinicians")


def test_a_repeated_design_icon_is_drawn_once_and_used_by_reference():
    icon = ('<svg version="1.1" width="1em" height="1em" class="sd-octicon sd-octicon-check" viewBox="0 0 16 16" '
            'aria-hidden="true"><path d="M1 2z"></path></svg>')
    page = f"<body>{strip_markup.SVG_SPRITE}\n</svg><p>{icon} and {icon}</p>"
    lean = strip_markup.share_repeated_icons(page)
    assert lean.count('M1 2z') == 1 and lean.count('<use href="#svg-sd-check"></use>') == 2


def test_the_sprite_keeps_its_icons_without_their_packaging():
    page = (f'{strip_markup.SVG_SPRITE}\n<symbol id="svg-menu" viewBox="0 0 24 24">\n<title>Menu</title>\n'
            '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24" fill="none"\n      stroke="currentColor" '
            'class="feather-menu">\n<path stroke="none" d="M0 0h24v24H0z" fill="none" />\n'
            '<path d="M 1 2 L 3 4" />\n<line x1="3" y1="12" x2="21" y2="12"></line>\n</svg>\n</symbol>\n</svg>')
    assert strip_markup.lean_sprite(page) == (
        f'{strip_markup.SVG_SPRITE}\n<symbol id="svg-menu" viewBox="0 0 24 24"><title>Menu</title>'
        '<svg viewBox="0 0 24 24" fill="none" stroke="currentColor"><path d="M1 2L3 4"/>'
        '<line x1="3" y1="12" x2="21" y2="12"/></svg></symbol>\n</svg>')


@pytest.mark.parametrize(("before", "after"), [
    ('<a class="reference internal" href="g.html#term-X"><span class="xref std std-term">knots</span></a>',
     '<a class="reference internal" href="g.html#term-X">knots</a>'),
    ('<a class="reference internal" href="a.html"><span class="doc">About</span></a>',
     '<a class="reference internal" href="a.html">About</a>'),
    ('<a class="reference internal" href="#x"><span class="std std-ref">how <em>long</em></span></a>',
     '<a class="reference internal" href="#x">how <em>long</em></a>'),
    ('<span class="label"><span class="fn-bracket">[</span>1<span class="fn-bracket">]</span></span>',
     '<span class="label">[1]</span>'),
    ('<span class="bibtex-citation" id="id4">[<a href="r.html#id9">B, 2014</a>]</span>',
     '<span class="bibtex-citation">[<a href="r.html#id9">B, 2014</a>]</span>'),
    ('<section id="faq-pain">\n<span id="does-it-hurt"></span><h2>Does it <em>hurt</em>?<a class="headerlink" '
     'href="#faq-pain"',
     '<section id="faq-pain">\n<h2>Does it <em>hurt</em>?<a class="headerlink" href="#faq-pain"'),
    ('<article role="main" id="c"><p><a class="reference internal" href="g.html#term-X">knots</a> '
     '<a class="reference external" href="https://doi.org/1" rel="noopener noreferrer">doi:1</a></p></article>',
     '<article role="main" id="c"><p><a href="g.html#term-X">knots</a> '
     '<a href="https://doi.org/1" rel="noopener noreferrer">doi:1</a></p></article>'),
    ('<div class="copyright">\nCopyright &#169; 2026\n</div>\n  Made with <a href="https://www.sphinx-doc.org/">Sphinx</a>'
     ' and <a class="muted-link" href="https://pradyunsg.me">@pradyunsg</a>\'s\n\n  '
     '<a href="https://github.com/pradyunsg/furo">Furo</a>\n</div>',
     '<div class="copyright">\nCopyright &#169; 2026\n</div>\n</div>'),
    ('<meta charset="utf-8">\n<meta name="viewport" content="width=device-width,initial-scale=1">\n<meta name="color-'
     'scheme" content="light dark"><meta name="viewport" content="width=device-width, initial-scale=1" />\n<title>',
     '<meta charset="utf-8">\n<meta name="viewport" content="width=device-width,initial-scale=1">\n<meta name="color-'
     'scheme" content="light dark">\n<title>'),
    ('<div role="list" class="citation-list">\n<div class="citation" id="id9" role="listitem">\n'
     '<span class="label">[Brady et al., 2014]</span>\n<p>S. Brady. <em>Title</em>.</p>\n</div>\n</div>',
     '<ul class="citation-list">\n<li id="id9"><span class="label">[Brady et al., 2014]</span>\n'
     'S. Brady. <em>Title</em>.</li>\n</ul>'),
])
def test_dead_markup_goes(before, after):
    assert strip_markup.without_dead_markup(before) == after


@pytest.mark.parametrize("kept", [
    '<a class="reference internal" href="#x"><span class="std std-ref">a</span> <span class="doc">b</span></a>',
    '<span class="bibtex-citation" id="id4">[x]</span><a href="#id4">back</a>',  # a link targets it
    '<head><meta name="viewport" content="width=device-width, initial-scale=1" />',  # the only one: it stays
    '<section id="faq-pain">\n<span id="old-label"></span><h2>Does it hurt?<a class="headerlink" href="#faq-pain"',
    # an entry of two paragraphs would lose its structure: the list stays as written
    '<div role="list" class="citation-list">\n<div class="citation" id="id9" role="listitem">\n'
    '<span class="label">[B]</span>\n<p>One.</p>\n<p>Two.</p>\n</div>\n</div>',
    # Furo styles the sidebar's and the page contents' links by .reference
    '<div class="sidebar-tree"><a class="reference internal" href="a.html">About</a></div><article role="main">'
    '</article><div class="toc-tree"><a class="reference internal" href="#x">X</a></div>',
])
def test_markup_something_reads_stays(kept):
    assert strip_markup.without_dead_markup(kept) == kept


def test_only_the_pages_with_components_load_their_assets(build_tiny):
    out = build_tiny()
    assert "sphinx-design.min.css" in (out / "index.html").read_text()
    other = (out / "other.html").read_text()
    assert "sphinx-design.min.css" not in other and "documentation_options.js" not in other


def test_the_search_page_loads_only_what_the_sites_own_search_uses(site):
    """Sphinx's helpers (doctools, sphinx_highlight, DOCUMENTATION_OPTIONS) serve Sphinx's own search,
    and the copy-link button a page's section headings: the site's search needs neither. With Sphinx's
    search back (section_search_enabled = False) its helpers load again."""
    html = site.html("search")
    assert "section-search.js" in html and "section-search-index.js" in html
    for name in ("doctools.js", "sphinx_highlight.js", "documentation_options.js", "copy-link.js", "copy-link.css",
                 "print-article.css"):
        assert name not in html, name
    assert "print.css" in html, "its results still print without the site's chrome"
    assert "print-article.css" in site.html("decide")
    assert not {"doctools.js", "documentation_options.js"} & page_assets.unused_assets("search", "", own_search=False)


def test_copy_link_files_load_where_section_headings_want_buttons(site):
    """A page of the documents loads the copy-link button's files only if it has a section heading for
    the button (copy-link.js's selector), except the decision guide, which opts out (`copy-link: false`:
    its headings are a form's steps) and keeps a ¶ permalink on each heading. Pages Sphinx writes
    without a document (search, offline, 404) have none."""
    loading = set()
    for page in site.out.rglob("*.html"):
        path = page.relative_to(site.out).with_suffix("").as_posix()
        if not (DOCS / f"{path}.md").is_file():
            assert "copy-link" not in page.read_text(encoding="utf-8"), path
            continue
        soup = site.soup(path)
        files = bool(soup.select('script[src*="copy-link.js"]')) + bool(soup.select('link[href*="copy-link.css"]'))
        headings = soup.select('article[role="main"] section > :is(h2, h3, h4, h5, h6)')
        assert files in (0, 2), f"{path}: one of the two files"
        assert bool(files) == (bool(headings) and path != "decide"), f"{path}: {len(headings)} section headings"
        loading.update([path] if files else [])
    assert {"faq", "topics/safety/side-effects", "index"} <= loading
    guide = site.soup("decide").select("article section > :is(h2, h3)")
    assert guide and all(h.select_one("a.headerlink[href^='#']") for h in guide)


def test_only_pages_with_dropdowns_load_their_stylesheet(site):
    """dropdown.css styles the plain <details> dropdowns (and prints only the opened ones): the pages
    that have one load it, the others (the decision guide, the search page) do not."""
    with_dropdowns = {path.relative_to(site.out).with_suffix("").as_posix() for path in site.out.rglob("*.html")
                      if 'class="dropdown' in path.read_text(encoding="utf-8")}
    assert {"faq", "topics/safety/aftercare"} <= with_dropdowns
    for path in site.out.rglob("*.html"):
        name = path.relative_to(site.out).with_suffix("").as_posix()
        if "_static" not in name:
            assert ("dropdown.css" in path.read_text(encoding="utf-8")) is (name in with_dropdowns), name


def test_a_single_version_build_does_not_load_the_version_switcher_script(site):
    """versions.js only drives the versioned site's switcher (make versions; tests/test_versions.py
    drives it there); a plain build has nothing for it to do."""
    for path in ("index", "topics/safety/aftercare", "changelog"):
        html = site.html(path)
        assert "versions.js" not in html, path
        assert "version-switcher-static" in html and "data-site-root" not in html, path


# -- The real site looks the same with the full stylesheets --------------------------------

# Between them, every component the site uses: cards, dropdowns, tables, admonitions, glossary,
# bibliography, search results.
PAGES = ["index", "topics/science/evidence", "topics/safety/aftercare", "glossary", "references",
         "search.html?q=knots"]

# Per element (and its ::before and ::after): a description and a hash of its computed properties
# that a stylesheet of the site declares (as longhands; custom properties aside: pruning drops unused
# ones). Only stylesheets differ between the builds compared, so only those properties, and what
# inherits them, can differ: reading every property took three times as long. Hashing in the page
# keeps the transfer small.
STYLE_OF = """([i, pseudo]) => {
  const style = getComputedStyle([...document.querySelectorAll('body *')][i], pseudo);
  return [...style].filter(name => !name.startsWith('--')).map(name => name + ': ' + style.getPropertyValue(name));
}"""
STYLE_HASHES = """(declared) => {
  document.querySelectorAll('details').forEach(d => d.open = true);
  const hash = text => {  // FNV-1a
    let h = 2166136261;
    for (let k = 0; k < text.length; k++) h = Math.imul(h ^ text.charCodeAt(k), 16777619);
    return h >>> 0;
  };
  // The longhands of each declared property ('inherit' is valid for every property, shorthands too).
  const probe = document.createElement('div').style, longhands = new Set();
  for (const name of declared) {
    probe.cssText = '';
    probe.setProperty(name, 'inherit');
    for (const longhand of probe) longhands.add(longhand);
  }
  // Every computed style lists the same properties in the same order, then the element's custom
  // ones: read the names once (walking each element's list took four fifths of the time).
  const names = [...getComputedStyle(document.body)].filter(name => longhands.has(name));
  const out = [];
  [...document.querySelectorAll('body *')].forEach((el, i) => {
    for (const pseudo of [null, '::before', '::after']) {
      const style = getComputedStyle(el, pseudo);
      let text = 'content:' + style.content;  // a ::before or ::after without content is not drawn
      if (!pseudo || !['none', 'normal'].includes(style.content))
        for (const name of names) text += name + ':' + style.getPropertyValue(name) + ';';
      const tag = `<${el.tagName.toLowerCase()} class="${el.className.baseVal ?? el.className}">`;
      out.push([i, pseudo, tag, hash(text)]);
    }
  });
  return out;
}"""


@functools.cache
def declared_properties(out: Path) -> tuple[str, ...]:
    """Every property (custom properties aside) a stylesheet under `out`/_static declares, in any rule."""
    names: set[str] = set()

    def walk(rules) -> None:
        for node in rules:
            if node.type == "qualified-rule":
                names.update(item.lower_name for item in tinycss2.parse_blocks_contents(node.content)
                             if item.type == "declaration" and not item.name.startswith("--"))
            elif node.type == "at-rule" and node.content is not None and node.lower_at_keyword != "font-face":
                walk(tinycss2.parse_blocks_contents(node.content))

    for sheet in (out / "_static").rglob("*.css"):
        walk(tinycss2.parse_stylesheet(sheet.read_text(encoding="utf-8"), skip_whitespace=True, skip_comments=True))
    return tuple(sorted(names))


def first_differences(tab, urls: list[str], pruned: list, full: list, limit: int = 3) -> list[str]:
    """What differs in the first elements whose hashes differ (each build's page opened again)."""
    found = []
    for (index, pseudo, element, pruned_hash), (*_, full_hash) in zip(pruned, full, strict=True):
        if pruned_hash != full_hash and len(found) < limit:
            styles = []
            for url in urls:
                open_page(tab, url)
                styles.append(tab.evaluate(STYLE_OF, [index, pseudo]))
            changed = sorted(set(styles[0]) ^ set(styles[1]))
            found.append(f"{element}{pseudo or ''}: {'; '.join(changed[:6])}")
    return found


def open_page(tab, url: str) -> None:
    tab.goto(url)
    if "?q=" in url:
        tab.wait_for_selector("#search-results a")


@pytest.fixture(scope="session")
def full_css_site(site, tmp_path_factory):
    """The real site with every stylesheet and script as shipped, before pruning and minifying.

    The pages are the same either way, so a copy of the built site with the original files put
    back stands in for a second build.
    """
    out = tmp_path_factory.mktemp("full-css-site") / "html"
    shutil.copytree(site.out, out, ignore=shutil.ignore_patterns(".doctrees"))
    sources = [DOCS / "_static", Path(furo.__file__).parent / "theme" / "furo" / "static",
               sphinx_design.extension.STATIC_DIR]
    for built in (out / "_static").rglob("*"):
        if built.suffix in (".css", ".js"):
            relative = built.relative_to(out / "_static")
            original = next((root / relative for root in sources if (root / relative).is_file()), None)
            if original is not None:
                shutil.copyfile(original, built)
                if relative.as_posix() == "styles/furo.css":  # as shipped with pruning off (page.html's lean links)
                    built.write_text(prune_theme_css.classless_toc_links(built.read_text()))
    yield out
    shutil.rmtree(out, ignore_errors=True)


@pytest.mark.parametrize(("scheme", "width"), [("light", "desktop"), ("dark", "phone")])
def test_pruned_site_looks_like_the_full_one(site_url, full_css_site, serve, shared_tab, scheme, width):
    full_url = serve(full_css_site)
    declared = declared_properties(full_css_site)
    assert {"color", "margin", "display", "font-size"} <= set(declared), declared
    tab = shared_tab(viewport=VIEWPORTS[width])  # the page visits' tab for this viewport
    tab.emulate_media(color_scheme=scheme)
    differences = []
    for path in PAGES:
        urls = [f"{base}/{path if '.html' in path else path + '.html'}" for base in (site_url, full_url)]
        pruned, full = [], []
        for url, hashes in zip(urls, (pruned, full), strict=True):
            open_page(tab, url)
            hashes += tab.evaluate(STYLE_HASHES, declared)
        assert [row[:3] for row in pruned] == [row[:3] for row in full], f"{path}: the builds differ in markup"
        differences += [f"{path}: {line}" for line in first_differences(tab, urls, pruned, full)]
    assert not differences, "pruning changed how elements look (pruned vs full CSS):\n" + "\n".join(differences)


def test_pruned_site_ships_less_css(site, full_css_site):
    def size(root):
        return sum(p.stat().st_size for p in (root / "_static").rglob("*.css"))

    assert size(site.out) < 0.75 * size(full_css_site), f"{size(site.out)} vs {size(full_css_site)} bytes"


# -- Furo's behaviour from our smaller furo.js (docs/_static/scripts/furo.js) -----------------

def test_the_theme_script_keeps_furos_behaviour(site, site_url, shared_tab):
    """Our furo.js replaces the theme's bundle: the theme button, the header's shadow, "Back to top"
    and the contents list's current section behave as Furo's did."""
    assert "Gumshoe" not in (site.out / "_static" / "scripts" / "furo.js").read_text(encoding="utf-8")
    tab = shared_tab(viewport=VIEWPORTS["phone"])
    tab.emulate_media(color_scheme="light")
    tab.goto(f"{site_url}/decide.html")
    assert "no-js" not in tab.evaluate("document.documentElement.className")
    themes = []
    for _ in range(3):  # auto (light) -> dark -> light -> auto, as Furo cycles in a light browser
        tab.locator(".theme-toggle").first.click()
        themes.append(tab.evaluate("[document.body.dataset.theme, localStorage.getItem('theme')]"))
    assert themes == [["dark", "dark"], ["light", "light"], ["auto", "auto"]]
    header = tab.locator("header.mobile-header")
    assert "scrolled" not in header.get_attribute("class")
    scroll_to = "top => window.scrollTo(0, top)"  # smoothly, as Furo's stylesheet has it, as a finger would
    tab.evaluate(scroll_to, 2000)
    expect(header).to_have_class(re.compile(r"\bscrolled\b"))
    expect(tab.locator("html")).not_to_have_class(re.compile("show-back-to-top"))  # scrolling down
    tab.evaluate(scroll_to, 1500)
    expect(tab.locator("html")).to_have_class(re.compile("show-back-to-top"))  # scrolling up
    expect(tab.get_by_role("link", name="Back to top")).to_be_visible()
    tab.evaluate(scroll_to, 0)
    expect(tab.locator("html")).not_to_have_class(re.compile("show-back-to-top"))
    expect(header).not_to_have_class(re.compile(r"\bscrolled\b"))

    tab = shared_tab(viewport=VIEWPORTS["desktop"])
    tab.goto(f"{site_url}/decide.html")
    tab.evaluate("document.getElementById('decide-values').scrollIntoView({behavior: 'instant'})")
    current = tab.locator(".toc-tree li.scroll-current")
    expect(current).to_have_count(1)
    expect(current.locator("> a")).to_have_attribute("href", "#decide-values")
    tab.evaluate(scroll_to, 10**6)
    expect(current.locator("> a")).to_have_attribute("href", "#decide-related")  # the last, at the bottom


@pytest.mark.parametrize("path", ["decide", "topics/safety/aftercare", "glossary"])
def test_a_page_without_design_components_looks_the_same_without_furos_sheet_for_them(site, site_url, shared_tab,
                                                                                      path):
    """page_assets leaves furo-extensions.css (Furo's rules for sphinx-design) off a page that loads no
    sphinx-design CSS: putting it back changes no element's computed style."""
    html = site.html(path)
    assert "furo-extensions.css" not in html and "sphinx-design" not in html
    tab = shared_tab(viewport=VIEWPORTS["phone"])
    tab.goto(f"{site_url}/{path}.html")
    settled = """async () => { document.querySelectorAll('details').forEach(d => d.open = true);
        await Promise.all(document.getAnimations().map(a => a.finished)); }"""  # a chevron turns as it opens
    tab.evaluate(settled)
    declared = declared_properties(site.out)  # furo-extensions.css's among them
    without = tab.evaluate(STYLE_HASHES, declared)
    tab.evaluate("""() => new Promise(done => {
        const sheet = Object.assign(document.createElement('link'), {rel: 'stylesheet', onload: done,
            href: document.querySelector('link[href*="furo.css"]').href.replace('furo.css', 'furo-extensions.css')});
        document.head.append(sheet); })""")
    tab.evaluate(settled)
    assert tab.evaluate(STYLE_HASHES, declared) == without
