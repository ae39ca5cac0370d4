# Two commands do everything on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
APP    := $(VENV)/.installed-app
DEV    := $(VENV)/.installed-dev
# Exact versions CI tested (a fresh install is what CI ran).
PIP    := $(BIN)/python -m pip install --quiet -c constraints.txt

.PHONY: install install-app demo test bench lint format messages clean

# `make demo` installs only what the application needs; the test and lint tools
# come with `make install` (and so with `make test`, `make lint`, `make bench`).
install-app: $(APP)
install: $(DEV)

$(APP): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(PIP) --upgrade pip
	$(PIP) -e .
	touch $(APP)

$(DEV): $(APP)
	$(PIP) -e '.[dev]'
	touch $(DEV)

# Prints the example calculation, then migrates var/socialinvest.sqlite3, loads the
# demo fund (idempotent), prints the demo logins and serves on
# http://127.0.0.1:${PORT:-8000}/ until Ctrl-C.
demo: install-app
	$(BIN)/socialinvest calc examples/alla-barn-i-skolan.yaml --no-sensitivity
	$(BIN)/socialinvest demo

test: install
	$(BIN)/pytest -q

bench: install
	$(BIN)/python bench/run.py

lint: install
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/lint-imports
	$(BIN)/mypy src/socialinvest/engine src/socialinvest/finance src/socialinvest/evaluation src/socialinvest/opendata

format: install
	$(BIN)/ruff format src tests bench
	$(BIN)/ruff check --fix src tests bench

# Extract the Swedish msgids into the English catalogue and compile it (needs gettext).
messages: install
	PATH="$(CURDIR)/$(BIN):$$PATH" scripts/update_translations.sh

clean:
	rm -rf $(VENV) build dist .pytest_cache .mypy_cache .ruff_cache .hypothesis
