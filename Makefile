# LendPortal: `make run` and `make test` do all set-up. See README.md.
SHELL := /bin/bash
PYTHON ?= python3.12
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: install run test lint format bench bench-scale services-stop clean messages

# Translations: the .po files are committed, the .mo files are built here (git-ignored), with
# Babel (pure Python, so no system gettext is needed).
PO_FILES := $(wildcard locale/*/LC_MESSAGES/django.po)
MO_FILES := $(PO_FILES:.po=.mo)

install: $(STAMP) $(MO_FILES)

locale/%/LC_MESSAGES/django.mo: locale/%/LC_MESSAGES/django.po $(STAMP)
	@$(VENV)/bin/pybabel -q compile -i $< -o $@
	@echo "Compiled $@"

# After changing strings: extract them into the .po files (needs GNU gettext's xgettext),
# translate the new entries, then `make install` compiles them.
messages: install
	$(PY) manage.py makemessages -l zh_Hans --no-location --ignore=.venv --ignore=var --ignore=tests

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
	$(VENV)/bin/pytest -n 2 --dist worksteal --durations=25

# Close of business: seeds 1,000,000 loans into a database of its own (lendportal_bench) and
# times close of business on real workers against a naive baseline (var/bench/cob.txt);
# BENCH_ARGS="--loans 100000" for a quicker run, "--reuse" keeps the seeded database.
# Partner API (issue #7): gunicorn -w 2 and wrk against that seeded database.
# Admin pages (issue #6): each back-office page timed against it (var/bench/admin.txt).
# Auto-debit (issue #17): on a copy of it, 300,000 attempts planned and samples sent on 2
# worker processes through the fake gateway, with and without the rate limit (var/bench/rails.txt).
# Checkout orders (issue #18): POST /api/v1/orders and the borrower's capture by SMS code,
# gunicorn -w 2 against that seeded database, orders per second and p99 (var/bench/orders.txt).
# Reporting (issue #19): classify_loans and bureau_export on a database of its own, seeded at
# --loans (1,000,000 by default), with each command's time and peak memory (var/bench/reporting.txt).
bench: install
	$(PY) -m tests.bench.cob $(BENCH_ARGS)
	$(PY) -m tests.bench.api
	$(PY) -m tests.bench.admin
	$(PY) -m tests.bench.rails
	$(PY) -m tests.bench.orders
	$(PY) -m tests.bench.reporting $(BENCH_ARGS)

# Scale (issue #20): the COB bench at 1,000,000 and then at 5,000,000 loans, each seeded into a
# database of its own (dropped after), seconds per million side by side, the admin pages at
# 5,000,000 (var/bench/scale.txt). About an hour on two cores and 26 GB of disk at its peak.
bench-scale: install
	$(PY) -m tests.bench.scale $(BENCH_SCALE_ARGS)

# Stops the embedded PostgreSQL and Redis that local/test settings start when
# DATABASE_URL / CELERY_BROKER_URL are unset (they keep running between commands).
services-stop: install
	$(PY) -m lendportal.embedded stop

clean: services-stop
	rm -rf $(VENV) var .mypy_cache .ruff_cache .pytest_cache .hypothesis
