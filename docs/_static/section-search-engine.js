/* The search engine: tokenize, stem, expand and score, with no page and no DOM.
 * The search page's glue (section-search.js) and the unit tests (tests/js/) both use it.
 * Its data, written by docs/_ext/section_search.py: the core of the index (pages, glossary synonyms,
 * each section's heading and field lengths, and the ranking configuration of
 * docs/_ext/search-ranking.toml), then, as queries need them, the parts of the index by first letter
 * (`addTerms`), each page's texts for excerpts (`addTexts`) and the parts of the semantic table of
 * lay words written by docs/_ext/search_semantic.py (`addSemantic`). Scoring is BM25F over six fields
 * (README, "Search"). */
((root, factory) => {
  "use strict";
  if (typeof module === "object" && module.exports) module.exports = factory();
  else root.SectionSearchEngine = factory();
})(typeof self !== "undefined" ? self : this, () => {
  "use strict";

  const FIELDS = ["title", "heading", "terms", "text", "detail", "shared"];
  const EXCERPT_WORDS = 32;
  const HTML_ESCAPES = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" };

  /* A short stem: one vowel group closed by one consonant ("car", "sit", "not"), whose word keeps
     its final e (care, site, note), as in Porter's stemmer, so that care is not car. */
  const SHORT = /^[^aeiouy]*[aeiouy][^aeiouywx]$/;

  /* A light English stemmer: enough to join needle/needles/needling, bruise/bruising, care/caring,
     and to keep apart words that differ by a final e (car/care, not/note, sit/site). */
  function stem(word) {
    if (word.length <= 3 || /\d/.test(word)) return word;
    let m = /^(.{3,}?)ness$/.exec(word); // tiredness: tired, then tire as "tired" is
    let w = m ? m[1] : word;
    if (/ence$/.test(w)) w = `${w.slice(0, -2)}t`; // difference: different
    if (/ie[sd]$/.test(w) && w.length > 4) w = `${w.slice(0, -3)}y`; // cries, cried: cry
    else if (/sses$/.test(w)) w = w.slice(0, -2);
    else if (/[^su]s$/.test(w) && !/is$/.test(w)) w = w.slice(0, -1);
    m = /^(.{2,}?)(ing|ed)$/.exec(w);
    if (m && /[aeiouy]/.test(m[1]) && (m[1].length > 2 || SHORT.test(m[1]))
        && !/^[^aeiouy]*ee$/.test(`${m[1]}e`)) {  // bleed, need: not ble, ne; used, using: use
      w = m[1];
      if (/([bdfgmnprt])\1$/.test(w)) w = w.slice(0, -1); // sitting: sit
      else if (SHORT.test(w)) return `${w}e`; // caring, noted: care, note
    }
    if (w.length > 3 && /e$/.test(w) && !SHORT.test(w.slice(0, -1))) w = w.slice(0, -1);
    return w;
  }

  /* Lower case, no accents or apostrophes, letters and digits only (the indexer normalises alike). */
  function normalise(text) {
    return text.toLowerCase().normalize("NFD").replace(/[\u0300-\u036f]/g, "")
      .replace(/['\u2019]/g, "").replace(/[^a-z0-9]+/g, " ").trim();
  }

  /* A text's words; "shouldnt" is "should not" for each typed word the `contractions` map has. */
  function tokenize(text, contractions) {
    const clean = normalise(text);
    if (!clean) return [];
    const out = [];
    clean.split(" ").forEach((w) => {
      const base = contractions && w.endsWith("nt") && contractions.get(w.slice(0, -2));
      if (base) out.push(base, "not");
      else out.push(w);
    });
    return out;
  }

  /* A posting's counts per field: one number, a decimal digit per field (docs/_ext/section_search.py,
     CODE_DIGIT: text lowest, then title, heading, shared, terms, detail), or a list of six counts. */
  const CODE_FIELDS = [3, 0, 1, 5, 2, 4];
  function decode(code) {
    if (Array.isArray(code)) return code.slice();
    const counts = FIELDS.map(() => 0);
    for (let digit = 0; code > 0; digit++, code = Math.floor(code / 10)) counts[CODE_FIELDS[digit]] = code % 10;
    return counts;
  }

  /* Damerau-Levenshtein distance (adjacent swaps count once), stopping early past `limit`. */
  function editDistance(a, b, limit) {
    if (Math.abs(a.length - b.length) > limit) return limit + 1;
    let prev2 = null;
    let prev = [];
    let cur;
    let i;
    let j;
    for (j = 0; j <= b.length; j++) prev[j] = j;
    for (i = 1; i <= a.length; i++) {
      cur = [i];
      let rowMin = i;
      for (j = 1; j <= b.length; j++) {
        const cost = a[i - 1] === b[j - 1] ? 0 : 1;
        let d = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost);
        if (prev2 && i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
          d = Math.min(d, prev2[j - 2] + 1);
        }
        cur[j] = d;
        if (d < rowMin) rowMin = d;
      }
      if (rowMin > limit) return limit + 1;
      prev2 = prev;
      prev = cur;
    }
    return prev[b.length];
  }

  function allowedTypos(word) {
    return word.length < 4 ? 0 : word.length < 8 ? 1 : 2;
  }

  function sameLetters(a, b) {
    return a.split("").sort().join("") === b.split("").sort().join("");
  }

  function escapeHtml(text) {
    return text.replace(/[&<>"]/g, (c) => HTML_ESCAPES[c]);
  }

  /* Where `needle` first occurs in `haystack` as a run of items, or -1. */
  function firstRun(haystack, needle) {
    for (let i = 0; i + needle.length <= haystack.length; i++) {
      let ok = true;
      for (let j = 0; j < needle.length; j++) {
        if (haystack[i + j] !== needle[j]) { ok = false; break; }
      }
      if (ok) return i;
    }
    return -1;
  }

  function containsRun(haystack, needle) {
    return firstRun(haystack, needle) >= 0;
  }

  /* ---- The engine ----------------------------------------------------------------------- */

  /* The core's sections, written in columns (docs/_ext/section_search.py, `_columns`: page steps,
     anchors and headings as lines, synonym groups, field lengths), as rows. */
  function sectionRows(columns) {
    const lines = (text) => (columns.groups.length ? text.split("\n") : []);
    const anchors = lines(columns.anchors);
    const headings = lines(columns.headings);
    let page = 0;
    return columns.groups.map((groups, i) => {
      page += columns.pages[i];
      return [page, anchors[i], headings[i], groups, columns.lengths[i]];
    });
  }

  /* `index` (the core): {config, pages: [[url, title, weight, role]], synonyms: [[term, ...]],
     sections (in columns, read by `sectionRows` into [page, anchor, heading, [synonym groups], [words
     of the text, detail and shared fields]]), texts: [first section of each part of the texts],
     terms: [the parts of the index]}.
     `semantic` (optional): {key: {words, sites, links, real}, ...}, parts of the table written by
     docs/_ext/search_semantic.py; the page adds the parts a query needs with `addSemantic`. */
  class Engine {
    constructor(index, semantic) {
      this.config = index.config;
      this.pages = index.pages;
      this.sections = sectionRows(index.sections);
      this.synonyms = index.synonyms;
      this.stopWords = new Set(this.config.query.stop_words.trim().split(/\s+/));
      this.contractions = new Map(this.config.query.contractions.trim().split(/\s+/).map((entry) => {
        const [typed, base] = entry.split(":");
        return [typed, base || typed];
      }));
      const stop = this.stopWords;
      const stems = (text) => this.tokenize(text).filter((w) => !stop.has(w)).map(stem);
      this.groupStems = this.synonyms.map((group) => group.map(stems));
      this.termVocab = new Set(this.groupStems.flat(2));  // stems of glossary terms and their other term lines
      // A page's weight times its role's ([pages] in the configuration): landing pages rank lower.
      this.prior = this.pages.map((page) => page[2] * (page[3] ? this.config.pages[page[3]] : 1));
      // A heading's stems, and its question words ("how", "often" is a stem) marked with "~".
      const headingStems = (text) => [...new Set(this.tokenize(text).map((w) => (stop.has(w) ? `~${w}` : stem(w))))];
      this.headingStems = this.sections.map((section) => headingStems(section[2]));
      // A heading may ask two questions ("What is IMS? Is it different from dry needling?"): each is
      // compared with the query on its own.
      this.headingQuestions = this.sections.map((section) => {
        const asks = section[2].split("?").map(headingStems).filter((stems) => stems.length);
        return asks.length > 1 ? asks : [headingStems(section[2])];
      });
      // The names of the site's subject ("dry needling", "IMS") are one concept, in every part of
      // the site: each counts as rare as the sections that use any of them (the core counts them).
      this.topicStems = new Set(stems(this.config.query.topic));
      const isTopic = (words) => words.some((s) => this.topicStems.has(s));
      // How rare each stem is among the headings, for how alike a heading and the query are: known
      // from the core alone (a section's IDF is known only once its part of the index is loaded).
      const headingDocs = new Map();
      this.headingStems.forEach((stems) => stems.forEach((h) => headingDocs.set(h, (headingDocs.get(h) || 0) + 1)));
      const topicHeadings = this.headingStems.filter(isTopic).length;
      const headings = this.sections.length;
      this.headingIdf = (h) => {
        const df = Math.max(headingDocs.get(h) || 0, this.topicStems.has(h) ? topicHeadings : 0);
        return idf(headings, df);
      };
      this.topicIdf = idf(headings, index.topic_sections || 0);
      // Each section's words per field: the title, heading and glossary fields counted here, the
      // others given by the core. BM25F length normalisation: each field's average over the sections.
      const count = (text) => this.tokenize(text).filter((w) => !stop.has(w)).length;
      this.lengths = this.sections.map((section) => [count(this.pages[section[0]][1]),
        section[1] ? count(section[2]) : 0, count(section[3].map((g) => this.synonyms[g].join(" ")).join(" ")),
        ...[0, 1, 2].map((f) => section[4][f] || 0)]);
      this.averages = FIELDS.map((_, f) => {
        const total = this.lengths.reduce((sum, lengths) => sum + lengths[f], 0);
        return total / Math.max(1, this.sections.length) || 1;
      });
      // Inverted index, filled part by part (`addTerms`): stem -> {docs: [section ids], tf: [BM25F
      // weighted, length-normalised count]}, its inverse document frequency, and the words as written.
      this.postings = new Map();
      this.idf = new Map();
      this.wordVocab = new Map();  // word as written -> how often (for typo correction)
      this.termParts = new Set();
      this.termKeys = new Set(index.terms);  // the parts there are (a key not there has no words)
      // The section texts, for excerpts (`addTexts`), in parts of whole pages: each part's first section.
      this.textStarts = index.texts;
      this.texts = new Map();  // section id -> [text, detail, shared]
      this.textParts = new Set();
      this.corrections = new Map();  // typed word -> corrected words (typing repeats words)
      // The semantic table comes in parts, one per first letter or two (see `semanticKey`).
      this.semantic = new Map();
      this.semanticParts = new Set();
      this.semanticKeys = index.semantic ? new Set(index.semantic) : null;  // the parts there are
      Object.entries(semantic || {}).forEach(([key, part]) => this.addSemantic(key, part));
    }

    tokenize(text) {
      return tokenize(text, this.contractions);
    }

    /* Add a part of the index: the words beginning with a letter (or two), each with its postings
       (section number steps and counts per field). A stem's words all begin with its two letters, so
       once the part is added the stem's postings, and its IDF, are complete. */
    addTerms(key, data) {
      const words = data.words ? data.words.split(" ") : [];
      const byStem = new Map();  // stem -> Map section id -> counts per field
      words.forEach((word, i) => {
        const s = stem(word);
        let docs = byStem.get(s);
        if (!docs) { docs = new Map(); byStem.set(s, docs); }
        const flat = data.postings[i];
        let id = 0;
        let written = 0;
        for (let k = 0; k + 1 < flat.length; k += 2) {
          id += flat[k];
          const counts = decode(flat[k + 1]);
          const sum = docs.get(id);
          if (sum) counts.forEach((c, f) => { sum[f] += c; });
          else docs.set(id, counts);
          written += counts.reduce((a, c) => a + c, 0) - counts[2];  // not the glossary terms field
        }
        if (written) this.wordVocab.set(word, written);
      });
      const n = this.sections.length;
      byStem.forEach((docs, s) => {
        const p = { docs: [], tf: [] };
        [...docs.keys()].sort((a, b) => a - b).forEach((id) => {
          p.docs.push(id);
          p.tf.push(this.termFrequency(id, docs.get(id)));
        });
        this.postings.set(s, p);
        const own = idf(n, p.docs.length);
        this.idf.set(s, this.topicStems.has(s) ? Math.min(own, this.topicIdf) : own);
      });
      this.termParts.add(key);
      this.corrections.clear();  // a word now in the index is no longer corrected
    }

    /* BM25F: a stem's counts in a section's fields, weighted and normalised by each field's length. */
    termFrequency(id, counts) {
      let tf = 0;
      counts.forEach((c, f) => {
        if (!c) return;
        const field = this.config.fields[FIELDS[f]];
        const norm = 1 - field.b + field.b * this.lengths[id][f] / this.averages[f];
        tf += field.weight * c / norm;
      });
      return tf;
    }

    /* Add a part of the texts: the sections from the one numbered `textStarts[key]`. */
    addTexts(key, rows) {
      rows.forEach((row, i) => this.texts.set(this.textStarts[key] + i, row));
      this.textParts.add(String(key));
    }

    /* The part of the texts a section is in. */
    textPart(id) {
      let low = 0;
      let high = this.textStarts.length - 1;
      while (low < high) {
        const mid = (low + high + 1) >> 1;
        if (this.textStarts[mid] <= id) low = mid; else high = mid - 1;
      }
      return String(low);
    }

    /* The parts of the texts that the excerpts of `results` need and that are not loaded yet. */
    missingTexts(results) {
      return [...new Set(results.map((r) => this.textPart(r.best.id)))].filter((k) => !this.textParts.has(k));
    }

    /* The parts of the index and of the semantic table a query needs that are not loaded yet: first
       those of the words typed (their first letters); once those are in, those of what the words may
       become (a typo's neighbours, a missed space's halves, words near in meaning, glossary synonyms).
       Load them and ask again until nothing is missing (the page does; `search` uses what is loaded). */
    missing(query) {
      const terms = new Set();
      const semantic = new Set();
      const needTerms = (key) => {
        if (!this.termParts.has(key)) {
          if (this.termKeys.has(key)) terms.add(key);
          else this.termParts.add(key);  // no word of the site begins so: nothing to load
        }
      };
      const words = this.queryWords(query);
      words.forEach((w) => {
        needTerms(this.termKey(w));
        const key = this.semanticKey(w);
        if (this.semanticParts.has(key)) return;
        if (!this.semanticKeys || this.semanticKeys.has(key)) semantic.add(key);
        else this.semanticParts.add(key);  // no row begins so: nothing to load
      });
      if (!terms.size && !semantic.size) {
        words.forEach((w) => {
          if (this.known(w) || this.semantic.has(w) || /\d/.test(w) || !allowedTypos(w)) return;
          // A word the site does not use may be a typo: its neighbours begin with its first letter,
          // or with its first two letters swapped; or two words run together ("triggerpoint").
          this.termKeys.forEach((key) => { if (key[0] === w[0]) needTerms(key); });
          needTerms(w[1] + w[0]);
          for (let i = 3; i <= w.length - 3; i++) needTerms(this.termKey(w.slice(i)));
        });
      }
      if (!terms.size && !semantic.size) this.plan(query).pending.forEach((s) => needTerms(this.termKey(s)));
      return { terms: [...terms], semantic: [...semantic] };
    }

    /* The part of the index a word is in: its first letter, or its first two letters when that letter's
       words are cut in parts (docs/_ext/section_search.py). A stem keeps its word's first two letters,
       so a stem's words are all in one part. */
    termKey(word) {
      return this.termKeys.has(word.slice(0, 2)) ? word.slice(0, 2) : firstLetter(word);
    }

    /* The part of the semantic table a word's row is in: likewise (docs/_ext/search_semantic.py). */
    semanticKey(word) {
      return this.semanticKeys && this.semanticKeys.has(word.slice(0, 2)) ? word.slice(0, 2) : firstLetter(word);
    }

    /* The words of a query that are searched: its words that are not stop words (all, if none is). */
    queryWords(query) {
      const typed = this.tokenize(query);
      const kept = typed.filter((w) => !this.stopWords.has(w));
      return kept.length ? kept : typed;
    }

    /* Add a part of the lay-word table: English word -> [[site stem, similarity], ...], keyed by stem
       too. Its `real` words are English words with no site word near in meaning: never corrected. */
    addSemantic(key, data) {
      const byWord = this.semantic;
      const siteStems = data.sites ? data.sites.split(" ").map(stem) : [];
      (data.words ? data.words.split(" ") : []).forEach((word, i) => {
        const wordStem = stem(word);
        const links = data.links[i];
        const list = byWord.get(wordStem) || [];
        for (let k = 0; k + 1 < links.length; k += 2) {
          const target = siteStems[links[k]];
          if (target === wordStem) continue;  // searched only if the site uses it (`plan`)
          if (!list.some(e => e[0] === target)) list.push([target, links[k + 1] / 100]);
        }
        byWord.set(wordStem, list);
        byWord.set(word, list);
      });
      (data.real ? data.real.split(" ") : []).forEach(word => {
        if (!byWord.has(word)) byWord.set(word, []);
      });
      this.semanticParts.add(key);
      this.corrections.clear(); // a word now known to be real is no longer corrected
    }

    known(word) {
      return this.wordVocab.has(word) || this.postings.has(stem(word));
    }

    /* The closest word the site uses to `word`, within the typos its length allows; null if none. */
    nearest(word, limit) {
      let best = null;
      let bestDistance = limit + 1;
      let bestCount = 0;
      this.wordVocab.forEach((count, candidate) => {
        // Typos seldom touch the first letter; checking it first keeps this fast.
        if (Math.abs(candidate.length - word.length) > limit) return;
        if (candidate[0] !== word[0] && !(candidate[0] === word[1] && candidate[1] === word[0])) return;
        const d = editDistance(word, candidate, limit);
        if (d > limit) return;
        if (word.length === 4 && !sameLetters(word, candidate)) return; // short words: swapped letters only
        if (d < bestDistance || (d === bestDistance && count > bestCount)) {
          best = candidate; bestDistance = d; bestCount = count;
        }
      });
      return best === null ? null : { word: best, distance: bestDistance };
    }

    /* A word the site never uses becomes the closest word it does: one word, or two when the space
       between them was missed ("triggerpoint"). A real English word is never "corrected" into another
       one (concussion is not conclusion): the semantic table knows it, and the search says it is not found. */
    correct(word) {
      if (!this.corrections.has(word)) this.corrections.set(word, this.findCorrection(word));
      return this.corrections.get(word);
    }

    findCorrection(word) {
      if (this.known(word) || /\d/.test(word)) return [word];
      if (this.semantic.has(word)) return [word];
      let typing = false;
      this.wordVocab.forEach((_, candidate) => {
        if (!typing && candidate.length > word.length && candidate.lastIndexOf(word, 0) === 0) typing = true;
      });
      if (typing && word.length >= 3) return [word]; // still being typed: a prefix of a real word
      const limit = allowedTypos(word);
      const near = limit ? this.nearest(word, limit) : null;
      const alias = this.termVocab.has(stem(word));
      if (near && !(alias && near.distance > 1)) return [near.word];
      if (alias) return [word];
      for (let i = 3; i <= word.length - 3; i++) {
        const left = this.fix(word.slice(0, i));
        const right = this.fix(word.slice(i), true);  // as typed: its letters' parts may not be loaded
        if (left && right) return [left, right];
      }
      return [word];
    }

    fix(part, exact = false) {
      if (this.wordVocab.has(part)) return part;
      if (exact || part.length < 5) return null;
      const near = this.nearest(part, 1);
      return near ? near.word : null;
    }

    /* A query as concepts: each typed word with its alternatives (stem, weight), plus glossary synonyms.
       A concept scores by its best alternative in a section, so expansions never add up. */
    plan(query) {
      const q = this.config.query;
      const sem = this.config.semantic;  // sem.threshold is applied at build time
      const typed = this.tokenize(query);
      const kept = this.queryWords(query);  // a query of stop words only: search them anyway
      const concepts = [];
      const pending = new Set();  // stems the plan would use whose part of the index is not loaded yet
      // A stem the site uses, as far as the loaded parts tell: if its part is missing, it is pending.
      const used = (s) => {
        if (this.postings.has(s)) return true;
        if (!this.termParts.has(this.termKey(s))) pending.add(s);
        return false;
      };
      const shown = [];
      let corrected = false;
      const unknown = [];
      const complete = !/[a-z0-9]$/i.test(query);
      kept.forEach((w, i) => {
        const last = i === kept.length - 1 && !complete;
        const fixed = this.correct(w);
        const isTypo = fixed.length !== 1 || fixed[0] !== w;
        fixed.forEach(f => {
          const s = stem(f);
          const alts = [];
          if (this.postings.has(s)) alts.push([s, isTypo ? q.typo_weight : 1]);
          if (last && !isTypo && s.length >= 3) this.prefixes(s).forEach(p => { alts.push([p, q.prefix_weight]); });
          const meaning = this.semantic.get(f) || this.semantic.get(s);
          if (meaning && (!alts.length || sem.expand_known)) {
            // A word near in meaning never counts for more than the site word typed would
            // ("dry" must not become the rarer "dn"): its weight is capped at the typed word's IDF.
            const cap = this.postings.has(s) ? this.idf.get(s) : Infinity;
            meaning.forEach((e) => {
              if (used(e[0])) alts.push([e[0], sem.weight * e[1] * Math.min(1, cap / this.idf.get(e[0]))]);
            });
          }
          if (!alts.length) unknown.push(f);
          concepts.push({ word: f, stem: s, alts });
          shown.push(f);
        });
        if (isTypo && fixed.some(f => this.postings.has(stem(f)))) corrected = true;
      });
      // Two words the site writes as one ("after care": aftercare, "work out": workout) also find
      // that word, as the first word's alternative (the names of the subject excepted: "dry needling").
      concepts.slice(1).forEach((next, i) => {
        const first = concepts[i];
        const joined = stem(first.word + next.word);
        if (this.topicStems.has(first.stem) || this.topicStems.has(next.stem)) return;
        if (!containsRun(typed, [first.word, next.word])) return;  // typed side by side
        if (used(joined) && !first.alts.some((alt) => alt[0] === joined)) first.alts.push([joined, 1]);
      });
      const stems = concepts.map(c => c.stem);
      // Glossary synonyms: a query containing any term line of an entry also searches the others, as
      // other ways to say the typed words (the first of them stands for the phrase), at a lower weight.
      const added = [];
      this.groupStems.forEach((group, g) => {
        const matched = group.filter(phrase => phrase.length && containsRun(stems, phrase));
        if (!matched.length) return;
        const concept = concepts[firstRun(stems, matched[0])];
        group.forEach(phrase => {
          // A longer form of what was typed ("trigger point dry needling" for "dry needling") narrows it.
          if (matched.some(m => containsRun(phrase, m))) return;
          // A phrase of several words ("passing out") counts only in a section that has all of them.
          // Every word is asked (no short cut), so that the parts still missing load in one round.
          if (!phrase.map(used).every(Boolean)) return;
          phrase.forEach(s => {
            if (stems.includes(s)) return;
            concept.alts.push(phrase.length > 1 ? [s, q.synonym_weight, phrase.filter(o => o !== s)]
              : [s, q.synonym_weight]);
          });
        });
        added.push(this.synonyms[g][0]);
      });
      return { concepts, asked: typed.filter(w => this.stopWords.has(w)),
               corrected: corrected ? shown.join(" ") : null,
               synonyms: added, unknown, pending };
    }

    /* Stems the site uses that begin with a half-typed word (not itself a word of the site). */
    prefixes(s) {
      if (this.postings.has(s)) return [];
      const out = [];
      this.postings.forEach((_, candidate) => {
        if (candidate.length > s.length && candidate.lastIndexOf(s, 0) === 0) out.push(candidate);
      });
      return out;
    }

    /* For each concept of a plan, the sections it matches: section id -> [BM25F score of its best
       alternative there, that alternative's stem]. */
    conceptMatches(plan) {
      const k1 = this.config.bm25.k1;
      return plan.concepts.map(concept => {
        const best = new Map();
        concept.alts.forEach(alt => {
          const p = this.postings.get(alt[0]);
          if (!p) return;
          const weight = alt[1] * this.idf.get(alt[0]);
          const others = (alt[2] || []).map(o => this.docSet(o));
          for (let i = 0; i < p.docs.length; i++) {
            const tf = p.tf[i];
            const value = weight * tf * (k1 + 1) / (k1 + tf);
            const id = p.docs[i];
            if (others.some(set => !set.has(id))) continue;
            const prior = best.get(id);
            if (!prior || value > prior[0]) best.set(id, [value, alt[0]]);
          }
        });
        return best;
      });
    }

    /* The sections a stem occurs in, as a set (kept until that stem's part of the index changes). */
    docSet(s) {
      const p = this.postings.get(s);
      if (!p) return new Set();
      if (!p.set) p.set = new Set(p.docs);
      return p.set;
    }

    search(query) {
      const q = this.config.query;
      const plan = this.plan(query);
      const scores = new Map();  // section id -> score
      const matched = new Map(); // section id -> Set of matched stems
      this.conceptMatches(plan).forEach(best => {
        best.forEach((v, id) => {
          scores.set(id, (scores.get(id) || 0) + v[0]);
          let m = matched.get(id);
          if (!m) { m = new Set(); matched.set(id, m); }
          m.add(v[1]);
        });
      });
      // A section whose heading asks what the query asks is probably the answer (headings are questions).
      // A query that asks two questions ("Have you had it? Did it help?") is also compared with the
      // headings one question at a time, as a heading that asks two is.
      const questions = query.split(/[?.!]+/).filter((part) => this.tokenize(part).length);
      const asked = [plan, ...(questions.length > 1 ? questions.map((part) => this.plan(part)) : [])]
        .map((p) => this.questionWeights(p));
      const hits = [];
      scores.forEach((score, id) => {
        const likeness = Math.max(...this.headingQuestions[id].flatMap((stems) => asked.map((a) => this.likeness(stems, a))));
        hits.push({ id, score: score * this.prior[this.sections[id][0]] * (1 + q.heading_likeness * likeness),
                    terms: matched.get(id), words: score, likeness });
      });
      hits.sort((a, b) => b.score - a.score || a.id - b.id);
      // One result per page: its best section, plus its other matching sections, each counting
      // `section_decay` times the one before (the page as a whole answers too).
      const byPage = new Map();
      hits.forEach(hit => {
        if (hit.score <= 0) return;
        const page = this.sections[hit.id][0];
        const url = this.pages[page][0];
        const entry = byPage.get(url);
        if (!entry) byPage.set(url, { page, best: hit, score: hit.score, share: q.section_decay });
        else if (entry.share > 0.01) { entry.score += entry.share * hit.score; entry.share *= q.section_decay; }
      });
      const results = Array.from(byPage.values());
      results.sort((a, b) => b.score - a.score);
      return { plan, results: results.slice(0, q.max_results), all: results };
    }

    /* The query's stems, each alternative with its weight times its IDF among the headings (the best,
       if several). */
    questionWeights(plan) {
      const weights = new Map();
      let total = 0;
      const asks = this.config.query.question_words;
      plan.asked.forEach(w => {
        if (!weights.has(`~${w}`)) { weights.set(`~${w}`, asks); total += asks; }
      });
      plan.concepts.forEach(concept => {
        let best = 0;
        concept.alts.forEach(alt => {
          const w = alt[1] * this.headingIdf(alt[0]);
          if (w > (weights.get(alt[0]) || 0)) weights.set(alt[0], w);
          if (w > best) best = w;
        });
        if (!concept.synonym) total += best;
      });
      return { weights, total };
    }

    /* How alike a heading and the query are: the cosine (Ochiai) overlap of their stems, each weighted
       by its IDF among the headings (0 to 1). Unlike Dice's, it does not fall as fast as the query
       grows: a long question that asks the heading's question, among other words, still matches it. */
    likeness(stems, asked) {
      if (!stems.length || !asked.total) return 0;
      let shared = 0;
      let total = 0;
      const asks = this.config.query.question_words;
      stems.forEach(s => {
        const w = s[0] === "~" ? asks : this.headingIdf(s);
        total += w;
        if (asked.weights.has(s)) shared += Math.min(w, asked.weights.get(s));
      });
      return total ? shared / Math.sqrt(total * asked.total) : 0;
    }

    /* The link of a result: the page, and the section's anchor unless it is the page's top. */
    href(entry) {
      const section = this.sections[entry.best.id];
      return this.pages[entry.page][0] + (section[1] ? `#${section[1]}` : "");
    }

    /* An excerpt of the section around its densest cluster of matched words, marked up as HTML. */
    excerpt(sectionId, matched) {
      // The section's own text, else the passage it shares with other pages, else its clinician text
      // (empty until the page's part of the texts is loaded: `missingTexts`).
      const [text, detail, shared] = this.texts.get(sectionId) || [];
      const sources = [text, shared, detail].filter(Boolean);
      const source = sources.find((t) => this.marks(t.split(/\s+/), matched).some(Boolean)) || sources[0] || "";
      return this.excerptOf(source.split(/\s+/), matched);
    }

    marks(tokens, matched) {
      const stop = this.stopWords;
      return tokens.map(token => {
        const w = normalise(token).split(" ")[0] || "";
        return w && !stop.has(w) && matched.has(stem(w)) ? 1 : 0;
      });
    }

    excerptOf(tokens, matched) {
      const hitsAt = this.marks(tokens, matched);
      let start = 0;
      let bestCount = -1;
      let count = 0;
      let i;
      for (i = 0; i < tokens.length; i++) {
        count += hitsAt[i];
        if (i >= EXCERPT_WORDS) count -= hitsAt[i - EXCERPT_WORDS];
        if (count > bestCount) { bestCount = count; start = Math.max(0, i - EXCERPT_WORDS + 1); }
      }
      const first = hitsAt.indexOf(1);
      if (first >= 0 && first - start > EXCERPT_WORDS - 6) start = Math.max(0, first - 4);
      const end = Math.min(tokens.length, start + EXCERPT_WORDS);
      const html = tokens.slice(start, end)
        .map((token, k) => (hitsAt[start + k] ? `<mark>${escapeHtml(token)}</mark>` : escapeHtml(token)))
        .join(" ");
      return (start > 0 ? "… " : "") + html + (end < tokens.length ? " …" : "");
    }
  }

  /* Inverse document frequency of a word in `df` of `n` documents (BM25's, never negative). */
  function idf(n, df) {
    return Math.log(1 + (n - df + 0.5) / (df + 0.5));
  }

  /* The part of the semantic table a word's row is in: its first letter (search_semantic.shard_key). */
  function firstLetter(word) {
    return word[0] >= "a" && word[0] <= "z" ? word[0] : "0";
  }



  return { Engine, stem, normalise, tokenize, decode,
           editDistance, escapeHtml, FIELDS };
});
