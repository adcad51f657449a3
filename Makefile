# CS Board — the project's vocabulary. `make run` and `make test` do all set-up on a fresh machine.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
HOST ?= 127.0.0.1
PORT ?= 8000
export HOST PORT

.PHONY: help install run port-free migrate demo check test lint format check-compose services chromium bench clean

help:
	@echo "make run    - set up and serve CS Board with its Celery worker and beat (http://$(HOST):$(PORT)/)"
	@echo "make check  - lint and the unit tests, in parallel: the edit loop"
	@echo "make test   - lint, schema and the whole test suite on PostgreSQL + Redis, browser tests included"
	@echo "make bench  - the HTTP benchmark, the SLA sweep and the automation rule sweep"
	@echo "make lint / make format"

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: $(BIN)/activate requirements.txt requirements-dev.txt
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	@touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

install: $(VENV)/.installed node_modules/.installed

migrate: install
	$(PY) manage.py migrate --noinput

demo: migrate
	$(PY) manage.py seed_demo

run: port-free demo
	@echo
	@echo "  CS Board is starting on http://$(HOST):$(PORT)/"
	@echo "  Demo logins (password: csboard-demo): admin (board admin), member, sam (members), guest (read-only)"
	@echo "  API docs: http://$(HOST):$(PORT)/api/docs/   Stop with Ctrl-C."
	@echo
	PATH="$(CURDIR)/$(BIN):$$PATH" $(PY) scripts/serve.py

# A port that cannot be served is one line (make's own), before anything is installed or started.
port-free:
	$(if $(PORT_PROBLEM),$(error $(PORT_PROBLEM)))
PORT_PROBLEM = $(shell HOST='$(HOST)' PORT='$(PORT)' $(PYTHON) scripts/serve.py --check 2>&1)

# PostgreSQL and Redis running, Dovecot installed (the mail tests start their own: tests/mail_servers.py).
services:
	@scripts/ensure-services.sh

chromium:
	@scripts/ensure-chromium.sh

check-compose:
	@scripts/check-compose.sh

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# The tests in two kinds (markers in pyproject.toml): the unit tests run in parallel (pytest-xdist,
# each worker on a PostgreSQL test database and a Redis database of its own, at most 4 workers:
# REDIS_URL's database + 0..3); browser, fuzz, system and concurrency tests run afterwards, alone.
SLOW := browser or fuzz or system or concurrency
WORKERS := -n auto --maxprocesses=4
# `make check` keeps its test databases between runs (Django still applies new migrations to them)
# and creates them afresh when any migration file changed since they were made.
MIGRATIONS_HASH = $(shell cat $(sort $(wildcard */migrations/*.py)) | sha1sum | cut -c1-16)
CHECK_DB_STAMP = var/check-db-$(or $(CSBOARD_TEST_DB),test_csboard)

check: lint services
	@mkdir -p var
	@if [ "$$(cat $(CHECK_DB_STAMP) 2>/dev/null)" = "$(MIGRATIONS_HASH)" ]; then db=--reuse-db; else db=--create-db; fi; \
	  command='$(BIN)/pytest $(WORKERS) -q -m "not ($(SLOW))"'" $$db"; echo "$$command"; \
	  eval "$$command"; status=$$?; echo "$(MIGRATIONS_HASH)" > $(CHECK_DB_STAMP); exit $$status

test: install services chromium lint check-compose
	DJANGO_SETTINGS_MODULE=csboard.settings.test $(PY) manage.py makemigrations --check --dry-run
	DJANGO_SETTINGS_MODULE=csboard.settings.test $(PY) manage.py spectacular --validate --fail-on-warn --file /dev/null
	$(BIN)/pytest --create-db $(WORKERS) -m "not ($(SLOW))"
	$(BIN)/pytest --create-db -m "$(SLOW)"

bench: install services
	$(PY) bench/run.py
	$(PY) bench/compare.py
	$(PY) bench/sla_sweep.py
	$(PY) bench/rule_sweep.py

clean:
	rm -rf $(VENV) var node_modules
