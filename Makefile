# Lasītava — the two commands of the README's Quick start, and their parts.
#   make run    set up, migrate, load demo data into an empty database, serve on 127.0.0.1:5000
#   make test   set up, then the whole test suite
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app wsgi
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: run test setup venv system-run system-test translations messages migrate seed lint format bench clean

run: export PUBLIC_BASE_URL ?= http://$(HOST):$(PORT)
# The demo's contact address for the accessibility statement and privacy notice (set a real one in production).
run: export CONTACT_EMAIL ?= lasitava@example.org
run: system-run setup migrate
	@$(FLASK) demo seed --if-empty
	@$(FLASK) certificates warm-up >/dev/null
	@$(FLASK) demo accounts
	@echo "Lasītava is at http://$(HOST):$(PORT)/  (Ctrl+C stops it)"
	@$(FLASK) run --host $(HOST) --port $(PORT)

test: system-test setup
	$(BIN)/ruff check
	$(BIN)/python -m pytest $(PYTEST_ARGS)

setup: $(VENV)/.installed translations

system-run:
	@bash scripts/system-check.sh run

system-test:
	@bash scripts/system-check.sh test

venv: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	@test -x $(BIN)/pip || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@touch $@

# Compile the gettext catalogues (.po in git, .mo built here).
translations: $(VENV)/.installed
	@$(BIN)/pybabel -q compile -d translations -D messages

# Re-extract interface strings after changing code or templates (then translate the new entries).
messages: $(VENV)/.installed
	$(BIN)/python scripts/i18n.py update

migrate: $(VENV)/.installed
	@$(FLASK) db upgrade

seed: migrate
	$(FLASK) demo seed

lint: $(VENV)/.installed
	$(BIN)/ruff check
	$(BIN)/ruff format --check

format: $(VENV)/.installed
	$(BIN)/ruff format
	$(BIN)/ruff check --fix

bench: setup
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) instance .pytest_cache
	find . -name '*.mo' -delete
