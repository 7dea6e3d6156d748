# The two commands of the README: `make run` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
DEMO_SCALE ?= town

.PHONY: run test lint install

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $@

install: $(VENV)/.installed

## run: set up, create the SQLite demo town if there is none, start the portal (8501) and the kiosk (8502)
run: install
	$(BIN)/menpai init
	$(BIN)/menpai demo --scale $(DEMO_SCALE) --if-empty
	./scripts/run-apps

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports

## test: install and run the whole suite (lint, types, tests) on SQLite, or on DATABASE_URL when set
test: lint
	$(BIN)/python -m pytest -n 2 $(PYTEST_ARGS)
