"""Budgets hold in the commands, not only in the benchmark: a heavy page fails the build, a long
handout fails `make handouts`, each with the page named."""

from __future__ import annotations

from conftest import LETTER
from pypdf import PdfWriter

from tools import make_handouts, shared
from tools.page_weight import BUDGET_BYTES, page_assets, weight

PARAGRAPH = "Dry needling may help some kinds of muscle pain, and the research on it is still growing. " * 6


def test_page_over_budget_fails_the_build_on_every_run(small_project):
    long_page = "# Long\n\n" + "\n\n".join(f"{n}. {PARAGRAPH}" for n in range(200))
    project = small_project({"index": "# Home\n\n```{toctree}\nlong\n```\n", "long": long_page},
                            ["strict_rebuild", "myst_parser", "page_budget"])
    for _ in range(2):  # the second, unchanged build fails too
        project.build(clean=False, strict=True)
        assert project.app.statuscode == 1
        assert "long.md:1:" in project.warnings and "over its 100 KB budget" in project.warnings
        assert "index.md" not in project.warnings
        assert "page_budgets" in project.warnings  # says where a heavier page gets its own budget


def test_a_page_the_builder_adds_is_weighed_too(small_project):
    """The search page (or any page not written from a document) is downloaded like any other."""
    heavy_script = "var words = '" + "x" * (BUDGET_BYTES + 1000) + "';\n"
    project = small_project({"index": "# Home\n"}, ["myst_parser", "page_budget"],
                            files={"_static/heavy.js": heavy_script},
                            html_static_path=["_static"], html_additional_pages={"extra": "page.html"},
                            html_js_files=["heavy.js"])
    project.build(clean=False, strict=True)
    assert project.app.statuscode == 1
    assert "extra.html: the page weighs" in project.warnings and "over its 100 KB budget" in project.warnings
    assert "search.html: the page weighs" in project.warnings  # Sphinx's own search page loads the script too
    project = small_project({"index": "# Home\n"}, ["myst_parser", "page_budget"],
                            files={"_static/heavy.js": heavy_script}, html_static_path=["_static"],
                            html_js_files=["heavy.js"], page_budgets={name: 4 * BUDGET_BYTES for name in
                                                                      ("index", "search", "genindex")})
    project.build(strict=True)


def test_a_page_with_its_own_budget_passes(small_project):
    long_page = "# Long\n\n" + "\n\n".join(f"{n}. {PARAGRAPH}" for n in range(200))
    project = small_project({"index": "# Home\n\n```{toctree}\nlong\n```\n", "long": long_page},
                            ["myst_parser", "page_budget"], page_budgets={"long": 4 * BUDGET_BYTES})
    project.build()


def write_pdf(path, pages: int):
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(*LETTER)
    with path.open("wb") as out:
        writer.write(out)
    return path


def test_handout_over_two_pages_is_named_and_not_kept(tmp_path):
    pdfs = [write_pdf(tmp_path / "aftercare.pdf", 14), write_pdf(tmp_path / "your-session.pdf", 2)]
    problems = make_handouts.too_long(pdfs, ["topics/safety/aftercare", "topics/safety/your-session"])
    assert problems == [f"{shared.DOCS}/topics/safety/aftercare.md:1: the handout prints on 14 Letter pages, "
                        "more than 2; shorten the page, or move what need not be on paper into a \"For clinicians\" "
                        "dropdown (closed dropdowns do not print); its PDF was not kept"]
    assert not pdfs[0].exists() and pdfs[1].exists()


def test_a_page_counts_every_file_a_choice_fetches(tmp_path):
    """The decision guide fetches every problem's research once the reader chooses one
    (data-fetch-on-choice): its weight counts all those files and what they load, once each, besides
    what opening loads."""
    files = {
        "page.html": '<link rel="stylesheet" href="_static/site.css"><ul>'
                     '<li data-fetch-on-choice="_static/choice/small.html?v=1"><a href="a.html">A</a></li>'
                     '<li data-fetch-on-choice="_static/choice/large.html?v=2"><a href="b.html">B</a></li></ul>',
        "_static/site.css": "body { color: black; }",
        "_static/choice/small.html": "<p>" + "s" * 100 + "</p>",
        "_static/choice/large.html": '<link rel="stylesheet" href="_static/part.css"><link rel="stylesheet" '
                                     'href="_static/site.css"><p>' + "l" * 300 + "</p>",
        "_static/part.css": "p { margin: 0; }",
        "a.html": "x" * 5000,  # a page it links to: not downloaded unless followed
    }
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text, encoding="utf-8")
    assets = page_assets(tmp_path, tmp_path / "page.html")
    loaded = [path.relative_to(tmp_path).as_posix() for path in assets]
    assert loaded[:2] == ["page.html", "_static/site.css"]
    assert sorted(loaded[2:]) == ["_static/choice/large.html", "_static/choice/small.html", "_static/part.css"]
    assert weight(assets) == sum(len(files[name]) for name in loaded)


def test_the_guide_counts_its_research_file(site):
    """In the built site: the decision guide weighs what it loads on opening plus the one file with all
    nine problems' research, which its first choice fetches."""
    page = site.out / "decide.html"
    research = site.out / "_static/on-choice/decide.html"
    assert research.read_text(encoding="utf-8").count("data-condition=") >= 9
    assert research in page_assets(site.out, page)
