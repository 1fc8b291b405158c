# Two commands on a fresh machine: `make mock` and `make test`. Both bootstrap .venv themselves.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: test test-slow mock clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

# The default suite (CI): ruff (lint and format), mypy, the docs site (a broken link or anchor fails),
# then every test but those marked slow (minutes each). The site is built inside .venv, never in the tree.
test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict --site-dir $(VENV)/site
	$(BIN)/pytest -m "not slow"

# conform against the mock on every corpus spec (about 20 minutes on 2 cores).
test-slow: $(STAMP)
	$(BIN)/pytest -m slow

# The mock on the bundled spec: http://127.0.0.1:4010 (Swagger UI at /ui/). ARGS="--seed 7" passes options.
mock: $(STAMP)
	$(BIN)/contract mock $(ARGS)

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .ruff_cache .mypy_cache .hypothesis
