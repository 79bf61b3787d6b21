"""The search's semantic layer: lay words the site does not use, mapped to site words near in meaning.

For the most frequent English words (pyspellchecker's English frequency list, which ships in its wheel),
the site words nearest in meaning are found with wordllama's word vectors (its l2_supercat 256-dimension
model, which ships in its wheel too: loaded with no network) and written, with their similarity, to
``section-search-semantic/<letter>.js``, one file per first letter of the English word (or first two
letters, for a letter with many rows), which the search page loads when a query has a word that begins
so (no other page loads any). The engine
searches those site words at a lower weight (``[semantic]`` in ``docs/_ext/search-ranking.toml``).
English words with no near site word
but close in spelling to one are written with no neighbours, so that the search knows they are real
words and never "corrects" them into another word (concussion is not conclusion).

The table is cached in the doctree folder, keyed by the site's words and the settings.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import re
import unicodedata
from pathlib import Path

SEMANTIC_DIR = "section-search-semantic"  # one file per first letter: the page loads those a query needs
WORD = re.compile(r"[a-z0-9]+")
ENGLISH_WORD = re.compile(r"[a-z]{3,}")
TABLE_VERSION = 5
CHUNK = 2048  # English words compared with the site's words at a time


def normalise(text: str) -> list[str]:
    """The words of a text as the engine's `normalise` reads them (lower case, no accents or apostrophes)."""
    text = unicodedata.normalize("NFD", text.lower())
    text = "".join(c for c in text if not unicodedata.combining(c)).replace("'", "").replace("\u2019", "")
    return WORD.findall(text)


@functools.cache
def english_frequency() -> dict[str, int]:
    """How often each English word occurs in pyspellchecker's list (subtitles and other general text)."""
    from spellchecker import SpellChecker

    return dict(SpellChecker(language="en").word_frequency.dictionary)


def english_words(size: int) -> list[str]:
    """The `size` most frequent English words of three letters or more."""
    ranked = sorted(english_frequency().items(), key=lambda item: (-item[1], item[0]))
    return [word for word, _ in ranked if ENGLISH_WORD.fullmatch(word)][:size]


def _load_vectors():
    # No tokenizer thread pool: a process that forks after building (a test run) must not deadlock.
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    import wordllama
    from wordllama import WordLlama

    # The weights and tokenizer ship inside the wheel: look there, and never download.
    return WordLlama.load(cache_dir=Path(wordllama.__file__).parent, disable_download=True)


def _deletes(word: str, depth: int) -> set[str]:
    found, frontier = {word}, {word}
    for _ in range(depth):
        frontier = {w[:i] + w[i + 1:] for w in frontier for i in range(len(w))}
        found |= frontier
    return found


def allowed_typos(word: str) -> int:
    """As the engine's `allowedTypos`: how many typos a word of this length may carry."""
    return 0 if len(word) < 4 else 1 if len(word) < 8 else 2


def edit_distance(a: str, b: str) -> int:
    """Damerau-Levenshtein distance (adjacent swaps count once), as the engine's `editDistance`."""
    prev2, prev = None, list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        cur = [i]
        for j in range(1, len(b) + 1):
            d = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] != b[j - 1]))
            if prev2 and i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                d = min(d, prev2[j - 2] + 1)
            cur.append(d)
        prev2, prev = prev, cur
    return prev[-1]


def would_correct(word: str, candidate: str) -> bool:
    """Whether the engine's typo correction could turn `word` into the site word `candidate`."""
    limit = allowed_typos(word)
    if not limit or abs(len(word) - len(candidate)) > limit:
        return False
    if candidate[0] != word[0] and not (candidate[0] == word[1] and candidate[1] == word[0]):
        return False
    if len(word) == 4 and sorted(word) != sorted(candidate):
        return False
    return edit_distance(word, candidate) <= limit


def _near_in_spelling(words: list[str], site_words: list[str]) -> set[str]:
    """The words the engine's typo correction would turn into a site word (found via shared deletions)."""
    by_delete: dict[str, set[str]] = {}
    for site_word in site_words:
        for d in _deletes(site_word, 2):
            by_delete.setdefault(d, set()).add(site_word)
    near = set()
    for word in words:
        limit = allowed_typos(word)
        if not limit or any(site.startswith(word) for site in by_delete.get(word, ())):
            continue  # too short to correct, or still being typed (a prefix of a site word)
        candidates = set().union(*(by_delete.get(d, set()) for d in _deletes(word, limit)))
        if any(would_correct(word, candidate) for candidate in candidates):
            near.add(word)
    return near


