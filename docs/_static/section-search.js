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
    const semanticFolder = results.getAttribute("data-semantic");
    const loading = new Map(); // part of the semantic table -> its script element, while it loads

    /* Load the parts of the semantic table the query needs (one file per first letter), then show
       its results; parts load once, and a part that fails to load is searched without. */
    function show(query) {
      const keys = engine.semanticKeys(query);
      let pending = keys.length;
      if (!pending) return render(query);
      results.setAttribute("data-search-state", "loading");
      keys.forEach(key => {
        let script = loading.get(key);
        if (!script) {
          script = document.createElement("script");
          script.src = `${semanticFolder + key}.js`;
          loading.set(key, script);
          script.addEventListener("load", () => {
            const parts = window.SECTION_SEARCH_SEMANTIC || {};
            engine.addSemantic(key, parts[key] || { words: "", sites: "", links: [], real: "" });
          });
          document.head.appendChild(script);
        }
        const done = () => {
          pending--;
          if (!pending && input.value.trim() === query.trim()) render(query);
        };
        script.addEventListener("load", done);
        script.addEventListener("error", () => { engine.semanticParts.add(key); done(); });
      });
    }

    function render(query) {
      const started = performance.now();
      query = query.trim();
      lastQuery = query;
      const found = query ? engine.search(query) : { plan: null, results: [] };
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
        render("");
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
