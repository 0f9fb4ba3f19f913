# 粤桂协作消费帮扶平台 — common tasks. `make help` lists them.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
MANAGE := $(PY) manage.py
HOST ?= 127.0.0.1
PORT ?= 8000
# Test processes (pytest-xdist); each has its own test database.
TEST_PROCESSES ?= 2

.DEFAULT_GOAL := help
.PHONY: help demo install install-dev migrate seed serve test test-fast test-postgres e2e lint format check worker bench bench-procurement messages clean

help: ## List the targets
	@grep -E '^[a-zA-Z0-9_-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*## "}; {printf "  make %-14s %s\n", $$1, $$2}'

$(VENV)/bin/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 11) else 1)' 2>/dev/null || { \
		echo "Python 3.11 is needed (3.11.2 or newer; Debian 12's python3 is fine): set PYTHON=/path/to/python3.11" \
		"or install it (Debian/Ubuntu: apt-get install python3 python3-venv)."; exit 1; }
	@$(PYTHON) -m venv --help >/dev/null 2>&1 || { \
		echo "$(PYTHON) has no venv module: apt-get install python3-venv"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --upgrade pip

$(VENV)/.installed: requirements.txt $(VENV)/bin/python
	$(PIP) install -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt $(VENV)/bin/python
	$(PIP) install -r requirements-dev.txt
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed ## Create .venv and install the runtime requirements

install-dev: $(VENV)/.installed-dev ## Create .venv and install test and lint tools too

migrate: install ## Apply migrations (SQLite db.sqlite3 unless DATABASE_URL is set)
	$(MANAGE) migrate --noinput

seed: migrate ## Load the demo data (idempotent)
	$(MANAGE) seed_demo

serve: ## Run the development server on $(HOST):$(PORT)
	$(MANAGE) runserver $(HOST):$(PORT)

demo: seed ## Set up everything and serve the demo on http://127.0.0.1:8000 (SQLite, eager Celery)
	$(MANAGE) runserver $(HOST):$(PORT)

test: install-dev ## Install dev requirements and run the whole test suite (services and browser tests skip when absent)
	$(VENV)/bin/pytest -n $(TEST_PROCESSES)

test-fast: install-dev ## Tests without the browser journeys, reusing the test database
	$(VENV)/bin/pytest -m "not e2e" --reuse-db

e2e: install-dev ## Browser journeys only (headless Chromium), screenshots in docs/screenshots/
	$(VENV)/bin/pytest -m e2e

lint: install-dev ## ruff lint and format check
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install-dev ## Apply ruff's formatting and safe fixes
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

check: install ## Django system checks and missing migrations
	$(MANAGE) check
	$(MANAGE) makemigrations --check --dry-run

worker: install ## Celery worker with beat on the development settings (needs CELERY_BROKER_URL, e.g. redis://127.0.0.1:6379/0)
	DJANGO_SETTINGS_MODULE=$${DJANGO_SETTINGS_MODULE:-marketplace.settings.dev} \
		$(VENV)/bin/celery -A marketplace worker --beat --loglevel=INFO --concurrency=2

bench: install-dev ## Benchmark main pages against a trivial view (gunicorn; PostgreSQL when DATABASE_URL is set)
	$(PY) -m bench

bench-procurement: install-dev ## Budget-unit progress pages with 1,000 units and 1,000,000 order lines (PostgreSQL; opt-in, minutes)
	$(PY) -m bench.procurement

messages: install ## Update and compile translation catalogues
	$(MANAGE) makemessages -l zh_Hans -l zh_Hant -l en --ignore=.venv --ignore=node_modules --ignore=staticfiles --ignore=media --ignore=docs --ignore=bench --ignore=tests --ignore=marketplace/oscar_hant --no-obsolete
	$(MANAGE) compilemessages --ignore=.venv

clean: ## Remove the local database and media (keeps .venv)
	rm -f db.sqlite3 db.sqlite3-wal db.sqlite3-shm
	rm -rf media staticfiles
