# Ventanilla: `make run` and `make test` set up whatever is missing, then run.
SHELL := /bin/bash
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
APT_STAMP := .deps/.apt-installed

export QT_QPA_PLATFORM ?= offscreen

.PHONY: run test test-slow bench lint typecheck check screenshots deps postgres clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[dev]'
	touch $(STAMP)

$(APT_STAMP): scripts/system-deps.sh
	bash scripts/system-deps.sh
	mkdir -p .deps && touch $(APT_STAMP)

deps: $(STAMP) $(APT_STAMP)

run: deps
	QT_QPA_PLATFORM=$${DISPLAY:+xcb} $(BIN)/python main.py $(ARGS)

test: deps
	bash scripts/postgres.sh start
	$(BIN)/python -m pytest -m "not slow and not bench" $(PYTEST_ARGS)

test-slow: deps
	bash scripts/postgres.sh start
	$(BIN)/python -m pytest -m "slow" $(PYTEST_ARGS)

bench: deps
	$(BIN)/python -m pytest -m bench -s $(PYTEST_ARGS)

lint: deps
	$(BIN)/ruff check .
	$(BIN)/mypy desktop sync localdb printing

screenshots: deps
	$(BIN)/python -m ui.screenshots docs/screenshots

postgres: deps
	bash scripts/postgres.sh start

clean:
	bash scripts/postgres.sh stop || true
	rm -rf $(VENV) .deps
