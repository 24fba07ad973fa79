# Two commands do all the set-up: `make lab` opens the lesson, `make test` runs every test.
# Both create .venv (python3 -m venv + pip) when it is missing.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp

.PHONY: help lab hub test test-long lint bench exercises screenshots clean

help:  ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
		{ echo "Python 3.11 or newer is needed (found $$($(PYTHON) --version)); set PYTHON=python3.12"; exit 1; }
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@echo "Installing the trainer and its pinned dependencies into $(VENV) (a minute or two, the first time only)..."
	$(BIN)/python -m pip install --disable-pip-version-check --progress-bar on -e '.[dev]'
	@touch $(STAMP)

lab: $(STAMP)  ## open JupyterLab on the course's start page (lessons in exercises/, answers in solutions/)
	$(BIN)/jupyter lab --notebook-dir=. --LabApp.default_url=/lab/tree/START_HERE.ipynb \
		$$([ "$$(id -u)" = 0 ] && echo --allow-root) $(LAB_OPTIONS)

PROXY := classroom/node_modules/.bin/configurable-http-proxy

$(PROXY): classroom/package.json classroom/package-lock.json
	cd classroom && npm ci --no-audit --no-fund
	@touch $@

hub: $(STAMP) $(PROXY)  ## JupyterHub for a class of local users (as root; see README "A class")
	$(BIN)/jupyterhub -f classroom/jupyterhub_config.py

test: $(STAMP) lint  ## lint, type-check and run the whole test suite
	$(BIN)/python -m pytest

test-long: $(STAMP)  ## the long variants (full 30 s load run and friends)
	$(BIN)/python -m pytest -m slow --run-slow

lint: $(STAMP)  ## ruff and mypy
	$(BIN)/ruff check trainer tests $(wildcard benchmarks)
	$(BIN)/mypy

bench: $(STAMP)  ## every benchmark, one table
	$(BIN)/python -m benchmarks

exercises: $(STAMP)  ## regenerate exercises/ from solutions/
	$(BIN)/python -m trainer.authoring build

screenshots: $(STAMP)  ## the README's pictures of the lesson, taken in a real headless browser
	TRAINER_SCREENSHOTS=$(CURDIR)/docs/screenshots $(BIN)/python -m pytest -q tests/test_browser.py

clean:  ## remove the virtual environment and caches
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache classroom/node_modules .hub
