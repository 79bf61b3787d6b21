"""Build the site's own search index: one document per section, with glossary synonyms.

Each section of each page becomes one document (page, heading, anchor, text, the glossary
terms it links to); the glossary's term lines give the synonym groups. The index, with the
ranking configuration of ``docs/_ext/search-ranking.toml``, is written to ``section-search-index.js``
and scored in the browser by ``_static/section-search-engine.js``.
"""

from __future__ import annotations

import itertools
import json
import re
import shutil
import tomllib
from pathlib import Path

from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.errors import ExtensionError
from sphinx.util import logging

import search_semantic
from tools.event_order import BuildFinished, DoctreeRead, PageContext

logger = logging.getLogger(__name__)

INDEX_FILE = "section-search-index.js"  # the core: pages, headings, field lengths (README, "Search")
TERMS_DIR = "section-search-terms"  # the words' postings, a file per first letter: a query loads its words'
TERM_PART_CHARS = 20_000  # a first letter with more is cut into a file per first two letters
TEXTS_DIR = "section-search-text"   # the section texts, loaded for the excerpts of the results shown
TEXT_PART_CHARS = 3_000  # a part of the texts holds sections in order, a new part starts past this size
FIELDS = ("title", "heading", "terms", "text", "detail", "shared")  # as the engine's FIELDS
# A posting's counts per field as one number, a decimal digit per field, the commonest field lowest
# (text only, once: 1); a count over 9 writes the six counts as a list instead.
CODE_DIGIT = {"text": 0, "title": 1, "heading": 2, "shared": 3, "terms": 4, "detail": 5}
# Every ranking weight, read here and written into the index for the engine (but `BUILD_SETTINGS`).
# It is toolchain, not content: older releases are built with today's (tools/build_versions.py).
RANKING_FILE = Path(__file__).with_name("search-ranking.toml")
# Settings the build applies itself and the engine never reads: the core does not carry them.
BUILD_SETTINGS = {"pages": {"weights"},
                  "semantic": {"threshold", "vocabulary", "known_words", "neighbours", "wordnet_similarity",
                               "wordnet_floor"}}
CARD_CLASS = "sd-card"  # sphinx-design's grid-item-card
CLINICIAN_CLASS = "for-clinicians"
SKIPPED_CLASSES = {"page-meta", "print-footer", "handout-only"}
WORD_RE = re.compile(r"\s+")
BLOCK_END = "\0"  # between blocks of a section's text
SHARED_MIN_WORDS = 4  # a passage this long found on two pages or more is a shared passage, not a phrase


def _clean(text: str) -> str:
    return WORD_RE.sub(" ", text).strip()


class _SectionText:
    """Patient text and clinician text of one section, without its subsections."""

    def __init__(self) -> None:
        self.patient: list[str] = []
        self.clinician: list[str] = []
        self.terms: list[str] = []
        # Questions answered under headings of their own (the FAQ's dropdowns): (question, its text).
        self.questions: list[tuple[str, _SectionText]] = []
        self.link_paragraphs = 0  # patient paragraphs that link to another page
        self.words = 0  # words of patient paragraphs, and of those in cards or led by a link to another page
        self.elsewhere_words = 0

    @property
    def overview(self) -> bool:
        """Mostly cards or links to other pages (by words) rather than an answer in its own words."""
        return 2 * self.elsewhere_words >= self.words

    def walk(self, node: nodes.Node, clinician: bool = False, card: bool = False) -> None:
        if isinstance(node, nodes.Text):
            (self.clinician if clinician else self.patient).append(node.astext())
            return
        if isinstance(node, (nodes.section, nodes.title, nodes.comment, nodes.raw, nodes.system_message,
                             addnodes.toctree, addnodes.glossary, nodes.target)):
            return
        if isinstance(node, addnodes.pending_xref):
            if node.get("reftype") == "term":
                self.terms.append(str(node.get("reftarget", "")).lower())
            elif node.get("reftype") in ("doc", "ref") and not node.get("refexplicit"):
                return  # its text is a path or label until resolved; the link target is indexed anyway
            elif node.get("refdomain") in ("cite", "citation") or node.get("reftype") in ("p", "t"):
                return  # citation keys are not words a patient types
        if isinstance(node, nodes.Element):
            classes = set(node.get("classes", ())) | set(node.get("container_classes", ()))
            if classes & SKIPPED_CLASSES:
                return
            card = card or CARD_CLASS in classes
            clinician = clinician or CLINICIAN_CLASS in classes
            if not clinician and _is_question(node):
                answer = _SectionText()
                for child in node.children[1:]:
                    answer.walk(child)
                self.questions.append((_clean(node[0].astext()), answer))
                return
            if isinstance(node, nodes.paragraph) and not clinician:
                words = len(node.astext().split())
                self.words += words
                self.elsewhere_words += words if card or (node.children and _is_page_link(node[0])) else 0
                self.link_paragraphs += card or any(True for _ in node.findall(_is_page_link))
        block = isinstance(node, nodes.Element) and not isinstance(node, nodes.Inline)
        if block:  # words of separate blocks (paragraphs, table cells, form options) stay separate words
            self._separate(clinician)
        for child in node.children:
            self.walk(child, clinician, card)
        if block:
            self._separate(clinician)

    def _separate(self, clinician: bool) -> None:
        (self.clinician if clinician else self.patient).append(BLOCK_END)

    @property
    def blocks(self) -> list[str]:
        """The patient text's blocks (paragraphs, list items, table cells), each cleaned."""
        return [block for block in map(_clean, "".join(self.patient).split(BLOCK_END)) if block]


