# nianbao: `make run` and `make test` set up what they need by themselves.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
SCALE := $(VENV)/.installed-scale

.PHONY: help run test fonts browser postgres check lint typecheck evals evals-smoke bench soak variants clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/'

$(STAMP): pyproject.toml
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "need $(PYTHON)"; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[dev]'
	touch $(STAMP)

# the optional extra `scale` (PostgreSQL and Ray clients): the tests, the type check and the bench need it
$(SCALE): $(STAMP)
	$(BIN)/python -m pip install -q -e '.[dev,scale]'
	touch $(SCALE)

run: $(STAMP) ## set up, add the bundled sample reports to the store (data/), serve the app on 127.0.0.1:7860
	$(BIN)/nianbao ingest evals/data/samples
	$(BIN)/nianbao ui

FONT := /usr/share/fonts/truetype/wqy/wqy-zenhei.ttc

fonts: ## the CJK font the eval generator draws PDFs with (Debian fonts-wqy-zenhei)
	@test -f $(FONT) || { apt-get update -qq && apt-get install -y -qq fonts-wqy-zenhei >/dev/null; } || \
		{ echo "install the Debian package fonts-wqy-zenhei (needed by the PDF tests)"; exit 1; }

browser: ## headless Chromium and a CJK font for the end-to-end UI test (Debian chromium, fonts-noto-cjk)
	@test -x /usr/bin/chromium || { apt-get update -qq && apt-get install -y -qq chromium fonts-noto-cjk >/dev/null; } || \
		{ echo "install the Debian packages chromium and fonts-noto-cjk (needed by the UI test)"; exit 1; }

postgres: ## PostgreSQL for the server tests (Debian postgresql; the tests run a server of their own in a temp folder)
	@ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1 || command -v pg_ctl >/dev/null || \
		{ apt-get update -qq && apt-get install -y -qq postgresql >/dev/null; } || \
		{ echo "install the Debian package postgresql (needed by the server tests)"; exit 1; }

test: $(SCALE) fonts browser postgres ## set up, then run the test suite
	$(BIN)/python -m pytest

lint: $(STAMP) ## ruff (lint and format)
	$(BIN)/ruff check service evals tests ui.py
	$(BIN)/ruff format --check service evals tests ui.py

typecheck: $(SCALE) ## mypy
	$(BIN)/mypy

check: lint typecheck test ## lint, types and tests

evals: $(STAMP) ## score the extractor against the gold data, the variants and the wording suite; the LLM path against the oracle
	$(BIN)/nianbao evals run
	$(BIN)/nianbao evals run --suite oracle

evals-smoke: $(STAMP) ## the fast eval subset (samples only)
	$(BIN)/nianbao evals run --suite samples

bench: $(SCALE) postgres ## speed benchmarks (prints figures)
	$(BIN)/python -m evals.bench

soak: $(STAMP) ## concurrent ingests, uploads and questions against one library on loopback (50 rounds, ≤ 60 min)
	$(BIN)/python -m evals.soak --rounds 50 --minutes 60

variants: $(STAMP) fonts ## regenerate the eval variants and the wording suite built on them
	$(BIN)/python -m evals.variants
	$(BIN)/python -m evals.wording

clean: ## remove the venv and outputs
	rm -rf $(VENV) out
