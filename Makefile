# labor-analysis: `make` does the main job, `make test` runs every test. `make help` lists the targets.
.DEFAULT_GOAL := all
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
JOBS ?=
# Everything the main job, the tests and `make lint` need; the library alone is `pip install .`.
EXTRAS := notebooks,lab,test,dev

.PHONY: all help install validate summary charts rerun test test-fast lint bench national clean

all: validate rerun charts ## Main job: install, validate the data, rerun the notebooks, export the charts
	@$(BIN)/python -c "from labor_analysis import paths; \
	print(); print('Notebook reports (HTML):', paths.notebooks_out_dir() / 'index.html'); \
	print('Chart gallery:          ', paths.charts_dir() / 'index.html')"

help: ## List the targets with what they do
	@grep -E '^[a-zA-Z_-]+:.*?## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*?## "}; {printf "  make %-10s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[$(EXTRAS)]'
	@touch $(STAMP)

install: $(STAMP) ## Create .venv if missing; install the package with its notebooks, lab, test and dev extras

validate: $(STAMP) ## Check every file in data/ against the data contract
	$(BIN)/labor-analysis validate

summary: $(STAMP) ## Print one row per election: shares, turnout, margin, outcome
	$(BIN)/labor-analysis summary

charts: $(STAMP) ## Export every chart (PNG, SVG, PDF) with data, alt text and gallery to build/charts/
	$(BIN)/labor-analysis charts

rerun: $(STAMP) ## Execute the notebooks into build/notebooks/ (skips unchanged ones)
	$(BIN)/labor-analysis rerun $(if $(JOBS),--jobs $(JOBS),)

test: lint ## Lint and type-check, then run the whole test suite, slow end-to-end tests included (derandomized)
	HYPOTHESIS_PROFILE=ci $(BIN)/python -m pytest -n auto

test-fast: $(STAMP) ## Run the tests except the slow end-to-end ones
	$(BIN)/python -m pytest -n auto -m "not slow"

lint: $(STAMP) ## Lint and format-check the code (ruff), type-check the package (mypy)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

bench: $(STAMP) ## Run the benchmarks under benchmarks/ and print their ratios
	$(BIN)/python benchmarks/bench_summary.py
	$(BIN)/python benchmarks/bench_rerun.py
	$(BIN)/python benchmarks/bench_import.py
	$(BIN)/python benchmarks/bench_scenario.py
	$(BIN)/python benchmarks/bench_explore.py
	$(BIN)/python benchmarks/bench_charts.py

national: $(STAMP) ## Regenerate data/national/ (the national record) from ../shared/nlrb/ and data/derived/ (its tables)
	$(BIN)/python -m labor_analysis.nlrb.national

clean: ## Remove build outputs (not .venv)
	rm -rf build dist .pytest_cache .hypothesis .mypy_cache .ruff_cache
