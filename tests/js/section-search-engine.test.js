/* Unit tests of the search engine (docs/_static/section-search-engine.js) on a tiny made-up index:
 * no site build, no browser. Run with `node --test tests/js/` (tests/test_search_engine.py does). */
"use strict";

const test = require("node:test");
const assert = require("node:assert/strict");
const fs = require("node:fs");
const path = require("node:path");

const ROOT = path.join(__dirname, "..", "..");
const { Engine, stem, tokenize, normalise, editDistance, decode } =
  require(path.join(ROOT, "docs", "_static", "section-search-engine.js"));

/* The real ranking configuration, as the indexer writes it into the index. */
function rankingConfig() {
  const out = require("node:child_process").execFileSync(
    process.env.PYTHON || "python3",
    ["-c", "import json, sys, tomllib; print(json.dumps(tomllib.load(open(sys.argv[1], 'rb'))))",
     path.join(ROOT, "docs", "_ext", "search-ranking.toml")], { encoding: "utf8" });
  return JSON.parse(out);
}
const CONFIG = rankingConfig();

/* The indexer's own split (docs/_ext/section_search.py): the core, the word parts and the texts. Each
   distinct index is split once (a Python process each); every caller gets its own parsed copy. */
const splits = new Map();
function split(index) {
  const input = JSON.stringify(index);
  if (!splits.has(input)) {
    splits.set(input, require("node:child_process").execFileSync(
      process.env.PYTHON || "python3",
      ["-c", "import json, sys; from tools.shared import use_local_extensions; use_local_extensions(); "
        + "from section_search import split_index; print(json.dumps(split_index(json.load(sys.stdin))))"],
      { encoding: "utf8", input }));
  }
  return JSON.parse(splits.get(input));
}

/* An engine on made-up sections ([page, anchor, heading, text, detail, [groups], shared?]), with
   every part of its index loaded unless `options.parts` is false (then the page's loading is tested). */
function engine(sections, options = {}) {
  const pages = options.pages || [["a.html", "Page A", 1, ""], ["b.html", "Page B", 1, ""], ["c.html", "Landing", 1, "landing"]];
  const synonyms = options.synonyms || [["Anticoagulant", "Blood thinners", "Warfarin"]];
  const [core, terms, texts] = split({ config: options.config || CONFIG, pages, synonyms, sections });
  const e = new Engine(core, options.semantic || null);
  e.parts = { terms, texts };
  if (options.parts !== false) {
    Object.entries(terms).forEach(([key, part]) => e.addTerms(key, part));
    texts.forEach((part, key) => e.addTexts(key, part));
  }
  return e;
}

const SECTIONS = [
  // page, anchor, heading, text, detail, synonym groups
  [0, "", "Page A", "Dry needling uses thin needles in the muscle.", "", []],
  [0, "a-hurt", "Does dry needling hurt?", "You may feel a quick sting. Dry needling can ache.", "", []],
  [0, "a-often", "How many sessions will I need, and how often?", "Most people have a few sessions.", "", []],
  [1, "", "Page B", "Is dry needling safe? Dry needling is safe for most people, during and after.", "", []],
  [1, "b-pregnancy", "Can I have dry needling if I am pregnant?", "Tell us about a pregnancy.", "", []],
  [1, "b-blood", "Blood thinners", "If you take an anticoagulant, tell us.", "", [0]],
  [2, "", "Landing", "Dry needling dry needling dry needling needles.", "", []],
];

test("normalise and tokenize: lower case, no accents or apostrophes, contractions kept as 'not'", () => {
  assert.equal(normalise("Café  Déjà-vu!"), "cafe deja vu");
  const e = engine(SECTIONS);
  assert.deepEqual(e.tokenize("Shouldn't I?"), ["should", "not", "i"], "contractions: [query] of the configuration");
  assert.deepEqual(e.tokenize("It's sore"), ["its", "sore"]);
  assert.deepEqual(tokenize("Shouldn't"), ["shouldnt"], "without the configuration's contractions");
});

test("stem joins a word's forms and leaves short words alone", () => {
  for (const [a, b] of [["needle", "needles"], ["needle", "needling"], ["bruise", "bruising"], ["cries", "cry"]]) {
    assert.equal(stem(a), stem(b), `${a} / ${b}`);
  }
  assert.equal(stem("ims"), "ims");
  assert.notEqual(stem("painful"), stem("pain"), "'painful' is not 'pain' by stemming: the semantic table joins them");
});

test("stem joins tired/tiredness and difference/different", () => {
  assert.equal(stem("tiredness"), stem("tired"));
  assert.equal(stem("difference"), stem("different"));
});

