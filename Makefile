# `make setup`: system packages (Debian) and a virtual environment `.venv` with everything the suite needs.
PYTHON ?= python3.11
VENV   ?= .venv

.PHONY: setup system-packages venv test lint

setup: system-packages venv

system-packages:
	@bash scripts/system-packages.sh

venv:
	@test -x $(VENV)/bin/python || $(PYTHON) -m venv $(VENV)
	$(VENV)/bin/python -m pip install -qq --upgrade pip
	$(VENV)/bin/python -m pip install -qq -c requirements/constraints.txt -e '.[all,dev]'

test:
	$(VENV)/bin/python -m pytest -q -m "not slow"

lint:
	$(VENV)/bin/python -m ruff check src tasks baselines tests benchmarks
