// ESLint for our browser scripts in docs/_static (versions pinned in package.json; `make lint` runs it).
// One style: ES2015+ in strict-mode IIFEs, no globals of our own beyond what a script documents.
import js from "@eslint/js";
import globals from "globals";

export default [
  // Built output and installed packages.
  { ignores: ["_build/**", "build/**", ".venv/**", "node_modules/**"] },
  js.configs.recommended,
  {
    files: ["docs/_static/**/*.js"],
    languageOptions: { ecmaVersion: 2022, sourceType: "script", globals: globals.browser },
    rules: {
      "no-var": "error",
      "prefer-const": "error",
      "prefer-arrow-callback": "error",
      "object-shorthand": "error",
      eqeqeq: "error",
      strict: ["error", "function"],
    },
  },
  {
    // The search engine runs in the browser and, as a CommonJS module, in Node (its unit tests).
    files: ["docs/_static/section-search-engine.js"],
    languageOptions: { globals: { module: "readonly" } },
  },
  {
    // The service worker; docs/_ext/offline.py puts `const OFFLINE = {...}` before it.
    files: ["docs/_ext/offline-worker.js"],
    languageOptions: { ecmaVersion: 2022, sourceType: "script", globals: { ...globals.serviceworker, OFFLINE: "readonly" } },
    rules: { strict: "off" },  // a worker script is its own scope; it opens with "use strict"
  },
  {
    // Node scripts: the engine's unit tests and the benchmark's ranker.
    files: ["tests/js/**/*.js", "tools/**/*.js"],
    languageOptions: { ecmaVersion: 2022, sourceType: "commonjs", globals: globals.node },
  },
];
