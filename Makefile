# The two commands of the README: `make run` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
DEMO_SCALE ?= town

.PHONY: run test lint install shell

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $@

install: $(VENV)/.installed

## run: set up, create the SQLite demo town if there is none, start the portal (8501) and the kiosk (8502)
# scripts/foreground gives the apps the terminal, so Ctrl-C stops them (exit 0) and not make.
run: install
	$(BIN)/menpai init
	$(BIN)/menpai demo --scale $(DEMO_SCALE) --if-empty --sample-declarations
	$(BIN)/python scripts/foreground ./scripts/run-apps

## shell: an interactive bash with .venv activated, where `menpai …` works as the README writes it
shell: install
	@printf '%s\n' '[ -f ~/.bashrc ] && . ~/.bashrc' '. "$(CURDIR)/$(BIN)/activate"' \
	  'echo "已激活 .venv：可直接运行 menpai …，exit 退出 / .venv is active: run menpai …; exit to leave"' \
	  >$(VENV)/menpai-shellrc
	@exec bash --rcfile $(VENV)/menpai-shellrc -i

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports

## test: install and run the whole suite (lint, types, tests) on SQLite, or on DATABASE_URL when set
test: lint
	$(BIN)/python -m pytest -n 2 $(PYTEST_ARGS)
