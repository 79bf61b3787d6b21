/* Rank queries with the search engine in Node, for tools/search_bench.py (no browser needed).
 * Reads JSON on stdin: {site, queries: [...], configs: [{overrides}, ...]}; writes, for each config,
 * each query's result links (best first) as JSON on stdout. An override is {"query.synonym_weight": 0.5}. */
"use strict";

const fs = require("fs");
const path = require("path");

const ENGINE = path.join(__dirname, "..", "docs", "_static", "section-search-engine.js");
const { Engine } = require(ENGINE);

function readGlobal(file, name) {
  if (!fs.existsSync(file)) return null;
  const text = fs.readFileSync(file, "utf8");
  const start = text.indexOf("=");
  if (!text.startsWith("window." + name) || start < 0) throw new Error(`${file}: not a ${name} file`);
  return JSON.parse(text.slice(start + 1).trim().replace(/;$/, ""));
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
  return Object.assign({}, index, { config });
}

const request = JSON.parse(fs.readFileSync(0, "utf8"));
const index = readGlobal(path.join(request.site, "section-search-index.js"), "SECTION_SEARCH_INDEX");
// Every part of the semantic table (the page loads only those a query needs: the ranking is the same).
function readSemantic(folder) {
  const parts = {};
  if (!fs.existsSync(folder)) return parts;
  const window = { SECTION_SEARCH_SEMANTIC: parts };
  for (const name of fs.readdirSync(folder).filter((n) => n.endsWith(".js"))) {
    new Function("window", fs.readFileSync(path.join(folder, name), "utf8"))(window);
  }
  return parts;
}
const semantic = request.semantic === false ? null : readSemantic(path.join(request.site, "section-search-semantic"));
const out = [];
for (const overrides of request.configs || [{}]) {
  const engine = new Engine(withOverrides(index, overrides), semantic);
  const started = process.hrtime.bigint();
  const ranked = request.queries.map((q) => engine.search(q).results.map((r) => engine.href(r)));
  const ms = Number(process.hrtime.bigint() - started) / 1e6 / Math.max(1, request.queries.length);
  out.push({ overrides, ranked, ms_per_query: ms });
}
process.stdout.write(JSON.stringify(out));
