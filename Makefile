# The quick start: `make book` builds the HTML book, `make test` runs every test.
# Each creates (or reuses) the virtual environment .venv from requirements.txt.
SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

WIDGET_JS := web/dist/_widgets/embed-amd.js

.PHONY: book test bench clean

$(STAMP): requirements.txt pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet pip==26.3
	$(BIN)/python -m pip install --quiet -r requirements.txt
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .
	touch $@

# The widget JavaScript the book serves itself (offline widgets), from the npm registry.
$(WIDGET_JS): web/package.json web/package-lock.json web/widgets_setup.js web/collect_assets.py | $(STAMP)
	@command -v npm >/dev/null || { echo "make book needs npm (Node.js) to fetch web/package.json's packages" >&2; exit 1; }
	cd web && npm ci --no-audit --no-fund --ignore-scripts --loglevel=error
	$(BIN)/python web/collect_assets.py

book: $(STAMP) $(WIDGET_JS)
	$(BIN)/jupyter-book build . -W -n --keep-going

# The whole suite: package tests, every notebook under nbval, the assignments' round
# trip, and the browser test of the book built just before.
test: book
	$(BIN)/python -m pytest

clean:
	rm -rf _build web/dist
