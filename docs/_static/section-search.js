/* The search page's glue: reads the box, asks the engine (section-search-engine.js), shows results.
 * The index and the semantic table are written at build time by docs/_ext/section_search.py and
 * docs/_ext/search_semantic.py. Nothing a patient types leaves the browser. */
(() => {
  "use strict";

  const DEBOUNCE_MS = 20;
  const escapeHtml = window.SectionSearchEngine && window.SectionSearchEngine.escapeHtml;

  function ready(fn) {
    if (document.readyState !== "loading") fn();
    else document.addEventListener("DOMContentLoaded", fn);
  }

  function quoted(words) {
    return words.map(w => `\u201c${escapeHtml(w)}\u201d`).join(", ");
  }

  ready(() => {
    const form = document.getElementById("section-search-form");
    const input = document.getElementById("section-search-q");
    const results = document.getElementById("search-results");
    const status = document.getElementById("section-search-status");
    const correction = document.getElementById("section-search-correction");
    const empty = document.getElementById("section-search-empty");
    if (!form || !window.SECTION_SEARCH_INDEX || !window.SectionSearchEngine) {
      if (status) status.textContent = "Search could not load. Please reload the page.";
      return;
    }
    const engine = new window.SectionSearchEngine.Engine(window.SECTION_SEARCH_INDEX, null);
    window.sectionSearch = engine; // for the benchmark and for debugging in the console
    let timer = null;
    let lastQuery = null;
    let latest = 0;  // the number of the newest search: an older one still loading stops
    // Each kind of part: its folder (a data- attribute), the global its scripts fill, how the engine
    // adds it, and what a part that fails to load counts as (nothing: the search goes on without it).
    const kinds = {
      terms: { folder: "data-terms", global: "SECTION_SEARCH_TERMS", add: (k, d) => engine.addTerms(k, d),
               empty: { words: "", postings: [] } },
      semantic: { folder: "data-semantic", global: "SECTION_SEARCH_SEMANTIC", add: (k, d) => engine.addSemantic(k, d),
                  empty: { words: "", sites: "", links: [], real: "" } },
      texts: { folder: "data-texts", global: "SECTION_SEARCH_TEXT", add: (k, d) => engine.addTexts(k, d), empty: [] },
    };
    const loads = new Map();  // "kind/key" -> the promise of its loading: each part loads once

    function load(kind, key) {
      const id = `${kind}/${key}`;
      if (!loads.has(id)) {
        const { folder, global, add, empty } = kinds[kind];
        loads.set(id, new Promise((resolve) => {
          const script = document.createElement("script");
          script.src = `${results.getAttribute(folder)}${key}.js`;
          const done = () => {
            add(key, (window[global] || {})[key] || empty);
            resolve();
          };
          script.addEventListener("load", done);
          script.addEventListener("error", done);
          document.head.appendChild(script);
        }));
      }
      return loads.get(id);
    }

    /* Load the parts of the index and of the semantic table the query needs (the engine says which,
       in rounds: the words typed, then what they may become), then the texts of its results, then
       show them. */
    async function show(query) {
      const ticket = ++latest;
      query = query.trim();
      for (let missing = engine.missing(query); missing.terms.length || missing.semantic.length;
        missing = engine.missing(query)) {
        results.setAttribute("data-search-state", "loading");
        await Promise.all([...missing.terms.map((k) => load("terms", k)),
          ...missing.semantic.map((k) => load("semantic", k))]);
        if (ticket !== latest) return;
      }
      const started = performance.now();
      const found = search(query);
      const texts = engine.missingTexts(found.results);
      if (texts.length) {
        results.setAttribute("data-search-state", "loading");
        await Promise.all(texts.map((k) => load("texts", k)));
        if (ticket !== latest) return;
      }
      render(query, found, started);
    }

    function search(query) {
      return query ? engine.search(query) : { plan: null, results: [] };
    }

    function render(query, found = search(query), started = performance.now()) {
      lastQuery = query;
      const html = found.results.map(entry => {
        const section = engine.sections[entry.best.id];
        const page = engine.pages[entry.page];
        const heading = section[1] && section[2] !== page[1]
          ? '<span class="search-result-sep" aria-hidden="true"> › </span>' +
            `<span class="search-result-section">${escapeHtml(section[2])}</span>`
          : "";
        return `<li class="search-result"><a class="search-result-link" href="${escapeHtml(engine.href(entry))}">` +
          `<span class="search-result-page">${escapeHtml(page[1])}</span>${heading}</a>` +
          `<p class="search-result-excerpt">${engine.excerpt(entry.best.id, entry.best.terms)}</p></li>`;
      }).join("");
      results.innerHTML = html ? `<ol class="search-result-list">${html}</ol>` : "";
      const plan = found.plan;
      const n = found.results.length;
      // Say which words the site does not use, rather than guessing another word for them.
      const notes = [];
      if (plan && plan.corrected) notes.push(`Showing results for <strong>${escapeHtml(plan.corrected)}</strong>.`);
      if (plan && plan.unknown.length && n) {
        notes.push(`No page of this site uses ${quoted(plan.unknown)}: these results match your other words.`);
      }
      correction.innerHTML = notes.join(" ");
      correction.hidden = !notes.length;
      status.textContent = !query ? "" : n === 0 ? `No results for \u201c${query}\u201d.`
        : `${n + (n === 1 ? " result" : " results")} for \u201c${query}\u201d.`;
      empty.hidden = !query || (n > 0 && !(plan && plan.unknown.length));
      results.setAttribute("data-search-state", "done");
      results.setAttribute("data-query", query);
      const detail = { query, count: n, ms: performance.now() - started };
      results.dispatchEvent(new CustomEvent("section-search:done", { detail }));
    }

    function remember(query) {
      const url = new URL(window.location.href);
      if (query) url.searchParams.set("q", query); else url.searchParams.delete("q");
      window.history.replaceState(null, "", url);
    }

    input.addEventListener("input", () => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        show(input.value);
        remember(input.value.trim());
      }, DEBOUNCE_MS);
    });
    form.addEventListener("submit", event => {
      event.preventDefault();
      clearTimeout(timer);
      if (input.value.trim() !== lastQuery) show(input.value);
      remember(input.value.trim());
    });
    // Down arrow from the box moves to the first result; Escape clears the box.
    input.addEventListener("keydown", event => {
      if (event.key === "ArrowDown") {
        const first = results.querySelector("a");
        if (first) { event.preventDefault(); first.focus(); }
      } else if (event.key === "Escape") {
        input.value = "";
        show("");
        remember("");
      }
    });
    results.addEventListener("keydown", event => {
      if (event.key !== "ArrowDown" && event.key !== "ArrowUp") return;
      const links = Array.prototype.slice.call(results.querySelectorAll("a"));
      const at = links.indexOf(document.activeElement);
      if (at < 0) return;
      event.preventDefault();
      if (event.key === "ArrowDown" && at + 1 < links.length) links[at + 1].focus();
      else if (event.key === "ArrowUp") (at > 0 ? links[at - 1] : input).focus();
    });

    const initial = new URLSearchParams(window.location.search).get("q") || "";
    input.value = initial;
    show(initial);
    if (!initial) input.focus();
  });
})();
