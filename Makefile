# Single entry point for checks. `make setup` once, then `make check`.
VENV ?= .venv
PY := $(VENV)/bin/python
BIN := $(VENV)/bin

.PHONY: setup demo lint format typecheck test bench bench-quick check

setup:
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e ".[dev]"

demo: setup
	$(BIN)/lessonplan compile JF:105

lint:
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks

format:
	$(BIN)/ruff format src tests benchmarks
	$(BIN)/ruff check --fix src tests benchmarks

typecheck:
	$(BIN)/mypy

test: setup
	$(BIN)/pytest -q

bench:
	$(PY) -m benchmarks --json bench-results.json

bench-quick:
	$(PY) -m benchmarks --quick

check: lint typecheck test