def _is_question(node: nodes.Element) -> bool:
    """A dropdown whose title is a patient's question (the FAQ's): searched as a section of its own."""
    return (node.get("design_component") == "dropdown" and bool(node.children)
            and isinstance(node[0], nodes.rubric))


def _is_page_link(node: nodes.Node) -> bool:
    return (isinstance(node, addnodes.pending_xref) and node.get("reftype") != "term"
            and node.get("refdomain") not in ("cite", "citation") and node.get("reftype") not in ("p", "t"))


def _anchor(section: nodes.section, labels: set[str]) -> str:
    """Prefer the section's explicit label (a public, stable deep link) over its generated id."""
    ids = section.get("ids", [])
    return next((i for i in ids if i in labels), ids[0] if ids else "")


def _glossary_groups(doctree: nodes.document) -> list[dict]:
    groups = []
    for glossary in doctree.findall(addnodes.glossary):
        for item in glossary.findall(nodes.definition_list_item):
            terms = [term for term in item.children if isinstance(term, nodes.term)]
            definition = next((d for d in item.children if isinstance(d, nodes.definition)), None)
            if not terms:
                continue
            groups.append({
                "terms": [_clean(term.astext()) for term in terms],
                "anchor": terms[0]["ids"][0] if terms[0].get("ids") else "",
                "text": _clean(definition.astext()) if definition is not None else "",
            })
    return groups


def collect_sections(app: Sphinx, doctree: nodes.document) -> None:
    """Record each section of the page just read (runs in the read phase, so it is parallel safe)."""
    env = app.env
    docname = env.docname
    if "nosearch" in env.metadata.get(docname, {}):
        return
    labels = {doctree.nameids[name] for name, explicit in doctree.nametypes.items()
              if explicit and doctree.nameids.get(name)}
    sections = []
    for depth, section in _sections_with_depth(doctree):
        title = section.next_node(nodes.title)
        text = _SectionText()
        for child in section.children:
            text.walk(child)
        anchor = "" if depth == 0 else _anchor(section, labels)
        sections.append(_section_record(anchor, _clean(title.astext()) if title is not None else "", text,
                                        depth == 0))
        # Each question under a heading of its own links to the section it is in.
        sections += [_section_record(anchor, question, answer, False) for question, answer in text.questions]
    if not sections:
        return
    # The front matter's one-line summary describes the whole page: search it with the intro.
    description = str(env.metadata.get(docname, {}).get("description", "")).strip()
    if description:
        sections[0]["blocks"].insert(0, _clean(description))
    env.section_search_pages[docname] = {
        "title": sections[0]["heading"],
        "landing": any(True for _ in doctree.findall(addnodes.toctree)),
        "sections": sections,
    }
    groups = _glossary_groups(doctree)
    if groups:
        env.section_search_glossary[docname] = groups


