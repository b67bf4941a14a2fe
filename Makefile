# `make setup`: system packages (Debian) and a virtual environment `.venv` with everything the suite needs.
# `make plain-venv`: a second environment `.venv-plain` with the package alone (no extras), which the test of a
# plain install uses (CI builds it; the test is skipped where it is absent).
PYTHON ?= python3.11
VENV   ?= .venv
PLAIN  ?= .venv-plain

.PHONY: setup system-packages venv plain-venv test lint

setup: system-packages venv

system-packages:
	@bash scripts/system-packages.sh

venv:
	@test -x $(VENV)/bin/python || $(PYTHON) -m venv $(VENV)
	$(VENV)/bin/python -m pip install -qq --upgrade pip
	$(VENV)/bin/python -m pip install -qq -c requirements/constraints.txt -e '.[all,dev]'

plain-venv:
	@test -x $(PLAIN)/bin/python || $(PYTHON) -m venv $(PLAIN)
	$(PLAIN)/bin/python -m pip install -qq --upgrade pip
	$(PLAIN)/bin/python -m pip install -qq -c requirements/constraints.txt .

test:
	$(VENV)/bin/python -m pytest -q -m "not slow"

lint:
	$(VENV)/bin/python -m ruff check src tasks baselines tests benchmarks
