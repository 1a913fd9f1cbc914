# Ventanilla: `make run` and `make test` set up whatever is missing, then run.
SHELL := /bin/bash
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
APT_STAMP := .deps/.apt-installed

.PHONY: run test test-slow reliability bench bench-smoke lint typecheck check screenshots deps postgres clean

$(STAMP): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[dev,central]' -c constraints.txt
	touch $(STAMP)

$(APT_STAMP): scripts/system-deps.sh
	bash scripts/system-deps.sh
	mkdir -p .deps && touch $(APT_STAMP)

# The project's bytecode, written ahead: where PYTHONDONTWRITEBYTECODE is set (as on the CI
# machine) no process writes it, so each one would compile every module it imports again (about
# 50 ms of `status --json`). compileall rewrites only what changed since.
PACKAGES := desktop ui sync localdb printing wire central catalogo formatting tests main.py

deps: $(STAMP) $(APT_STAMP)
	$(BIN)/python -m compileall -q -j 0 $(PACKAGES) > /dev/null

run: deps
	$(BIN)/python main.py $(ARGS)

test: deps
	bash scripts/postgres.sh start
	VENTANILLA_REQUIRE_PG=1 $(BIN)/python -m pytest -m "not slow and not bench" $(PYTEST_ARGS)

test-slow: deps
	bash scripts/postgres.sh start
	VENTANILLA_REQUIRE_PG=1 $(BIN)/python -m pytest -m "slow" $(PYTEST_ARGS)

# The full reliability soak (issue 13): >= 10,000 records, >= 100 kills -9, faults, a rogue
# machine, a restore from a copy. Reduced size in CI: tests/reliability/test_soak.py (slow).
# SOAK_RECORDS, SOAK_KILLS, SOAK_WINDOWS, SOAK_SEED, SOAK_MINUTES change the size.
reliability: deps
	nice -n 10 $(BIN)/python -m tests.reliability.soak $(SOAK_ARGS)

# tests/bench_scale.py prints the window's table at scale (issue 15) on a generated store, cached
# under .deps/bench: 100,000 expedientes by default, `make bench BENCH_STORE=1000000` for the
# million (its first run generates it: 12 minutes on a busy 2-core machine, load 8-13).
BENCH_STORE ?= 100000
bench: deps
	bash scripts/postgres.sh start
	BENCH_STORE=$(BENCH_STORE) $(BIN)/python -m pytest -m bench -s $(PYTEST_ARGS)

# The benchmarks at a small size: proves they still run (CI), measures nothing worth quoting.
# The PouchDB peer (npm registry, node) is skipped here: `make bench` runs it.
bench-smoke: deps
	bash scripts/postgres.sh start
	BENCH_EXISTING=2000 BENCH_CAPTURES=20 BENCH_N=300 BENCH_RENDERS=5 BENCH_SYNC_RECORDS=100 \
	  BENCH_STORE=2000 BENCH_RUNS=1 BENCH_ARCHIVO_LINES=200 \
	  BENCH_PULL_N=300 BENCH_POLL_MACHINES=100 BENCH_POLL_SECONDS=5 BENCH_PEER_N=100 BENCH_PEER=0 \
	  $(BIN)/python -m pytest -m bench -q $(PYTEST_ARGS)

lint: deps
	$(BIN)/ruff check .
	$(BIN)/mypy desktop sync localdb printing formatting wire catalogo ui central
	$(BIN)/lint-imports

screenshots: deps
	$(BIN)/python scripts/screenshots.py docs/screenshots
	VENTANILLA_CONSOLE_SCREENSHOTS=docs/screenshots $(BIN)/python -m pytest tests/browser -q

postgres: deps
	bash scripts/postgres.sh start

clean:
	bash scripts/postgres.sh stop || true
	rm -rf $(VENV) .deps