def build_table(site_words: list[str], settings: dict, stop_words: set[str] = frozenset()) -> dict:
    """{words, sites, links, real}: `words` (space-separated) each have a list of links, pairs of a
    site word's number in `sites` and its similarity in per cent; `real` words have no near site word."""
    import numpy as np

    known = set(site_words)
    # Words of one or two letters ("d", "dn") have no reliable vector: they neither get nor give meaning.
    site_words = sorted(word for word in known if ENGLISH_WORD.fullmatch(word))
    if not site_words:
        return {"words": "", "sites": "", "links": [], "real": ""}
    # Site words get a row too (pregnant -> pregnancy), and common English words (painful -> pain, hurt).
    common = {word for word in english_words(settings["vocabulary"]) if word not in stop_words}
    vocabulary = sorted(set(site_words) | common)
    model = _load_vectors()
    targets = model.embed(site_words, norm=True)
    keep = min(settings["neighbours"] + 1, len(site_words) - 1)  # one more: a site word's nearest is itself
    rows = {}
    for start in range(0, len(vocabulary), CHUNK):  # in chunks: a large site must not fill the memory
        words = vocabulary[start:start + CHUNK]
        similarity = model.embed(words, norm=True) @ targets.T
        best = np.argpartition(-similarity, keep, axis=1)[:, :keep]
        for row, word in enumerate(words):
            pairs = sorted(((float(similarity[row, t]), int(t)) for t in best[row] if site_words[t] != word),
                           reverse=True)[:settings["neighbours"]]
            rows[word] = [(s, t) for s, t in pairs if s >= settings["threshold"]]
    # Other English words (rarer ones too) close in spelling to a site word get an empty row: they are
    # real words, which the search must not "correct" (shingles is not single).
    spelling = {word for word in english_words(settings["known_words"]) if word not in stop_words}
    near = _near_in_spelling(sorted(spelling - known), site_words)
    linked = sorted(word for word, pairs in rows.items() if pairs)
    used = sorted({t for word in linked for _, t in rows[word]})
    number = {t: n for n, t in enumerate(used)}
    return {
        "words": " ".join(linked),
        "sites": " ".join(site_words[t] for t in used),
        "links": [[v for s, t in rows[word] for v in (number[t], round(100 * s))] for word in linked],
        "real": " ".join(sorted(near - set(linked))),
    }


PART_CHARS = 9_000  # a first letter whose rows are longer is cut into parts by first two letters


def shard_key(word: str) -> str:
    """The first letter of a word's row (a part's key, unless that letter is cut in two-letter parts)."""
    return word[0] if "a" <= word[0] <= "z" else "0"


def shards(table: dict) -> dict[str, dict]:
    """The table cut by first letter (by first two letters for a letter with many rows, as the engine's
    `semanticKey` finds them), each part with the site words it links to, numbered afresh."""
    sites = table["sites"].split()
    rows = list(zip(table["words"].split(), table["links"], strict=True))
    size: dict[str, int] = {}
    for word, links in rows:
        size[shard_key(word)] = size.get(shard_key(word), 0) + len(word) + 4 * len(links)
    for word in table["real"].split():
        size[shard_key(word)] = size.get(shard_key(word), 0) + len(word) + 1

    def key(word: str) -> str:
        letter = shard_key(word)
        return word[:2] if size[letter] > PART_CHARS and letter != "0" else letter

    parts: dict[str, dict] = {}
    for word, links in rows:
        part = parts.setdefault(key(word), {"words": [], "sites": {}, "links": [], "real": []})
        part["words"].append(word)
        renumbered = []
        for k in range(0, len(links), 2):
            site = sites[links[k]]
            renumbered += [part["sites"].setdefault(site, len(part["sites"])), links[k + 1]]
        part["links"].append(renumbered)
    for word in table["real"].split():
        parts.setdefault(key(word), {"words": [], "sites": {}, "links": [], "real": []})["real"].append(word)
    return {key: {"words": " ".join(p["words"]), "sites": " ".join(p["sites"]), "links": p["links"],
                  "real": " ".join(p["real"])} for key, p in sorted(parts.items())}


def table_for(site_words: list[str], settings: dict, stop_words: set[str], cache_dir: Path) -> dict:
    """The table, from the cache when the site's words and the settings have not changed."""
    key = json.dumps([TABLE_VERSION, sorted(set(site_words)), settings, sorted(stop_words)])
    key = hashlib.sha256(key.encode()).hexdigest()[:16]
    cache = Path(cache_dir, f"search-semantic-{key}.json")
    if cache.is_file():
        return json.loads(cache.read_text(encoding="utf-8"))
    table = build_table(site_words, settings, stop_words)
    cache.parent.mkdir(parents=True, exist_ok=True)
    for old in cache.parent.glob("search-semantic-*.json"):
        old.unlink()
    cache.write_text(json.dumps(table, separators=(",", ":")), encoding="utf-8")
    return table