test("stem keeps apart words that differ by a final e, and joins each one's forms", () => {
  for (const [a, b] of [["care", "car"], ["note", "not"], ["site", "sit"], ["tube", "tub"], ["scared", "scar"]]) {
    assert.notEqual(stem(a), stem(b), `${a} / ${b}`);
  }
  for (const [a, b] of [["care", "caring"], ["note", "noted"], ["sit", "sitting"], ["use", "used"], ["use", "using"],
    ["need", "needed"], ["bleed", "bleeds"]]) {
    assert.equal(stem(a), stem(b), `${a} / ${b}`);
  }
  assert.equal(stem("bleed"), "bleed", "not 'ble': -eed words keep their ending");
});

test("edit distance counts an adjacent swap once and stops past its limit", () => {
  assert.equal(editDistance("pian", "pain", 2), 1);
  assert.equal(editDistance("shoudler", "shoulder", 2), 1);
  assert.equal(editDistance("abcdef", "uvwxyz", 2), 3);
});

test("IDF: a word in every section counts for less than the word that names the topic", () => {
  const e = engine(SECTIONS);
  assert.ok(e.idf.get(stem("pregnant")) > 3 * e.idf.get(stem("needling")));
});

test("the names of the site's subject are one concept: 'IMS' weighs as little as 'dry needling'", () => {
  const sections = [...SECTIONS, [1, "b-ims", "What is IMS?", "IMS is a form of dry needling.", "", []],
    [1, "b-sting", "Is it sore?", "It can be painful for a moment.", "", []]];
  const e = engine(sections);
  assert.ok(CONFIG.query.topic.split(" ").includes("IMS"), "[query] topic names the subject");
  assert.equal(e.idf.get("ims"), e.idf.get(stem("needling")), "as rare as the sections naming any of them");
  assert.equal(e.headingIdf("ims"), e.headingIdf(stem("needling")));
  assert.equal(e.href(e.search("is IMS painful").results[0]), "b.html#b-sting");
  const plain = engine(sections, { config: { ...CONFIG, query: { ...CONFIG.query, topic: "dry needling" } } });
  assert.equal(plain.href(plain.search("is IMS painful").results[0]), "b.html#b-ims",
    "a name left out of the topic is a rare word, which outweighs the one that names the question");
});

test("the rare word decides: the pregnancy section wins over pages full of 'dry needling'", () => {
  const e = engine(SECTIONS);
  const top = e.search("is dry needling safe during pregnancy").results[0];
  assert.equal(e.href(top), "b.html#b-pregnancy");
});

test("a heading that asks the query's question wins, and links to its section", () => {
  const e = engine(SECTIONS);
  const top = e.search("how often should I get dry needling").results[0];
  assert.equal(e.href(top), "a.html#a-often");
});

test("a heading that asks two questions is compared with the query one question at a time", () => {
  const e = engine([...SECTIONS, [1, "b-ims", "What is IMS? Is it different from acupuncture or massage?", "IMS is a kind.", "", []]]);
  const id = e.sections.findIndex((s) => s[1] === "b-ims");
  assert.equal(e.headingQuestions[id].length, 2);
  const plan = e.plan("what is IMS");
  const asked = e.questionWeights(plan);
  assert.ok(e.likeness(e.headingQuestions[id][0], asked) > e.likeness(e.headingStems[id], asked));
  assert.equal(e.href(e.search("what is IMS").results[0]), "b.html#b-ims");
});

test("a query that asks two questions is compared with the headings one question at a time", () => {
  const e = engine([...SECTIONS, [1, "b-work", "Does dry needling work? Does it help?", "It may help some pain.", "", []],
    [0, "a-before", "Have you had a seizure before?", "Tell us about seizures you have had.", "", []]]);
  const plan = e.plan("Have you had seizures? Did it help?");
  const id = e.sections.findIndex((s) => s[1] === "b-work");
  const whole = e.search("Have you had seizures? Did it help?").all.flatMap((r) => [r.best]).find((h) => h.id === id);
  const asked = e.questionWeights(plan);
  assert.ok(whole.likeness > Math.max(...e.headingQuestions[id].map((stems) => e.likeness(stems, asked))),
    "the second question alone is more like the heading's than the whole query is");
});

test("two words the site writes as one find that word ('after care': aftercare), side by side only", () => {
  const e = engine([...SECTIONS, [1, "b-aftercare", "Looking after yourself", "Aftercare: rest and drink water.", "", []]]);
  const after = (query) => e.plan(query).concepts.find((c) => c.word === "after").alts.map((a) => a[0]);
  assert.ok(after("after care").includes(stem("aftercare")));
  assert.ok(!after("after the care").includes(stem("aftercare")), "not across a stop word");
  assert.ok(!e.plan("dry needling").concepts[0].alts.some((a) => a[0] === stem("dryneedling")),
    "the names of the subject are not joined");
});

