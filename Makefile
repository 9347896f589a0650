# The quick start: `make book` builds the HTML book, `make test` runs every test.
# Each creates (or reuses) the virtual environment .venv from requirements.txt.
SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

WIDGET_JS := web/dist/_widgets/embed-amd.js

.PHONY: book test bench time-notebooks clean assignments grade

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

# Benchmarks (benchmarks/README.md). PyTorch, the reference, lives in its own venv so
# that .venv, the book and the tests never see it (torch also needs a newer setuptools
# than requirements.txt pins); numpy and tqdm take their pins from requirements.txt.
BENCH_VENV := benchmarks/.venv
BENCH_STAMP := $(BENCH_VENV)/.installed

$(BENCH_STAMP): requirements.txt benchmarks/requirements-bench.txt pyproject.toml
	test -x $(BENCH_VENV)/bin/python || $(PYTHON) -m venv $(BENCH_VENV)
	$(BENCH_VENV)/bin/python -m pip install --quiet pip==26.3
	$(BENCH_VENV)/bin/python -m pip install --quiet -r benchmarks/requirements-bench.txt \
		$$(grep -iE '^(numpy|tqdm)==' requirements.txt)
	$(BENCH_VENV)/bin/python -m pip install --quiet --no-deps --no-build-isolation -e .
	touch $@

bench: $(BENCH_STAMP)
	mkdir -p benchmarks/results
	$(BENCH_VENV)/bin/python benchmarks/bench_hidden_rnn.py --json benchmarks/results/bench_hidden_rnn.json

time-notebooks: $(STAMP)
	$(BIN)/python benchmarks/time_notebooks.py

# Homework (book/instructors.md): `make assignments` builds every student notebook and
# autograder zip into assignments/dist/; `make grade SUBMISSIONS=folder` grades a folder
# of submitted notebooks offline (otter run, no Docker) into GRADES, a CSV.
SUBMISSIONS ?=
GRADES ?= assignments/dist/grades.csv
ASSIGNMENT_SOURCES := $(wildcard assignments/source/*) assignments/build.py

assignments: $(STAMP)
	$(BIN)/python assignments/build.py

assignments/dist/manifest.json: $(ASSIGNMENT_SOURCES) | $(STAMP)
	$(BIN)/python assignments/build.py

grade: assignments/dist/manifest.json | $(STAMP)
	@test -n "$(SUBMISSIONS)" || { echo "usage: make grade SUBMISSIONS=path/to/folder [GRADES=out.csv]" >&2; exit 2; }
	$(BIN)/python assignments/grade.py "$(SUBMISSIONS)" --csv "$(GRADES)"

clean:
	rm -rf _build web/dist
