# `make run` and `make test` are all a fresh machine needs. `make run` installs only what
# serving needs (the venv, no apt); `make test` adds the dev tools, Chromium and docker-compose.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEV_STAMP := $(VENV)/.installed-dev
HOST ?= 127.0.0.1
PORT ?= 8000
APT_GET := DEBIAN_FRONTEND=noninteractive apt-get install -y -qq

export HF_HUB_OFFLINE := 1
export TOKENIZERS_PARALLELISM := false

.PHONY: compose-cli install dev test-tools run index serve test lint typecheck pytest jstest eval clean browser bench loadtest first-answer upload-bench fresh-clone

install: $(STAMP)

dev: $(DEV_STAMP)

# What the tests need besides the venv: its dev tools and two Debian packages.
test-tools: dev browser compose-cli

# Debian's Chromium for the widget's browser test (Playwright drives it; it never downloads one).
browser:
	@command -v chromium >/dev/null 2>&1 || \
	  (apt-get update -qq && $(APT_GET) chromium) || \
	  echo "chromium could not be installed: the browser test will be skipped"

# Debian's docker-compose (v1, Python) checks docker-compose.yml with no Docker engine running;
# without its recommends, which would pull the engine (docker.io, containerd, runc, iptables).
compose-cli:
	@command -v docker-compose >/dev/null 2>&1 || \
	  (apt-get update -qq && $(APT_GET) --no-install-recommends docker-compose) || \
	  echo "docker-compose could not be installed: the compose validation test will be skipped"

# torch first, from the CPU wheel on this machine's disk: a plain install would pull CUDA.
# Every version pinned by constraints.txt (regenerate it when pyproject.toml changes).
$(STAMP): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -c constraints.txt torch==2.13.0
	$(BIN)/pip install --quiet --disable-pip-version-check -c constraints.txt -e .
	touch $(STAMP)

# The test and lint tools, on top of the serving install.
$(DEV_STAMP): $(STAMP)
	$(BIN)/pip install --quiet --disable-pip-version-check -c constraints.txt -e '.[dev]'
	touch $(DEV_STAMP)

index: install
	$(BIN)/tutor index

# `tutor serve` builds a missing or stale index itself, with one model load instead of two.
run: install
	$(BIN)/tutor serve --host $(HOST) --port $(PORT)

serve: run

lint: dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: dev
	$(BIN)/mypy

pytest: test-tools
	$(BIN)/pytest

# The widget's and the teacher page's ES modules under Node's built-in test runner (no npm
# packages; Node 18 or later).
jstest:
	@if command -v node >/dev/null 2>&1; then \
	  node --test --test-reporter=spec tests/widget_js/*.test.mjs tests/teacher_js/*.test.mjs; \
	else \
	  echo "node not found: skipping the JavaScript tests (tests/widget_js, tests/teacher_js)"; \
	fi

test: lint typecheck jstest pytest

# Scores a server already running on $(HOST):$(PORT) (start it with `make run`).
eval:
	$(PYTHON) ../shared/eval/score.py --url http://$(HOST):$(PORT) --set ../shared/eval/dev.jsonl
	$(PYTHON) ../shared/eval/score.py --url http://$(HOST):$(PORT) --set tests/eval/heldout.jsonl

# Issue 12's figures against the bare model, in one run: writes bench/results.json and .md.
bench: install
	$(BIN)/python -m bench.run

# Seconds from `tutor serve` on a new data folder to its first answer, for the seed course and
# for four documents (~100 KB), with an empty lexicon cache: writes bench/first_answer.json.
first-answer: install
	$(BIN)/python -m bench.first_answer

# Seconds from a teacher's upload (.docx, .html, .pdf) to its first cited answer, on the
# four-document course while it serves: writes bench/upload.json.
upload-bench: install
	$(BIN)/python -m bench.upload

# Seconds from `make run` in a fresh clone of this checkout's HEAD to its first answer (pip
# included, no apt).
fresh-clone:
	sh bench/fresh_clone.sh

# 20,000 /v1/ask at 64 clients against `tutor serve` on loopback, watching its RSS: writes
# bench/loadtest.json; fails on any non-200 or on RSS growing 10% or more during the run.
loadtest: install
	$(BIN)/python -m bench.loadtest

clean:
	rm -rf $(VENV) data .mypy_cache .ruff_cache .pytest_cache *.egg-info
