/* The search page's glue: reads the box, asks the engine (section-search-engine.js), shows results.
 * The index and the semantic table are written at build time by docs/_ext/section_search.py and
 * docs/_ext/search_semantic.py. Nothing a patient types leaves the browser. */
(function () {
  "use strict";

  var DEBOUNCE_MS = 20;
  var escapeHtml = window.SectionSearchEngine && window.SectionSearchEngine.escapeHtml;

  function ready(fn) {
    if (document.readyState !== "loading") fn();
    else document.addEventListener("DOMContentLoaded", fn);
  }

  function quoted(words) {
    return words.map(function (w) { return "\u201c" + escapeHtml(w) + "\u201d"; }).join(", ");
  }

  ready(function () {
    var form = document.getElementById("section-search-form");
    var input = document.getElementById("section-search-q");
    var results = document.getElementById("search-results");
    var status = document.getElementById("section-search-status");
    var correction = document.getElementById("section-search-correction");
    var empty = document.getElementById("section-search-empty");
    if (!form || !window.SECTION_SEARCH_INDEX || !window.SectionSearchEngine) {
      if (status) status.textContent = "Search could not load. Please reload the page.";
      return;
    }
    var engine = new window.SectionSearchEngine.Engine(window.SECTION_SEARCH_INDEX, null);
    window.sectionSearch = engine; // for the benchmark and for debugging in the console
    var timer = null;
    var lastQuery = null;
    var semanticFolder = results.getAttribute("data-semantic");
    var loading = new Map(); // part of the semantic table -> its script element, while it loads

    /* Load the parts of the semantic table the query needs (one file per first letter), then show
       its results; parts load once, and a part that fails to load is searched without. */
    function show(query) {
      var keys = engine.semanticKeys(query);
      var pending = keys.length;
      if (!pending) return render(query);
      results.setAttribute("data-search-state", "loading");
      keys.forEach(function (key) {
        var script = loading.get(key);
        if (!script) {
          script = document.createElement("script");
          script.src = semanticFolder + key + ".js";
          loading.set(key, script);
          script.addEventListener("load", function () {
            var parts = window.SECTION_SEARCH_SEMANTIC || {};
            engine.addSemantic(key, parts[key] || { words: "", sites: "", links: [], real: "" });
          });
          document.head.appendChild(script);
        }
        var done = function () {
          pending--;
          if (!pending && input.value.trim() === query.trim()) render(query);
        };
        script.addEventListener("load", done);
        script.addEventListener("error", function () { engine.semanticParts.add(key); done(); });
      });
    }

    function render(query) {
      var started = performance.now();
      query = query.trim();
      lastQuery = query;
      var found = query ? engine.search(query) : { plan: null, results: [] };
      var html = found.results.map(function (entry) {
        var section = engine.sections[entry.best.id];
        var page = engine.pages[entry.page];
        var heading = section[1] && section[2] !== page[1]
          ? '<span class="search-result-sep" aria-hidden="true"> › </span><span class="search-result-section">' +
            escapeHtml(section[2]) + "</span>"
          : "";
        return '<li class="search-result"><a class="search-result-link" href="' + escapeHtml(engine.href(entry)) +
          '"><span class="search-result-page">' + escapeHtml(page[1]) + "</span>" + heading + "</a>" +
          '<p class="search-result-excerpt">' + engine.excerpt(entry.best.id, entry.best.terms) + "</p></li>";
      }).join("");
      results.innerHTML = html ? '<ol class="search-result-list">' + html + "</ol>" : "";
      var plan = found.plan;
      var n = found.results.length;
      // Say which words the site does not use, rather than guessing another word for them.
      var notes = [];
      if (plan && plan.corrected) notes.push("Showing results for <strong>" + escapeHtml(plan.corrected) + "</strong>.");
      if (plan && plan.unknown.length && n) {
        notes.push("No page of this site uses " + quoted(plan.unknown) + ": these results match your other words.");
      }
      correction.innerHTML = notes.join(" ");
      correction.hidden = !notes.length;
      status.textContent = !query ? "" : n === 0 ? "No results for \u201c" + query + "\u201d."
        : n + (n === 1 ? " result" : " results") + " for \u201c" + query + "\u201d.";
      empty.hidden = !query || (n > 0 && !(plan && plan.unknown.length));
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
        show(input.value);
        remember(input.value.trim());
      }, DEBOUNCE_MS);
    });
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      clearTimeout(timer);
      if (input.value.trim() !== lastQuery) show(input.value);
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
    show(initial);
    if (!initial) input.focus();
  });
})();
