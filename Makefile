# Ringback — the two Quickstart commands are `make demo` and `make test`.
PY ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: demo test lint install dev clean docs screenshots

$(BIN)/ringback:
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e .

$(VENV)/.dev: pyproject.toml $(BIN)/ringback
	$(BIN)/pip install -q -e '.[dev]'
	touch $@

install: $(BIN)/ringback

dev: $(VENV)/.dev

# Serve the web app on a fresh demo database (SQLite, synthetic contacts); it prints
# the address and a demo login. Ctrl+C stops it. (`ringback demo` is the terminal tour.)
demo: install
	$(BIN)/ringback serve --demo

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

# Screenshots of Today and a contact page for the docs (needs /usr/bin/chromium).
screenshots: dev
	$(BIN)/python -m tests.e2e.screenshots docs/screenshots
