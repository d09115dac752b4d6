# LendPortal: `make run` and `make test` do all set-up. See README.md.
SHELL := /bin/bash
PYTHON ?= python3.12
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: install run test lint format bench services-stop clean

install: $(STAMP)

# Re-installs only when requirements.txt changes, so a second `make install` takes a moment.
$(STAMP): requirements.txt
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@$(PY) -m pip install --quiet --disable-pip-version-check --upgrade pip
	@$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	@touch $(STAMP)
	@echo "Installed requirements into $(VENV)"

run: install
	$(PY) manage.py migrate --no-input
	$(PY) manage.py seed_demo --if-empty
	$(VENV)/bin/honcho start -f Procfile

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy .
	$(VENV)/bin/lint-imports
	$(PY) manage.py makemigrations --check --dry-run

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

test: lint
	$(VENV)/bin/pytest -n 2

# Partner API figures (issue #7): gunicorn -w 2 and wrk against the seeded DATABASE_URL.
bench: install
	$(PY) -m bench.api

# Stops the embedded PostgreSQL and Redis that local/test settings start when
# DATABASE_URL / CELERY_BROKER_URL are unset (they keep running between commands).
services-stop: install
	$(PY) -m lendportal.embedded stop

clean: services-stop
	rm -rf $(VENV) var .mypy_cache .ruff_cache .pytest_cache .hypothesis
