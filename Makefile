# Two commands do all the set-up: `make run` and `make test`. Both create the Python 3.10
# virtual environment when missing, install from requirements.lock only when it changed,
# and train the model only when the training data changed.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV := .venv
BIN := $(VENV)/bin
PYTHON_SYS := $(shell command -v python3.10 2>/dev/null || ls "$$(pyenv root 2>/dev/null)/versions/3.10.13/bin/python" "$$HOME/.pyenv/versions/3.10.13/bin/python" 2>/dev/null | head -1)
LOCK_HASH := $(shell cat requirements.lock pyproject.toml | sha256sum | cut -c1-16)
INSTALLED := $(VENV)/.installed-$(LOCK_HASH)
DATA_FILES := config.yml domain.yml $(shell find data -name '*.yml' | LC_ALL=C sort) $(sort $(wildcard bot/nlu/*.py))
DATA_HASH := $(shell cat $(DATA_FILES) | sha256sum | cut -c1-16)
MODEL := models/model-$(DATA_HASH).tar.gz
export RASA_TELEMETRY_ENABLED := false
export TF_CPP_MIN_LOG_LEVEL := 2

.PHONY: help install train run test lint bench eval clean

help:  ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/'

$(INSTALLED): requirements.lock pyproject.toml
	@if [ ! -x $(BIN)/python ]; then \
	  if [ -z "$(PYTHON_SYS)" ]; then \
	    echo "Python 3.10 not found: install it (e.g. pyenv install 3.10.13)"; exit 1; fi; \
	  echo "Creating $(VENV) with $(PYTHON_SYS)"; $(PYTHON_SYS) -m venv $(VENV); fi
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade "pip==24.2"
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.lock
	$(BIN)/pip install --quiet --disable-pip-version-check --no-deps -e .
	@rm -f $(VENV)/.installed-*; touch $@

install: $(INSTALLED)  ## create the virtual environment and install the lock file

# The model's name carries the hash of the training data: it exists iff that data was trained.
$(MODEL): | $(INSTALLED)
	@mkdir -p models
	@rm -f models/*.tar.gz
	$(BIN)/rasa train --fixed-model-name model-$(DATA_HASH) --out models

train: $(MODEL)  ## train the Rasa model when the training data changed

run: $(MODEL)  ## start Rasa, the action server and the gateway (web chat on localhost)
	$(BIN)/python -m bot run

lint: $(INSTALLED)  ## ruff and mypy
	$(BIN)/ruff check bot actions tests
	$(BIN)/ruff format --check bot actions tests
	$(BIN)/mypy bot actions

test: $(MODEL) lint  ## lint, validate the training data, run every test
	$(BIN)/rasa data validate --fail-on-warnings
	$(BIN)/pytest

bench: $(MODEL)  ## latency per message, concurrent citizens, quota burst; appends to docs/benchmarks.md
	$(BIN)/python -m tests.bench.conversation_latency
	$(BIN)/python -m tests.bench.load --setup embedded
	$(BIN)/python -m tests.bench.load --setup scaled --if-available

eval: $(INSTALLED) $(MODEL)  ## answers end to end, FAQ retrieval, held-out NLU; writes docs/answer_eval.md, docs/faq_eval.md, docs/nlu_eval*.md
	$(BIN)/python -m tests.eval.answer_e2e
	$(BIN)/python -m tests.eval.faq_retrieval
	$(BIN)/python -m tests.eval.nlu_eval --model $(MODEL)
	$(BIN)/python -m tests.eval.nlu_eval --model $(MODEL) --data tests/nlu_eval_fresh \
	  --report docs/nlu_eval_fresh.md --json results/nlu_eval_fresh.json

clean:  ## remove the virtual environment, models and local databases
	rm -rf $(VENV) models var results .mypy_cache .ruff_cache .pytest_cache
