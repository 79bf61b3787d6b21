# Build, test and publish the dry needling (IMS) patient knowledge base.
# Every target sets up what it needs: a fresh clone needs only python3 and make.

PYTHON      ?= python3
VENV        := .venv
BIN         := $(VENV)/bin
SPHINXOPTS  ?=# more sphinx-build options (e.g. -j auto); the strict flags are in tools/shared.py
BUILD_SITE  := $(BIN)/python -m tools.shared build  # the one strict build: BUILD_SITE <builder> <outdir>
SOURCEDIR   := docs
BUILDDIR    := _build
CHROMIUM    := /usr/bin/chromium
NGINX       := /usr/sbin/nginx
JAVA        := /usr/bin/java
NPM         := /usr/bin/npm
NODE        := /usr/bin/node

.DEFAULT_GOAL := help
.PHONY: help html serve lint test test-fast linkcheck clean handouts booklet

help: ## List the targets
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-12s %s\n", $$1, $$2}'

$(VENV)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'  # editable: tools/ is imported from this tree
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed
	$(BIN)/python -m pip install --quiet -e '.[dev,test]'
	touch $@

# Debian packages the browser, header and HTML tests use (root installs them on first use).
$(CHROMIUM) $(NGINX) $(JAVA):
	apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium nginx default-jre-headless

$(NPM):  # ESLint (make lint), esbuild (the build minifies scripts with it) and Lighthouse (make bench) come from npm
	apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm

$(NODE):  # the search engine's unit tests and make search-bench run in Node
	apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs

# ESLint and its configuration packages, and esbuild, exactly as package-lock.json pins them.
node_modules/.installed: package.json package-lock.json | $(NPM)
	$(NPM) ci --no-audit --no-fund --silent
	touch $@

html: $(VENV)/.installed node_modules/.installed ## Build the site strictly into _build/html (incremental)
	$(BUILD_SITE) html $(BUILDDIR)/html $(SPHINXOPTS)

serve: $(VENV)/.installed node_modules/.installed ## Serve the site on http://127.0.0.1:8000 with live reload
	$(BIN)/sphinx-autobuild --host 127.0.0.1 --port 8000 $$($(BIN)/python -m tools.shared flags) $(SPHINXOPTS) \
		-c . --watch conf.py --watch tools $(SOURCEDIR) $(BUILDDIR)/html

lint: $(VENV)/.installed node_modules/.installed ## Lint Python (ruff, pyproject.toml) and JavaScript (ESLint, eslint.config.mjs)
	$(BIN)/ruff check .
	node_modules/.bin/eslint .

# pytest-xdist: one worker per core, each sent the next test as it finishes one; the site, make versions
# and each page visit are still made once (`once` in tests/conftest.py). TESTOPTS=-n0 runs in one process.
TESTOPTS    ?= -n auto

test: lint $(VENV)/.installed-test $(CHROMIUM) $(NGINX) $(JAVA) $(NODE) ## Lint, then run the whole test suite (builds the site once)
	$(BIN)/python -m pytest $(TESTOPTS)

test-fast: $(VENV)/.installed-test node_modules/.installed $(JAVA) $(NODE) ## Every test that does not launch Chromium
	$(BIN)/python -m pytest $(TESTOPTS) -m "not browser"

handouts: $(VENV)/.installed-test $(CHROMIUM) html ## Print the handout pages to PDF in _build/handouts, then list them in the site
	$(BIN)/python -m tools.make_handouts $(BUILDDIR)/html $(BUILDDIR)/handouts
	$(BUILD_SITE) html $(BUILDDIR)/html $(SPHINXOPTS)

booklet: $(VENV)/.installed-test $(CHROMIUM) html ## Print every patient page into one PDF booklet in _build/handouts, then link it
	$(BIN)/python -m tools.make_booklet $(BUILDDIR)/html $(BUILDDIR)/handouts
	$(BUILD_SITE) html $(BUILDDIR)/html $(SPHINXOPTS)

.PHONY: anchors-lock site-image
anchors-lock: html ## Add the site's new pages and section ids to docs/anchors.lock (never removes any)
	$(BIN)/python -m tools.anchors_lock update $(BUILDDIR)/html

site-image: $(VENV)/.installed ## Redraw docs/_static/site-preview.png, the link-preview image
	$(BIN)/python -m tools.make_site_image

.PHONY: versions versions-bench
versions: $(VENV)/.installed node_modules/.installed ## Build every release in docs/versions.toml plus dev into _build/site (cached)
	$(BIN)/python -m tools.build_versions --out $(BUILDDIR)/site --cache $(BUILDDIR)/cache

versions-bench: $(VENV)/.installed node_modules/.installed ## Time make versions from a fresh clone, cold and cached (median of 3)
	$(BIN)/python -m tools.bench_versions

.PHONY: bench
bench: $(VENV)/.installed-test node_modules/.installed $(CHROMIUM) $(NGINX) $(NPM) ## Time builds and tests, weigh pages, run Lighthouse (BENCHOPTS=--skip-tests)
	$(BIN)/python -m tools.bench $(BENCHOPTS)

.PHONY: search-bench
search-bench: $(VENV)/.installed-test node_modules/.installed $(CHROMIUM) $(NODE) ## Rank, cross-validate, time and weigh the search, and a 10x site (SEARCHOPTS="--queries FILE")
	$(BIN)/python -m tools.search_bench $(SEARCHOPTS)

linkcheck: $(VENV)/.installed ## Check every external link
	$(BUILD_SITE) linkcheck $(BUILDDIR)/linkcheck $(SPHINXOPTS)

clean: ## Remove build output (keeps .venv)
	rm -rf $(BUILDDIR)
