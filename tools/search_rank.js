/* Rank queries with the search engine in Node, for tools/search_bench.py (no browser needed).
 * Reads JSON on stdin: {site, queries: [...], configs: [{overrides}, ...], parts: bool}; writes, for
 * each config, each query's result links (best first) as JSON on stdout. An override is
 * {"query.synonym_weight": 0.5}. With `parts`, it also lists, for each query, the files the search
 * page would load for it (as the page does: the parts `missing` asks for, until none is missing).
 * With `explain` ([{query, pages}, ...]), it also says why each such query ranks as it does. */
"use strict";

const fs = require("fs");
const path = require("path");

const ENGINE = path.join(__dirname, "..", "docs", "_static", "section-search-engine.js");
const { Engine } = require(ENGINE);

function readGlobal(file, name) {
  if (!fs.existsSync(file)) return null;
  const text = fs.readFileSync(file, "utf8");
  const start = text.indexOf("=");
  if (!text.startsWith(`window.${name}`) || start < 0) throw new Error(`${file}: not a ${name} file`);
  return JSON.parse(text.slice(start + 1).trim().replace(/;$/, ""));
}

/* Every part in a folder of `(window.NAME = window.NAME || {})[key] = ...;` scripts: key -> part. */
function readParts(folder, name) {
  const window = { [name]: {} };
  if (!fs.existsSync(folder)) return window[name];
  for (const file of fs.readdirSync(folder).filter((n) => n.endsWith(".js"))) {
    new Function("window", fs.readFileSync(path.join(folder, file), "utf8"))(window);
  }
  return window[name];
}

function withOverrides(index, overrides) {
  const config = JSON.parse(JSON.stringify(index.config));
  for (const [key, value] of Object.entries(overrides || {})) {
    const parts = key.split(".");
    let node = config;
    for (const part of parts.slice(0, -1)) node = node[part];
    if (!(parts[parts.length - 1] in node)) throw new Error(`unknown ranking setting ${key}`);
    node[parts[parts.length - 1]] = value;
  }
  return { ...index, config };
}

const request = JSON.parse(fs.readFileSync(0, "utf8"));
const index = readGlobal(path.join(request.site, "section-search-index.js"), "SECTION_SEARCH_INDEX");
const terms = readParts(path.join(request.site, "section-search-terms"), "SECTION_SEARCH_TERMS");
const texts = readParts(path.join(request.site, "section-search-text"), "SECTION_SEARCH_TEXT");
const semantic = request.semantic === false ? {}
  : readParts(path.join(request.site, "section-search-semantic"), "SECTION_SEARCH_SEMANTIC");
const EMPTY_SEMANTIC = { words: "", sites: "", links: [], real: "" };

/* An engine with every part loaded (the ranking is the same as with only the parts a query needs). */
function loaded(config) {
  const engine = new Engine(config, semantic);
  Object.entries(terms).forEach(([key, part]) => engine.addTerms(key, part));
  Object.entries(texts).forEach(([key, part]) => engine.addTexts(key, part));
  return engine;
}

/* The files the page loads for one query, starting from the core alone. */
function partsFor(query) {
  const engine = new Engine(index, null);
  const files = [];
  for (;;) {
    const missing = engine.missing(query);
    if (!missing.terms.length && !missing.semantic.length) break;
    missing.terms.forEach((key) => {
      engine.addTerms(key, terms[key] || { words: "", postings: [] });
      files.push(`section-search-terms/${key}.js`);
    });
    missing.semantic.forEach((key) => {
      engine.addSemantic(key, semantic[key] || EMPTY_SEMANTIC);
      files.push(`section-search-semantic/${key}.js`);
    });
  }
  engine.missingTexts(engine.search(query).results).forEach((key) => files.push(`section-search-text/${key}.js`));
  return files.filter((file) => fs.existsSync(path.join(request.site, file)));
}

/* Why a query ranks as it does (`tools/search_bench.py --explain`): its concepts and, for the first
   result and the best result of each page wanted (site paths), the page's score, its best section's
   score from the words, the heading's likeness, the page's weight and each concept's share. */
function explain(engine, query, wanted) {
  const found = engine.search(query);
  const matches = engine.conceptMatches(found.plan);
  const entry = (result) => {
    const id = result.best.id;
    return { rank: found.all.indexOf(result) + 1, href: engine.href(result), heading: engine.sections[id][2],
             page: result.score, words: result.best.words, likeness: result.best.likeness,
             prior: engine.prior[engine.sections[id][0]],
             concepts: found.plan.concepts.map((c, i) => [c.word, ...(matches[i].get(id) || [0, ""])]) };
  };
  const page = (r) => engine.pages[r.page][0].replace(/\.html$/, "");
  return { concepts: found.plan.concepts.map((c) => [c.word, c.alts.map((a) => [a[0], a[1] * (engine.idf.get(a[0]) || 0)])]),
           results: found.all.filter((r, i) => i === 0 || wanted.includes(page(r))).map(entry) };
}

const out = [];
for (const overrides of request.configs || [{}]) {
  const engine = loaded(withOverrides(index, overrides));
  const started = process.hrtime.bigint();
  const ranked = request.queries.map((q) => engine.search(q).results.map((r) => engine.href(r)));
  const ms = Number(process.hrtime.bigint() - started) / 1e6 / Math.max(1, request.queries.length);
  out.push({ overrides, ranked, ms_per_query: ms });
}
if (request.parts) out[0].parts = request.queries.map(partsFor);
if (request.explain && request.explain.length) {
  const engine = loaded(withOverrides(index, (request.configs || [{}])[0]));
  out[0].explain = request.explain.map((e) => explain(engine, e.query, e.pages));
}
process.stdout.write(JSON.stringify(out));