test("one result per page, best first, and a page's top section links to the page itself", () => {
  const e = engine(SECTIONS);
  const results = e.search("dry needling").results;
  assert.equal(new Set(results.map((r) => r.page)).size, results.length);
  assert.equal(results[results.length - 1].page, 2, "the landing page's weight puts it last");
  assert.equal(e.prior[2], CONFIG.pages.landing, "a role's weight comes from the configuration");
  assert.ok(!e.href(results.find((r) => r.page === 2)).includes("#"));
});

test("glossary synonyms: a term line finds sections that use another line of the same entry", () => {
  const e = engine(SECTIONS);
  const top = e.search("warfarin").results[0];
  assert.equal(e.href(top), "b.html#b-blood");
  assert.deepEqual(e.search("warfarin").plan.synonyms, ["Anticoagulant"]);
});

test("a glossary synonym of several words counts only in a section that has all of them", () => {
  const e = engine([
    [0, "", "Page A", "Dry needling uses thin needles.", "", []],
    [0, "a-test", "Why a blood test?", "A nurse takes a little blood.", "", []],
    [0, "a-paint", "Paint", "Paint thinner is not a drug.", "", []],
    [1, "b-thin", "Do drugs matter?", "Blood thinners make you bleed longer.", "", []],
  ]);
  const { results } = e.search("anticoagulant");
  assert.deepEqual(results.map((r) => e.href(r)), ["b.html#b-thin"], "'blood' or 'thinner' alone is not 'blood thinners'");
});

test("the parts a synonym of several words needs load in one round", () => {
  const e = engine(SECTIONS, { parts: false });
  e.addTerms("a", e.parts.terms.a);
  e.addSemantic("a", { words: "", sites: "", links: [], real: "" });
  assert.deepEqual(e.missing("anticoagulant").terms.sort(), ["b", "t", "w"], "blood, thinners and warfarin at once");
});

test("the semantic table: a lay word the site does not use finds the site's word near in meaning", () => {
  const semantic = { p: { words: "painful", sites: "hurt ache", links: [[0, 71, 1, 60]], real: "" },
                     s: { words: "sore", sites: "ache", links: [[0, 70]], real: "" } };
  const e = engine(SECTIONS, { semantic });
  const found = e.search("is dry needling painful");
  assert.equal(e.href(found.results[0]), "a.html#a-hurt");
  assert.deepEqual(found.plan.unknown, []);
  const weaker = CONFIG.semantic.weight * 0.71;
  assert.ok(found.plan.concepts.find((c) => c.word === "painful").alts.some((a) => a[0] === stem("hurt")
    && Math.abs(a[1] - weaker) < 1e-9), "a lay word counts at the semantic weight times its similarity");
});

test("a word near in meaning never counts for more than the site word typed", () => {
  // "dry" is in most sections; its neighbour "arid" is rare, so uncapped it would outweigh "dry" itself.
  const sections = [...SECTIONS, [1, "b-arid", "Arid", "Arid.", "", []]];
  const semantic = { d: { words: "dry", sites: "arid", links: [[0, 90]], real: "" } };
  const e = engine(sections, { semantic });
  const dry = e.search("dry").plan.concepts[0];
  const arid = dry.alts.find((a) => a[0] === "arid");
  assert.ok(arid[1] * e.idf.get("arid") <= e.idf.get("dry") + 1e-9);
});

test("a passage shared with other pages counts less than a section's own text", () => {
  const e = engine([[0, "own", "Own", "Bruise care.", "", []], [1, "copy", "Copy", "", "", [], "Bruise care."]]);
  const results = e.search("bruise").results;
  assert.deepEqual(results.map((r) => e.href(r)), ["a.html#own", "b.html#copy"]);
  assert.match(e.excerpt(results[1].best.id, results[1].best.terms), /<mark>Bruise<\/mark>/);
});

test("the semantic table loads in parts by first letter, and a part added later is used at once", () => {
  const e = engine(SECTIONS);
  assert.deepEqual(e.missing("is dry needling painful").semantic, ["d", "n", "p"]);
  assert.equal(e.search("painful").results.length, 0);
  e.addSemantic("p", { words: "painful", sites: "hurt", links: [[0, 71]], real: "" });
  assert.deepEqual(e.missing("painful"), { terms: [], semantic: [] });
  assert.equal(e.href(e.search("painful").results[0]), "a.html#a-hurt");
});