def _section_record(anchor: str, heading: str, text: _SectionText, top: bool) -> dict:
    return {
        "anchor": anchor,
        "heading": heading,
        "blocks": text.blocks,
        "detail": _clean("".join(text.clinician).replace(BLOCK_END, " ")),
        "terms": sorted(set(text.terms)),
        "overview": top or text.overview,
        "points_elsewhere": text.link_paragraphs > 0,
    }


def _sections_with_depth(doctree: nodes.document):
    def visit(node: nodes.Node, depth: int):
        for child in node.children:
            if isinstance(child, nodes.section):
                yield depth, child
                yield from visit(child, depth + 1)
            elif isinstance(child, nodes.Element):
                yield from visit(child, depth)
    yield from visit(doctree, 0)


def init_env(app: Sphinx, env, docnames=None) -> None:
    for name in ("section_search_pages", "section_search_glossary"):
        if not hasattr(env, name):
            setattr(env, name, {})


def purge_doc(app: Sphinx, env, docname: str) -> None:
    init_env(app, env)
    env.section_search_pages.pop(docname, None)
    env.section_search_glossary.pop(docname, None)


def merge_info(app: Sphinx, env, docnames, other) -> None:
    init_env(app, env)
    for docname in docnames:
        for name in ("section_search_pages", "section_search_glossary"):
            if docname in getattr(other, name, {}):
                getattr(env, name)[docname] = getattr(other, name)[docname]


