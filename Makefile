# Two commands for a fresh machine: `make audit` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: audit test lint typecheck check clean

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

audit: $(STAMP)
	$(VENV)/bin/auditor audit policies --checklist checklists/baseline.yaml --out out

test: $(STAMP)
	$(PY) -m pytest -q -m "not slow"

lint: $(STAMP)
	$(VENV)/bin/ruff check auditor tests
	$(VENV)/bin/mypy

check: lint test

clean:
	rm -rf $(VENV) out/*.json out/*.csv out/*.xlsx
