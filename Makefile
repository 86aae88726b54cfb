# gongkai: `make run` serves the demo county, `make test` runs every check CI runs.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install run test lint typecheck migrate demo bench clean

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

migrate: install
	$(BIN)/gongkai migrate --noinput

demo: migrate
	$(BIN)/gongkai demo

run: demo
	@$(BIN)/gongkai demo --logins
	$(BIN)/gongkai runserver $(HOST):$(PORT)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: install
	$(BIN)/mypy gongkai config tools

test: install lint typecheck
	$(BIN)/python tools/check_architecture.py
	GONGKAI_ENV=test GONGKAI_VAR_DIR=$$(mktemp -d) $(BIN)/gongkai makemigrations --check --dry-run
	GONGKAI_ENV=test $(BIN)/pytest -q

bench: install
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) var .mypy_cache .ruff_cache .pytest_cache