def ranking_config() -> dict:
    try:
        return tomllib.loads(RANKING_FILE.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise ExtensionError(f"{RANKING_FILE}: {error} (README, 'Search', describes this file)") from error


def engine_config(config: dict) -> dict:
    """The ranking configuration without `BUILD_SETTINGS`: what the engine scores with."""
    return {name: {key: value for key, value in table.items() if key not in BUILD_SETTINGS.get(name, ())}
            for name, table in config.items()}


def _shared_blocks(env) -> set[str]:
    """Passages written once and shown on several pages (care cards, included snippets): the search
    counts them in their own field, at its lower weight, so that a copy does not outrank the answers."""
    pages_of: dict[str, set[str]] = {}
    for docname, page in env.section_search_pages.items():
        for section in page["sections"]:
            for block in section["blocks"]:
                if len(block.split()) >= SHARED_MIN_WORDS:
                    pages_of.setdefault(block, set()).add(docname)
    return {block for block, docnames in pages_of.items() if len(docnames) >= 3}


def build_index(app: Sphinx, config: dict) -> dict:
    """The compact index shipped to the browser (lists, not objects, to keep it small)."""
    env = app.env
    page_config = config["pages"]
    weights = {**page_config["weights"], **app.config.section_search_page_weights}
    groups = [group for docname in sorted(env.section_search_glossary)
              for group in env.section_search_glossary[docname]]
    group_of = {}
    for number, group in enumerate(groups):
        for term in group["terms"]:
            group_of.setdefault(term.lower(), number)
    shared = _shared_blocks(env)
    pages, sections = [], []
    for docname in sorted(env.section_search_pages):
        if docname not in env.found_docs:
            continue
        page = env.section_search_pages[docname]
        # [url, title, weight, role]: the engine multiplies the weight by the role's ([pages] in the
        # ranking configuration), so that the browser applies the configuration, not the index.
        weight = weights.get(docname, 1.0)
        if weight <= 0:
            continue
        role = "landing" if page["landing"] and docname not in weights else ""
        url = app.builder.get_target_uri(docname)
        rows: dict[str, int] = {}

        def row(role: str, rows: dict = rows, url: str = url, page: dict = page, weight: float = weight) -> int:
            """The page's row for sections of this role (one row per role, added when first needed)."""
            if role not in rows:
                rows[role] = len(pages)
                pages.append([url, page["title"], weight, role])
            return rows[role]

        row(role)
        for section in page["sections"]:
            linked = sorted({group_of[t] for t in section["terms"] if t in group_of})
            section_role = role
            if role == "landing" and not section["overview"]:
                section_role = "landing_answer"  # a landing page's answer in its own words
            elif not role and section["points_elsewhere"] and not section["overview"]:
                section_role = "points_elsewhere"  # a summary that sends readers to another page
            own = " ".join(block for block in section["blocks"] if block not in shared)
            copied = " ".join(block for block in section["blocks"] if block in shared)
            sections.append([row(section_role), section["anchor"], section["heading"], own, section["detail"],
                             linked, *([copied] if copied else [])])
        for group in env.section_search_glossary.get(docname, ()):
            # Each glossary entry is its own document: the topic pages explain the term in context.
            sections.append([row("glossary_entry"), group["anchor"], group["terms"][0], group["text"], "",
                             [group_of[group["terms"][0].lower()]]])
    unknown = sorted({t for page in env.section_search_pages.values() for s in page["sections"]
                      for t in s["terms"]} - set(group_of)) if groups else []
    if unknown:  # Sphinx itself warns about unknown terms; this only notes the index lacks them
        logger.info("section_search: terms without a glossary entry: %s", ", ".join(unknown))
    return {"config": config, "pages": pages, "synonyms": [group["terms"] for group in groups],
            "sections": sections}


def index_texts(index: dict) -> list[str]:
    """The texts the index's pages and sections are searched by, as written."""
    texts = [page[1] for page in index["pages"]] + [" ".join(group) for group in index["synonyms"]]
    return texts + [" ".join(section[2:5]) for section in index["sections"]]


def site_words(index: dict) -> list[str]:
    """Every word the index's sections use, stop words left out: the targets of the semantic layer."""
    stop = set(index["config"]["query"]["stop_words"].split())
    return sorted({word for text in index_texts(index) for word in search_semantic.normalise(text)
                   if word not in stop and not word.isdigit()})


WRITTEN_WORD = re.compile(r"\w+(?:['\u2019]\w+)*")


def capitalised_words(index: dict) -> set[str]:
    """Site words the site writes only with a capital (Boyce, Gunn, Alberta, IMS, and a word only ever
    first in a sentence): the semantic layer's names are among them (search_semantic.build_table).
    Keys and codes (a word with a digit or an underscore: boyce2020, gunn_ims) are not words."""
    capital, lower = set(), set()
    for text in index_texts(index):
        for written in WRITTEN_WORD.findall(text):
            if "_" not in written and not any(c.isdigit() for c in written):
                (lower if written[0].islower() else capital).update(search_semantic.normalise(written))
    return capital - lower


def index_words(text: str, stop: set[str], contractions: dict[str, str]) -> list[str]:
    """A text's words as the engine's `tokenize` reads them ("shouldnt" is "should not"), stop words left out."""
    words = []
    for word in search_semantic.normalise(text):
        if word.endswith("nt") and word[:-2] in contractions:
            words += [contractions[word[:-2]], "not"]
        else:
            words.append(word)
    return [word for word in words if word not in stop]


def contraction_bases(config: dict) -> dict[str, str]:
    """`[query] contractions` of the ranking configuration: "do ca:can" -> {"do": "do", "ca": "can"}."""
    return {typed: base or typed for typed, _, base in
            (entry.partition(":") for entry in config["query"]["contractions"].split())}


def split_index(index: dict) -> tuple[dict, dict[str, dict], list[list]]:
    """The index as the search page loads it: the core (pages, synonyms, each section's page, anchor,
    heading, synonym groups and field lengths, in columns: `_columns`; how many sections name the
    site's subject, `[query] topic`), the postings of the words in
    parts by first letter (by first two letters for a letter with many words) (each word: section
    number steps and counts per field), and the section texts in parts of whole
    pages."""
    config = index["config"]
    stop = set(config["query"]["stop_words"].split())
    contractions = contraction_bases(config)
    pages, synonyms = index["pages"], index["synonyms"]
    topic = set(index_words(config["query"]["topic"], stop, contractions))
    topic_sections = 0  # sections that use any name of the site's subject (the engine's topic IDF)
    postings: dict[str, dict[int, list[int]]] = {}
    core_sections, texts, starts, size = [], [], [], 0
    for number, section in enumerate(index["sections"]):
        page, anchor, heading, text, detail, groups, *shared = section
        # A page's top section has the page title as its heading: the title field counts it once.
        fields = [pages[page][1], heading if anchor else "", " ".join(" ".join(synonyms[g]) for g in groups),
                  text, detail, shared[0] if shared else ""]
        lengths = []
        about_topic = False
        for field, field_text in enumerate(fields):
            words = index_words(field_text, stop, contractions)
            lengths.append(len(words))
            about_topic = about_topic or not topic.isdisjoint(words)
            for word in words:
                postings.setdefault(word, {}).setdefault(number, [0] * len(FIELDS))[field] += 1
        topic_sections += about_topic
        # The engine counts the title, heading and glossary fields' words itself (they are in the core).
        own = lengths[3:]
        while own and not own[-1]:
            own.pop()
        core_sections.append([page, anchor, heading, groups, own])
        if not starts or size >= TEXT_PART_CHARS:
            starts.append(number)
            texts.append([])
            size = 0
        row = [text, detail, *shared]
        while row and not row[-1]:
            row.pop()
        texts[-1].append(row)
        size += sum(map(len, row))
    by_letter: dict[str, dict[str, list]] = {}
    for word in sorted(postings):
        flat, previous = [], 0
        for number, counts in sorted(postings[word].items()):
            flat += [number - previous, _code(counts)]
            previous = number
        by_letter.setdefault(_first(word), {})[word] = flat
    parts: dict[str, dict] = {}
    for letter, words in by_letter.items():
        # A letter with many words is cut by the first two letters, so that a query loads less.
        large = len(json.dumps(words, separators=(",", ":"))) > TERM_PART_CHARS and letter != "0"
        for word, flat in words.items():
            part = parts.setdefault(word[:2] if large else letter, {"words": [], "postings": []})
            part["words"].append(word)
            part["postings"].append(flat)
    core = {key: value for key, value in index.items() if key != "sections"}
    core |= {"config": engine_config(config), "sections": _columns(core_sections), "texts": starts,
             "terms": sorted(parts), "topic_sections": topic_sections}
    return core, {key: {"words": " ".join(p["words"]), "postings": p["postings"]} for key, p in parts.items()}, texts


def _columns(rows: list[list]) -> dict:
    """The core's sections column by column, which gzip packs far better than row by row (a tenth of
    the core on today's site, a quarter on a site ten times larger): page numbers as steps from the
    section before, anchors and headings as lines of text (cleaned, so without line breaks)."""
    pages = [row[0] for row in rows]
    return {"pages": [page - before for page, before in zip(pages, [0, *pages], strict=False)],
            "anchors": "\n".join(row[1] for row in rows), "headings": "\n".join(row[2] for row in rows),
            "groups": [row[3] for row in rows], "lengths": [row[4] for row in rows]}


def core_rows(columns: dict) -> list[list]:
    """The core's sections as rows [page, anchor, heading, [synonym groups], [field lengths]], as the
    engine reads them back (`sectionRows` in section-search-engine.js)."""
    lines = (lambda text: text.split("\n")) if columns["groups"] else (lambda text: [])
    return [list(row) for row in zip(itertools.accumulate(columns["pages"]), lines(columns["anchors"]),
                                     lines(columns["headings"]), columns["groups"], columns["lengths"],
                                     strict=True)]


def _first(word: str) -> str:
    return word[0] if "a" <= word[0] <= "z" else "0"


def _code(counts: list[int]) -> int | list[int]:
    if max(counts) > 9:
        return counts
    return sum(count * 10 ** CODE_DIGIT[field] for field, count in zip(FIELDS, counts, strict=True))


def write_split_index(outdir: Path, index: dict, semantic: dict[str, dict]) -> None:
    """Write the core, the word parts and the text parts of `index`, and the parts of its `semantic`
    table (search_semantic.shards), into a built site's folder."""
    core, parts, texts = split_index(index)
    core["semantic"] = sorted(semantic)
    write_script(outdir / INDEX_FILE, "SECTION_SEARCH_INDEX", core)
    for folder, name, items in ((TERMS_DIR, "SECTION_SEARCH_TERMS", parts.items()),
                                (TEXTS_DIR, "SECTION_SEARCH_TEXT", enumerate(texts)),
                                (search_semantic.SEMANTIC_DIR, "SECTION_SEARCH_SEMANTIC", semantic.items())):
        shutil.rmtree(outdir / folder, ignore_errors=True)
        (outdir / folder).mkdir()
        for key, data in items:
            write_script(outdir / folder / f"{key}.js", name, data, str(key))
    search_semantic.write_notices(outdir)


def write_script(path: Path, name: str, data, key: str | None = None) -> None:
    """A script that sets `window.NAME` to `data` (or, with `key`, `window.NAME[key]`)."""
    payload = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    target = f"window.{name}" if key is None else f"(window.{name}=window.{name}||{{}})[{json.dumps(key)}]"
    path.write_text(f"{target}={payload};\n", encoding="utf-8")


_building: dict[int, tuple[dict, search_semantic.PendingTable]] = {}  # id(app) -> index, its semantic table
_workers: dict[int, search_semantic.TableWorker] = {}  # id(app) -> the table's process, started before reading


def start_worker(app: Sphinx) -> None:
    """With no table cached (a first or clean build), the table's process starts now and warms up while
    the pages are read, which takes about half the table's time off the end of the build."""
    if (app.builder.format == "html" and app.config.section_search_enabled
            and not search_semantic.has_cached_table(Path(app.doctreedir))):
        _workers[id(app)] = search_semantic.TableWorker()


def start_index(app: Sphinx, env) -> None:
    """Once every page is read: the index, and its semantic table started (built while pages are written)."""
    if app.builder.format != "html" or not app.config.section_search_enabled:
        return
    index = build_index(app, ranking_config())
    stop = set(index["config"]["query"]["stop_words"].split())
    table = search_semantic.PendingTable(site_words(index), index["config"]["semantic"], stop, Path(app.doctreedir),
                                         capitalised=capitalised_words(index), worker=_workers.pop(id(app), None))
    _building[id(app)] = (index, table)


def write_index(app: Sphinx, exception: Exception | None) -> None:
    if (worker := _workers.pop(id(app), None)) is not None:  # the build ended before its pages were read
        worker.stop()
    building = _building.pop(id(app), None)
    if building is None:
        return
    index, table = building
    if exception is not None:
        table.cancel()
        return
    write_split_index(Path(app.outdir), index, search_semantic.shards(table.result()))


def add_template_context(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    if pagename == "search":
        context["section_search_enabled"] = app.config.section_search_enabled
        context["section_search_index"] = INDEX_FILE
        context["section_search_semantic"] = search_semantic.SEMANTIC_DIR
        context["section_search_terms"] = TERMS_DIR
        context["section_search_texts"] = TEXTS_DIR
        if app.config.section_search_enabled:
            # Through Sphinx, for this page only, so each link carries its ?v= fingerprint. Deferred, in
            # this order, they run after the index, which the template loads at the end of the body.
            app.add_css_file("section-search.css", priority=900)  # after conf.py's stylesheets (800)
            app.add_js_file("section-search-engine.js", loading_method="defer", priority=900)
            app.add_js_file("section-search.js", loading_method="defer", priority=900)


def skip_builtin_index(app: Sphinx) -> None:
    """Our index replaces Sphinx's: skip building searchindex.js (a tenth of the build), keep the page."""
    if app.config.section_search_enabled and app.builder.format == "html" and app.builder.search:
        app.builder.search = False
        app.connect("html-collect-pages", lambda app: [("search", {}, "search.html")])


def setup(app: Sphinx) -> dict:
    # False shows Sphinx's built-in search instead (tools/search_bench.py compares the two).
    app.add_config_value("section_search_enabled", True, "html", types=[bool])
    # docname -> ranking weight of the whole page (1.0 for topic pages); 0 leaves a page out.
    app.add_config_value("section_search_page_weights", {}, "html", types=[dict])
    app.connect("builder-inited", lambda app: init_env(app, app.env))
    app.connect("builder-inited", skip_builtin_index)
    app.connect("builder-inited", start_worker)
    app.connect("env-before-read-docs", init_env)
    app.connect("env-purge-doc", purge_doc)
    app.connect("env-merge-info", merge_info)
    app.connect("doctree-read", collect_sections, priority=DoctreeRead.SEARCH_SECTIONS)
    app.connect("html-page-context", add_template_context, priority=PageContext.ADD_ASSETS)
    app.connect("env-updated", start_index)
    app.connect("build-finished", write_index, priority=BuildFinished.SEARCH_INDEX)
    return {"version": "1.0", "env_version": 8, "parallel_read_safe": True, "parallel_write_safe": True}