test("the index loads in parts as a query needs them, and ranks as with every part loaded", () => {
  const semantic = { p: { words: "painful", sites: "hurt", links: [[0, 71]], real: "" } };
  const all = engine(SECTIONS, { semantic });
  const e = engine(SECTIONS, { semantic, parts: false });
  const query = "is dry needling painful";
  assert.deepEqual(e.missing(query), { terms: ["d", "n", "p"], semantic: ["d", "n"] },
    "first the parts of the words typed (by first letter)");
  ["d", "n", "p"].forEach((key) => e.addTerms(key, e.parts.terms[key]));
  ["d", "n"].forEach((key) => e.addSemantic(key, { words: "", sites: "", links: [], real: "" }));
  assert.deepEqual(e.missing(query).terms, ["h"], "then those of their meanings ('hurt')");
  e.addTerms("h", e.parts.terms.h);
  assert.deepEqual(e.missing(query), { terms: [], semantic: [] });
  const found = e.search(query).results;
  assert.deepEqual(found.map((r) => e.href(r)), all.search(query).results.map((r) => all.href(r)));
  assert.deepEqual(found.map((r) => r.score), all.search(query).results.map((r) => r.score));
  assert.equal(e.excerpt(found[0].best.id, found[0].best.terms), "", "no text before its part loads");
  e.missingTexts(found).forEach((key) => e.addTexts(key, e.parts.texts[key]));
  assert.match(e.excerpt(found[0].best.id, found[0].best.terms), /<mark>/);
});

test("a letter with many words is cut into parts by first two letters", () => {
  const many = Array.from({ length: 3000 }, (_, i) => `s${(i + 10000).toString(36)}`).join(" ");
  const e = engine([[0, "x", "Heading", `${many} sore`, "", []]], { parts: false });
  assert.ok(e.termKeys.has("so") && !e.termKeys.has("s"));
  assert.deepEqual(e.missing("sore").terms, ["so"]);
  e.addTerms("so", e.parts.terms.so);
  assert.equal(e.search("sore").results.length, 1);
});

test("a posting's counts per field survive the index's compact code", () => {
  const e = engine([[0, "x", "Sore sore", "sore ".repeat(12), "", []]]);
  const id = 0;
  assert.equal(e.postings.get(stem("sore")).docs[0], id);
  assert.deepEqual(decode(1), [0, 0, 0, 1, 0, 0]);
  assert.deepEqual(decode(210), [1, 2, 0, 0, 0, 0]);
  assert.deepEqual(decode([0, 2, 0, 12, 0, 0]), [0, 2, 0, 12, 0, 0]);
});

test("a typo is corrected to the closest site word, and says so", () => {
  const e = engine(SECTIONS);
  const found = e.search("pregnnat");
  assert.equal(found.plan.corrected, "pregnant");
  assert.equal(e.href(found.results[0]), "b.html#b-pregnancy");
});

test("a real word the site does not use is never corrected into another word; it is reported unknown", () => {
  // "pregnancies" is close in spelling to "pregnancy"; the table knows "concussion" as a real word.
  const semantic = { c: { words: "", sites: "", links: [], real: "concussion" } };
  const e = engine([...SECTIONS, [1, "b-conclusion", "Conclusion", "Our conclusion.", "", []]], { semantic });
  const found = e.search("concussion during dry needling");
  assert.equal(found.plan.corrected, null);
  assert.deepEqual(found.plan.unknown, ["concussion"]);
  assert.ok(found.results.every((r) => e.sections[r.best.id][1] !== "b-conclusion"));
});

test("no result at all for words the site does not know", () => {
  const e = engine(SECTIONS);
  const found = e.search("qqzxv wwqk");
  assert.equal(found.results.length, 0);
  assert.deepEqual(found.plan.unknown, ["qqzxv", "wwqk"]);
});

test("the last word can be half typed", () => {
  const e = engine(SECTIONS);
  assert.equal(e.href(e.search("pregn").results[0]).split("#")[0], "b.html");
  assert.equal(e.search("pregn ").results.length, 0, "a finished word is not a prefix");
});

test("excerpts mark the matched words and escape HTML", () => {
  const e = engine([[0, "x", "Heading", "Needles <b>are</b> thin & sterile.", "", []]]);
  const hit = e.search("sterile needles").results[0].best;
  const html = e.excerpt(hit.id, hit.terms);
  assert.match(html, /<mark>sterile\.<\/mark>/);
  assert.match(html, /&lt;b&gt;are&lt;\/b&gt;/);
});

test("every weight the engine uses comes from the ranking configuration", () => {
  const source = fs.readFileSync(path.join(ROOT, "docs", "_static", "section-search-engine.js"), "utf8");
  const used = new Set([...source.matchAll(/\b(?:q|sem|this\.config\.(?:bm25|query|semantic))\.([a-z_0-9]+)/g)]
    .map((m) => m[1]));
  const declared = new Set(["k1", ...Object.keys(CONFIG.bm25), ...Object.keys(CONFIG.query), ...Object.keys(CONFIG.semantic)]);
  for (const name of used) assert.ok(declared.has(name), `${name} is used but not in docs/_ext/search-ranking.toml`);
});
