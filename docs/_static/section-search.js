/* Section-level search for the search page.
 * The index (one document per section, plus the glossary's synonym groups) is written at build
 * time by docs/_ext/section_search.py into section-search-index.js; MiniSearch ranks it here.
 * A query is rewritten before searching: stop words dropped, words stemmed, misspelt words
 * corrected against the site's own words, glossary synonyms added. Nothing leaves the browser. */
(function () {
  "use strict";

  var DEBOUNCE_MS = 20;
  var MAX_RESULTS = 10;
  var EXCERPT_WORDS = 32;
  var FIELD_BOOST = { title: 4, heading: 3, terms: 2.5, text: 1, detail: 0.4 };
  var SYNONYM_WEIGHT = 0.6;       // a synonym counts a bit less than the word typed
  var SECOND_SECTION_SHARE = 0.2; // a page with two matching sections beats one with a single match
  // Words in many sections ("dry", "needling" on this site) say little about which one is meant.
  var COMMON_SHARE = [[0.3, 0.2], [0.12, 0.5]]; // [share of sections, weight]
  // Headings are written as patients' questions: one that reads like the query is probably the answer.
  var LIKENESS_BOOST = { title: 1, heading: 1.5 };
  var STOP_WORD_LIKENESS = 0.3; // "what is", "how long does" count a little when comparing to a heading
  // Common words that carry no meaning in a search. Negations and time words ("not", "after",
  // "before", "during") are kept: they change what a patient is asking.
  var STOP_WORDS = new Set((
    "a an the and or but if of to in on at by for with about as from into onto than then so too very " +
    "is are was were be been being am do does did doing done have has had having " +
    "i me my mine myself we our ours us you your yours he him his she her it its they them their " +
    "this that these those there here what which who whom whose when where why how " +
    "can could would will shall may might must ok okay get gets got getting please tell " +
    "know want like just really also any some all thing things " +
    "s t im ive id ill whats hows whys wheres whos thats theres youre theyre"
  ).split(" "));
  // "shouldn't" (or "shouldnt") is "should not": the "not" is kept, and no near word ("shoulder") is guessed.
  var CONTRACTION = /^(do|does|did|is|are|was|were|has|have|had|could|should|would|must|need|ca|wo)nt$/;
  var CONTRACTION_BASE = { ca: "can", wo: "will" };

  /* A light English stemmer: enough to join needle/needles/needling, bruise/bruising. */
  function stem(word) {
    if (word.length <= 3 || /\d/.test(word)) return word;
    var w = word;
    if (/ie[sd]$/.test(w) && w.length > 4) w = w.slice(0, -3) + "y"; // cries, cried: cry
    else if (/sses$/.test(w)) w = w.slice(0, -2);
    else if (/[^su]s$/.test(w) && !/is$/.test(w)) w = w.slice(0, -1);
    var m = /^(.{3,}?)(ing|ed)$/.exec(w);
    if (m && /[aeiouy]/.test(m[1])) {
      w = m[1];
      if (/([bdfgmnprt])\1$/.test(w)) w = w.slice(0, -1);
    }
    m = /^(.{3,}?)ness$/.exec(w);
    if (m) w = m[1];
    if (w.length > 3 && /e$/.test(w)) w = w.slice(0, -1);
    return w;
  }

  function normalise(text) {
    return text.toLowerCase().normalize("NFD").replace(/[\u0300-\u036f]/g, "")
      .replace(/['\u2019]/g, "").replace(/[^a-z0-9]+/g, " ").trim();
  }

  function words(text) {
    var clean = normalise(text);
    if (!clean) return [];
    var out = [];
    clean.split(" ").forEach(function (w) {
      var m = CONTRACTION.exec(w);
      if (m) out.push(CONTRACTION_BASE[m[1]] || m[1], "not");
      else out.push(w);
    });
    return out;
  }

  /* Damerau-Levenshtein distance (adjacent swaps count once), stopping early past `limit`. */
  function editDistance(a, b, limit) {
    if (Math.abs(a.length - b.length) > limit) return limit + 1;
    var prev2 = null, prev = [], cur, i, j;
    for (j = 0; j <= b.length; j++) prev[j] = j;
    for (i = 1; i <= a.length; i++) {
      cur = [i];
      var rowMin = i;
      for (j = 1; j <= b.length; j++) {
        var cost = a[i - 1] === b[j - 1] ? 0 : 1;
        var d = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost);
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
    return text.replace(/[&<>"]/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" }[c];
    });
  }

  /* ---- The index ------------------------------------------------------------------------ */

  function SectionSearch(data) {
    var self = this;
    this.pages = data.pages;          // [url, title, weight]; a url may repeat with another weight
    this.sections = data.sections;    // [page, anchor, heading, text, detail, [synonym groups]]
    this.synonyms = data.synonyms;    // [[term, alias, ...], ...]
    this.textVocab = new Map();       // stem -> number of sections using it
    this.surface = new Map();         // stem -> the word as written most often
    this.termVocab = new Set();       // stems of glossary terms and aliases
    var surfaceCounts = new Map();

    this.groupStems = this.synonyms.map(function (group) {
      return group.map(function (term) {
        return words(term).filter(function (w) { return !STOP_WORDS.has(w); }).map(stem);
      });
    });
    this.groupStems.forEach(function (group) {
      group.forEach(function (phrase) { phrase.forEach(function (s) { self.termVocab.add(s); }); });
    });

    this.wordVocab = new Map();       // word as written -> how often
    this.corrections = new Map();     // typed word -> corrected words (typing repeats words)
    function allStems(text) { return Array.from(new Set(words(text).map(stem))); }
    this.titleStems = this.pages.map(function (page) { return allStems(page[1]); });
    this.headingStems = this.sections.map(function (section) { return allStems(section[2]); });
    this.sections.forEach(function (section) {
      var seen = new Set();
      words(self.pages[section[0]][1] + " " + section[2] + " " + section[3] + " " + section[4])
        .forEach(function (w) {
          if (STOP_WORDS.has(w)) return;
          var s = stem(w);
          if (!seen.has(s)) { seen.add(s); self.textVocab.set(s, (self.textVocab.get(s) || 0) + 1); }
          self.wordVocab.set(w, (self.wordVocab.get(w) || 0) + 1);
          var counts = surfaceCounts.get(s) || new Map();
          counts.set(w, (counts.get(w) || 0) + 1);
          surfaceCounts.set(s, counts);
        });
    });
    surfaceCounts.forEach(function (counts, s) {
      var best = null, bestCount = 0;
      counts.forEach(function (n, w) { if (n > bestCount) { best = w; bestCount = n; } });
      self.surface.set(s, best);
    });

    this.mini = new MiniSearch({
      fields: ["title", "heading", "terms", "text", "detail"],
      idField: "id",
      extractField: function (doc, field) {
        var section = self.sections[doc.id];
        switch (field) {
          case "id": return doc.id;
          case "title": return self.pages[section[0]][1];
          case "heading": return section[2];
          case "text": return section[3];
          case "detail": return section[4];
          case "terms": return section[5].map(function (g) { return self.synonyms[g].join(" "); }).join(" ");
        }
        return "";
      },
      tokenize: function (text) { return words(text); },
      processTerm: function (term) { return STOP_WORDS.has(term) ? null : stem(term); },
      searchOptions: {
        tokenize: function (text) { return text.split(" ").filter(Boolean); },
        processTerm: function (term) { return term; }
      }
    });
    this.mini.addAll(this.sections.map(function (_, i) { return { id: i }; }));
  }

  /* The closest word the site uses to `word`, within the typos its length allows; null if none. */
  SectionSearch.prototype.nearest = function (word, limit) {
    var best = null, bestDistance = limit + 1, bestCount = 0;
    this.wordVocab.forEach(function (count, candidate) {
      // Typos seldom touch the first letter; checking it first keeps this fast.
      if (Math.abs(candidate.length - word.length) > limit) return;
      if (candidate[0] !== word[0] && !(candidate[0] === word[1] && candidate[1] === word[0])) return;
      var d = editDistance(word, candidate, limit);
      if (d > limit) return;
      if (word.length === 4 && !sameLetters(word, candidate)) return; // short words: swapped letters only
      if (d < bestDistance || (d === bestDistance && count > bestCount)) {
        best = candidate; bestDistance = d; bestCount = count;
      }
    });
    return best === null ? null : { word: best, distance: bestDistance };
  };

  SectionSearch.prototype.known = function (word) {
    return this.wordVocab.has(word) || this.textVocab.has(stem(word));
  };

  /* Words the site never uses become the closest words it does: one word, or two when the
     space between them was missed ("triggerpoint"). A glossary alias counts as known. */
  SectionSearch.prototype.correct = function (word) {
    if (!this.corrections.has(word)) this.corrections.set(word, this.findCorrection(word));
    return this.corrections.get(word);
  };

  SectionSearch.prototype.findCorrection = function (word) {
    if (this.known(word) || /\d/.test(word)) return [word];
    var typing = false;
    this.wordVocab.forEach(function (_, candidate) {
      if (!typing && candidate.length > word.length && candidate.lastIndexOf(word, 0) === 0) typing = true;
    });
    if (typing && word.length >= 3) return [word]; // still being typed: a prefix of a real word
    var limit = allowedTypos(word);
    var near = limit ? this.nearest(word, limit) : null;
    var alias = this.termVocab.has(stem(word));
    if (near && !(alias && near.distance > 1)) return [near.word];
    if (alias) return [word];
    for (var i = 3; i <= word.length - 3; i++) {
      var left = this.fix(word.slice(0, i)), right = this.fix(word.slice(i));
      if (left && right) return [left, right];
    }
    return [word];
  };

  SectionSearch.prototype.fix = function (part) {
    if (this.wordVocab.has(part)) return part;
    if (part.length < 5) return null;
    var near = this.nearest(part, 1);
    return near ? near.word : null;
  };

  SectionSearch.prototype.termWeight = function (s) {
    var share = (this.textVocab.get(s) || 0) / this.sections.length;
    for (var i = 0; i < COMMON_SHARE.length; i++) {
      if (share > COMMON_SHARE[i][0]) return COMMON_SHARE[i][1];
    }
    return 1;
  };

  /* Rewrite a query: words, corrections, synonyms. Returns what to search and what to show. */
  SectionSearch.prototype.rewrite = function (query) {
    var self = this;
    var typed = words(query);
    var kept = typed.filter(function (w) { return !STOP_WORDS.has(w); });
    if (!kept.length) kept = typed; // a query of stop words only: search them anyway
    var corrected = false;
    var shown = [];
    var stems = [];
    kept.forEach(function (w) {
      var fixed = self.correct(w);
      if (fixed.length !== 1 || fixed[0] !== w) corrected = true;
      fixed.forEach(function (f) { shown.push(f); stems.push(stem(f)); });
    });
    var weights = new Map();
    stems.forEach(function (s) { weights.set(s, self.termWeight(s)); });
    // Glossary synonyms: a query containing any term line of an entry also searches the others.
    var added = [];
    this.groupStems.forEach(function (group, g) {
      var matched = group.filter(function (phrase) { return phrase.length && containsRun(stems, phrase); });
      if (!matched.length) return;
      group.forEach(function (phrase) {
        // A longer form of what was typed ("trigger point dry needling" for "dry needling") narrows it.
        if (matched.some(function (m) { return containsRun(phrase, m); })) return;
        phrase.forEach(function (s) {
          if (!weights.has(s)) {
            weights.set(s, self.termWeight(s) * SYNONYM_WEIGHT / Math.max(1, phrase.length - 1));
          }
        });
      });
      added.push(self.synonyms[g][0]);
    });
    // Every typed word, stop words too, to compare the query with headings.
    var all = new Set(), total = 0;
    typed.forEach(function (w) {
      var fixed = STOP_WORDS.has(w) ? [w] : self.correct(w);
      fixed.forEach(function (f) {
        var s = stem(f);
        if (!all.has(s)) { all.add(s); total += self.wordWeight(s); }
      });
    });
    // The last word may still be being typed: let it match longer words, unless it is complete.
    var last = kept.length && /[a-z0-9]$/i.test(query) ? stem(kept[kept.length - 1]) : null;
    var partial = last && stems[stems.length - 1] === last && !this.textVocab.has(last) ? last : null;
    return { stems: stems, weights: weights, all: all, total: total, partial: partial,
             corrected: corrected ? shown.join(" ") : null, synonyms: added };
  };

  function containsRun(haystack, needle) {
    for (var i = 0; i + needle.length <= haystack.length; i++) {
      var ok = true;
      for (var j = 0; j < needle.length; j++) {
        if (haystack[i + j] !== needle[j]) { ok = false; break; }
      }
      if (ok) return true;
    }
    return false;
  }

  SectionSearch.prototype.search = function (query) {
    var self = this;
    var plan = this.rewrite(query);
    if (!plan.stems.length) return { plan: plan, results: [] };
    var terms = Array.from(plan.weights.keys());
    var hits = this.mini.search(terms.join(" "), {
      boost: FIELD_BOOST,
      // Words the site uses match exactly (stemmed); others match loosely. Only the last
      // word can be half typed.
      prefix: function (term, i, all) {
        return term.length >= 3 && i === all.length - 1 && plan.partial === term;
      },
      fuzzy: function (term) { return term.length >= 5 && !self.textVocab.has(term) ? 0.2 : false; },
      maxFuzzy: 2,
      boostTerm: function (term) { return plan.weights.get(term) || 1; },
      boostDocument: function (id) { return self.pages[self.sections[id][0]][2]; }
    });
    hits.forEach(function (hit) {
      var section = self.sections[hit.id];
      hit.score *= 1 + LIKENESS_BOOST.title * self.likeness(self.titleStems[section[0]], plan) +
        LIKENESS_BOOST.heading * self.likeness(self.headingStems[hit.id], plan);
    });
    hits.sort(function (a, b) { return b.score - a.score; });
    // One result per page: its best section, nudged up when a second section also matches.
    var byPage = new Map();
    hits.forEach(function (hit) {
      var page = self.sections[hit.id][0];
      var url = self.pages[page][0];
      var entry = byPage.get(url);
      if (!entry) byPage.set(url, { page: page, best: hit, second: 0 });
      else if (!entry.second) entry.second = hit.score;
    });
    var results = Array.from(byPage.values()).map(function (entry) {
      entry.score = entry.best.score + SECOND_SECTION_SHARE * entry.second;
      return entry;
    });
    results.sort(function (a, b) { return b.score - a.score; });
    return { plan: plan, results: results.slice(0, MAX_RESULTS) };
  };

  SectionSearch.prototype.wordWeight = function (s) {
    return STOP_WORDS.has(s) ? STOP_WORD_LIKENESS : this.termWeight(s);
  };

  /* How alike a title or heading and the query are (weighted Dice overlap of their stems). */
  SectionSearch.prototype.likeness = function (stems, plan) {
    if (!stems.length) return 0;
    var self = this, shared = 0, total = 0;
    stems.forEach(function (s) {
      var w = self.wordWeight(s);
      total += w;
      var hit = plan.all.has(s) || plan.weights.has(s);
      if (!hit && s.length > 4) {
        plan.weights.forEach(function (_, q) { if (q.length >= 4 && s.lastIndexOf(q, 0) === 0) hit = true; });
      }
      if (hit) shared += w * (plan.weights.get(s) ? Math.min(1, plan.weights.get(s) / w) : 1);
    });
    return 2 * shared / (total + plan.total);
  };

  /* An excerpt of the section around its densest cluster of matched words, marked up. */
  SectionSearch.prototype.excerpt = function (sectionId, matched) {
    var section = this.sections[sectionId];
    var source = section[3] || section[4];
    var tokens = source.split(/\s+/);
    var hitsAt = tokens.map(function (token) {
      var w = normalise(token).split(" ")[0] || "";
      return w && !STOP_WORDS.has(w) && matched.has(stem(w)) ? 1 : 0;
    });
    if (!hitsAt.some(Boolean) && section[4] && source !== section[4]) {
      return this.excerptOf(section[4].split(/\s+/), matched);
    }
    return this.excerptOf(tokens, matched, hitsAt);
  };

  SectionSearch.prototype.excerptOf = function (tokens, matched, hitsAt) {
    hitsAt = hitsAt || tokens.map(function (token) {
      var w = normalise(token).split(" ")[0] || "";
      return w && !STOP_WORDS.has(w) && matched.has(stem(w)) ? 1 : 0;
    });
    var start = 0, bestCount = -1, count = 0, i;
    for (i = 0; i < tokens.length; i++) {
      count += hitsAt[i];
      if (i >= EXCERPT_WORDS) count -= hitsAt[i - EXCERPT_WORDS];
      if (count > bestCount) { bestCount = count; start = Math.max(0, i - EXCERPT_WORDS + 1); }
    }
    var first = hitsAt.indexOf(1);
    if (first >= 0 && first - start > EXCERPT_WORDS - 6) start = Math.max(0, first - 4);
    var end = Math.min(tokens.length, start + EXCERPT_WORDS);
    var html = tokens.slice(start, end).map(function (token, k) {
      return hitsAt[start + k] ? "<mark>" + escapeHtml(token) + "</mark>" : escapeHtml(token);
    }).join(" ");
    return (start > 0 ? "… " : "") + html + (end < tokens.length ? " …" : "");
  };

  window.SectionSearch = SectionSearch;

  /* ---- The page ------------------------------------------------------------------------- */

  function ready(fn) {
    if (document.readyState !== "loading") fn();
    else document.addEventListener("DOMContentLoaded", fn);
  }

  ready(function () {
    var form = document.getElementById("section-search-form");
    var input = document.getElementById("section-search-q");
    var results = document.getElementById("search-results");
    var status = document.getElementById("section-search-status");
    var correction = document.getElementById("section-search-correction");
    var empty = document.getElementById("section-search-empty");
    if (!form || !window.SECTION_SEARCH_INDEX || !window.MiniSearch) {
      if (status) status.textContent = "Search could not load. Please reload the page.";
      return;
    }
    var engine = new SectionSearch(window.SECTION_SEARCH_INDEX);
    window.sectionSearch = engine; // for the benchmark and for debugging in the console
    var timer = null;
    var lastQuery = null;

    function render(query) {
      var started = performance.now();
      query = query.trim();
      lastQuery = query;
      var found = query ? engine.search(query) : { plan: null, results: [] };
      var html = found.results.map(function (entry) {
        var section = engine.sections[entry.best.id];
        var page = engine.pages[entry.page];
        var href = page[0] + (section[1] ? "#" + section[1] : "");
        var matched = new Set(entry.best.terms);
        var heading = section[1] && section[2] !== page[1]
          ? '<span class="search-result-sep" aria-hidden="true"> › </span><span class="search-result-section">' +
            escapeHtml(section[2]) + "</span>"
          : "";
        return '<li class="search-result"><a class="search-result-link" href="' + escapeHtml(href) + '">' +
          '<span class="search-result-page">' + escapeHtml(page[1]) + "</span>" + heading + "</a>" +
          '<p class="search-result-excerpt">' + engine.excerpt(entry.best.id, matched) + "</p></li>";
      }).join("");
      results.innerHTML = html ? '<ol class="search-result-list">' + html + "</ol>" : "";
      var plan = found.plan;
      if (plan && plan.corrected) {
        correction.innerHTML = "Showing results for <strong>" + escapeHtml(plan.corrected) + "</strong>.";
        correction.hidden = false;
      } else {
        correction.hidden = true;
        correction.textContent = "";
      }
      var n = found.results.length;
      status.textContent = !query ? "" : n === 0 ? "No results for \u201c" + query + "\u201d."
        : n + (n === 1 ? " result" : " results") + " for \u201c" + query + "\u201d.";
      empty.hidden = !query || n > 0;
      results.setAttribute("data-search-state", "done");
      results.setAttribute("data-query", query);
      var detail = { query: query, count: n, ms: performance.now() - started };
      results.dispatchEvent(new CustomEvent("section-search:done", { detail: detail }));
    }

    function remember(query) {
      var url = new URL(window.location.href);
      if (query) url.searchParams.set("q", query); else url.searchParams.delete("q");
      window.history.replaceState(null, "", url);
    }

    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () {
        render(input.value);
        remember(input.value.trim());
      }, DEBOUNCE_MS);
    });
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      clearTimeout(timer);
      if (input.value.trim() !== lastQuery) render(input.value);
      remember(input.value.trim());
    });
    // Down arrow from the box moves to the first result; Escape clears the box.
    input.addEventListener("keydown", function (event) {
      if (event.key === "ArrowDown") {
        var first = results.querySelector("a");
        if (first) { event.preventDefault(); first.focus(); }
      } else if (event.key === "Escape") {
        input.value = "";
        render("");
        remember("");
      }
    });
    results.addEventListener("keydown", function (event) {
      if (event.key !== "ArrowDown" && event.key !== "ArrowUp") return;
      var links = Array.prototype.slice.call(results.querySelectorAll("a"));
      var at = links.indexOf(document.activeElement);
      if (at < 0) return;
      event.preventDefault();
      if (event.key === "ArrowDown" && at + 1 < links.length) links[at + 1].focus();
      else if (event.key === "ArrowUp") (at > 0 ? links[at - 1] : input).focus();
    });

    var initial = new URLSearchParams(window.location.search).get("q") || "";
    input.value = initial;
    render(initial);
    if (!initial) input.focus();
  });
})();
