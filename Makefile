# refalgo — two commands on a fresh machine:
#   make docs   set up, build the site strictly, serve it at http://127.0.0.1:8000
#   make test   set up, run everything (unit, property, published numbers, parity,
#               executed docs, strict site build, browser check, type check)
#   make new-chapter AREA=<name>   start a chapter from the template of CONTRIBUTING.md
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# Re-install whenever pyproject.toml changes.
STAMP := $(VENV)/.installed-$(shell md5sum pyproject.toml 2>/dev/null | cut -c1-12)
NODE_STAMP := node_modules/.installed-$(shell cat package.json package-lock.json 2>/dev/null | md5sum | cut -c1-12)
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
PYTEST := HYPOTHESIS_PROFILE=$${HYPOTHESIS_PROFILE:-ci} $(BIN)/pytest
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: setup docs site test test-fast test-thorough test-parity typecheck bench chromium fonts clean new-chapter screenshots

setup: $(STAMP) $(NODE_STAMP)

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[docs,test,parity,fast]'
	@rm -f $(VENV)/.installed-* && touch $@

$(NODE_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@rm -f node_modules/.installed-* && touch $@

chromium:
	@command -v chromium >/dev/null 2>&1 || { $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq --no-install-recommends chromium >/dev/null; }

# A CJK font for the Chinese pages' figures (text drawn as paths) and for the browser check's
# glyphs; the site itself ships no web fonts.
fonts:
	@test -e /usr/share/fonts/truetype/wqy/wqy-microhei.ttc || { $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq --no-install-recommends fonts-wqy-microhei >/dev/null; }

site: setup fonts
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict

docs: site
	@echo "Serving the site at http://$(HOST):$(PORT)/ (Ctrl-C to stop)"
	$(BIN)/python -m http.server $(PORT) --bind $(HOST) --directory site

test: setup chromium fonts
	$(PYTEST) -n 2
	$(BIN)/mypy

test-fast: setup
	$(PYTEST) -n 2 -m "not docs"

test-thorough: setup chromium fonts
	HYPOTHESIS_PROFILE=thorough $(BIN)/pytest -n 2

# Also installs the heavy reference libraries (TRL, optax), which make test skips when absent.
test-parity: setup
	$(BIN)/python -m pip install --quiet -e '.[parity-heavy]'
	$(PYTEST) -m parity

typecheck: setup
	$(BIN)/mypy

bench: setup
	$(BIN)/python -m benchmarks

# Full-page PNGs of every page at 1280 px in $SCREENSHOTS (default /tmp/refalgo-screenshots),
# and a table of page heights.
screenshots: setup chromium fonts
	$(BIN)/python -m tests.docs.screenshots

# Start a chapter: the area's package, engine, tests and docs folders, then the chapter
# shape test, whose failures list what the new area still lacks (see CONTRIBUTING.md).
new-chapter: setup
	@test -n "$(AREA)" || { echo "usage: make new-chapter AREA=<name>"; exit 2; }
	@echo "$(AREA)" | grep -Eq '^[a-z][a-z0-9_]*$$' || { echo "AREA must be a lowercase Python name; got '$(AREA)'"; exit 2; }
	@test ! -e refalgo/$(AREA) || { echo "refalgo/$(AREA) already exists"; exit 2; }
	mkdir -p refalgo/$(AREA)/_engine tests/$(AREA) docs/$(AREA)
	printf '"""The $(AREA) chapter: one module per concept (see CONTRIBUTING.md)."""\n' > refalgo/$(AREA)/__init__.py
	printf '"""The $(AREA) chapter\x27s machinery, imported only by its concept modules."""\n' > refalgo/$(AREA)/_engine/__init__.py
	-$(PYTEST) -n 0 -q -p no:cacheprovider tests/test_chapter_shape.py

clean:
	rm -rf site .pytest_cache .mypy_cache .hypothesis
