# nianbao: `make run` and `make test` set up what they need by themselves.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: help run test fonts check lint typecheck evals evals-smoke bench variants clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/'

$(STAMP): pyproject.toml
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "need $(PYTHON)"; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[dev]'
	touch $(STAMP)

run: $(STAMP) ## set up, then extract the bundled sample reports into out/ and print the summary
	$(BIN)/nianbao extract evals/data/samples --out out

FONT := /usr/share/fonts/truetype/wqy/wqy-zenhei.ttc

fonts: ## the CJK font the eval generator draws PDFs with (Debian fonts-wqy-zenhei)
	@test -f $(FONT) || { apt-get update -qq && apt-get install -y -qq fonts-wqy-zenhei >/dev/null; } || \
		{ echo "install the Debian package fonts-wqy-zenhei (needed by the PDF tests)"; exit 1; }

test: $(STAMP) fonts ## set up, then run the test suite
	$(BIN)/python -m pytest

lint: $(STAMP) ## ruff (lint and format)
	$(BIN)/ruff check service evals tests ui.py
	$(BIN)/ruff format --check service evals/run.py evals/score.py evals/bench.py tests ui.py

typecheck: $(STAMP) ## mypy
	$(BIN)/mypy

check: lint typecheck test ## lint, types and tests

evals: $(STAMP) ## score the extractor against the gold data and the generated variants
	$(BIN)/nianbao evals run

evals-smoke: $(STAMP) ## the fast eval subset (samples only)
	$(BIN)/nianbao evals run --suite samples

bench: $(STAMP) ## speed benchmarks (prints figures)
	$(BIN)/python -m evals.bench

variants: $(STAMP) fonts ## regenerate the eval variants
	$(BIN)/python -m evals.variants

clean: ## remove the venv and outputs
	rm -rf $(VENV) out
