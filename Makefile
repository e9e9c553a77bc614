# Ringback — the two Quickstart commands are `make demo` and `make test`.
PY ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: demo test lint install dev clean docs

$(BIN)/ringback:
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e .

$(VENV)/.dev: pyproject.toml $(BIN)/ringback
	$(BIN)/pip install -q -e '.[dev]'
	touch $@

install: $(BIN)/ringback

dev: $(VENV)/.dev

# Build a demo database (SQLite, synthetic contacts) and show today's work.
demo: install
	$(BIN)/ringback demo

lint: dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

test: lint
	$(BIN)/pytest -q -n 2 tests

clean:
	rm -rf $(VENV) build *.egg-info src/*.egg-info .pytest_cache .mypy_cache .ruff_cache

# Regenerate docs/cli.md from the commands' own help (a test keeps them in step).
docs: dev
	$(BIN)/typer ringback.cli utils docs --name ringback --title "Ringback command line" --output docs/cli.md
