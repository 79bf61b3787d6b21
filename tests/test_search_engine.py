"""The search engine's unit tests (tests/js/, Node's built-in test runner): no site build, no browser."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

from tools import search_bench, shared
from tools.shared import ROOT

NODE = shutil.which("node") or "/usr/bin/node"


def test_engine_unit_tests_pass_in_node():
    result = subprocess.run([NODE, "--test", str(ROOT / "tests" / "js")], capture_output=True, text=True,
                            cwd=ROOT, env={"PATH": "/usr/bin:/bin", "PYTHON": sys.executable})
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert "# fail 0" in result.stdout and "# pass 0" not in result.stdout, result.stdout[-2000:]


def semantic_part(path) -> dict:
    """One part of the semantic table, as the script file that carries it assigns it."""
    text = path.read_text(encoding="utf-8")
    return json.loads(text[text.index("]=") + 2:].rstrip().rstrip(";"))


def test_a_one_page_site_builds_its_index_and_semantic_parts(small_project, tmp_path):
    """The indexer on a tiny project: a site with a handful of words still gets its semantic table.

    Built in a child process: the word vectors start threads, and a test process that forks later
    (test_versions) must not inherit them."""
    project = small_project({"index": "# Pain\n\nA stiff neck, as Boyce found.\n"}, ["myst_parser", "section_search"])
    out = tmp_path / "out"
    result = subprocess.run(shared.sphinx_command(out, "-q", srcdir=project.src, confdir=project.src),
                            capture_output=True, text=True, cwd=ROOT, check=False,
                            env={**os.environ, "PYTHONPATH": str(ROOT / shared.EXTENSIONS)})
    assert result.returncode == 0 and not result.stderr, result.stderr
    index = search_bench.read_index(out)
    assert [section[2] for section in index["sections"]] == ["Pain"]
    parts = list((out / "section-search-semantic").glob("*.js"))
    assert parts, "a tiny site should still get the lay-word table"
    part = semantic_part(out / "section-search-semantic" / "p.js")
    assert "painful" in part["words"].split(), "the lay word 'painful' should map to the site's 'pain'"
    targets = {word for path in parts for word in semantic_part(path)["sites"].split()}
    assert "boyce" not in targets, "a name (written only with a capital, unknown to WordNet) is no lay word's meaning"


def test_wordnet_keeps_only_the_vectors_links_it_can_explain():
    """Links between words that share only a beginning go; links with a meaning stay or are added."""
    shared.use_local_extensions()
    import search_semantic

    site = ["leg", "legal", "anxiety", "system", "pain", "suggest", "medication", "need", "needle", "child"]
    links = search_semantic.MeaningLinks(site, {"wordnet_similarity": 0.6, "wordnet_floor": 0.45})
    kept = {(word, site[t]) for word in ["legally", "anxious", "systemic", "painful", "medicare", "needling"]
            for t in range(len(site)) if links.keeps(word, t)}
    assert {("legally", "legal"), ("anxious", "anxiety"), ("painful", "pain"), ("needling", "needle")} <= kept
    assert not kept & {("legally", "leg"), ("systemic", "system"), ("medicare", "medication"), ("needling", "need")}
    assert links.relates("recommend", site.index("suggest")) and links.relates("kid", site.index("child"))
    assert not links.relates("recommend", site.index("leg")) and not links.relates("xyzzy", site.index("leg"))


def test_names_are_the_capitalised_words_no_lower_case_use_shares():
    """The semantic layer's names come from how the site writes its words: only with a capital. A
    citation key or a code is not a word; a word also written in lower case is not a name."""
    shared.use_local_extensions()
    from section_search import capitalised_words

    index = {"pages": [["page", "What Boyce found"]], "synonyms": [["IMS", "intramuscular stimulation"]],
             "sections": [["", "a", "Pain", "Boyce et al. found less pain, boyce2020, gunn_ims.", ""],
                          ["", "b", "Alberta", "Found in Alberta, with Dr Gunn.", ""]]}
    # "Pain" and "Found" are also written "pain" and "found"; "What" is only ever first (WordNet knows it)
    assert capitalised_words(index) == {"what", "boyce", "ims", "alberta", "dr", "gunn"}


def test_real_words_near_in_spelling_match_the_engines_typo_rule():
    """The semantic table's `real` words are found with numpy for all pairs at once: they must be
    exactly the words the engine's typo correction would turn into a site word (`would_correct`,
    as `editDistance` in the engine), here on a small alphabet, where near pairs are many."""
    shared.use_local_extensions()
    import random

    import search_semantic

    rng = random.Random(14)

    def typo(word: str) -> str:
        for _ in range(rng.randint(0, 3)):
            at, letter = rng.randrange(len(word)), rng.choice("abcde")
            word = rng.choice([word[:at] + letter + word[at + 1:], word[:at] + letter + word[at:],
                               word[:at] + word[at + 1:] if len(word) > 1 else word,
                               word[:at] + word[at + 1:at + 2] + word[at:at + 1] + word[at + 2:]])
        return word

    for _ in range(10):
        site = sorted({"".join(rng.choices("abcde", k=rng.randint(3, 10))) for _ in range(150)})
        words = sorted({typo(rng.choice(site)) for _ in range(600)} - set(site))
        words = [word for word in words if len(word) >= 3]
        expected = {word for word in words if search_semantic.allowed_typos(word)
                    and not any(s.startswith(word) and len(s) - len(word) <= 2 for s in site)
                    and any(search_semantic.would_correct(word, s) for s in site)}
        assert search_semantic._near_in_spelling(words, site) == expected
