# NPLV Portal: `make run` serves the portal with demo data, `make test` runs every test.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV ?= .venv
PY := $(VENV)/bin/python
MANAGE := $(PY) manage.py
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_ARGS ?=
PYTEST_WORKERS ?= auto

VENDOR_CSS := static/vendor/utrecht-components.css static/vendor/utrecht-html.css static/vendor/rhc-tokens.css
# The open font embedded in award letters (Debian fonts-dejavu-core), copied into the static files so a
# letter uses the same font file wherever it is rendered.
FONT_DIR ?= /usr/share/fonts/truetype/dejavu
LETTER_FONTS := static/vendor/fonts/DejaVuSans.ttf static/vendor/fonts/DejaVuSans-Bold.ttf static/vendor/fonts/DejaVuSans-Oblique.ttf

.PHONY: help install sysdeps run test bench load lint messages worker clean

help:
	@echo "make run    – install, migrate, load reference and demo data, serve on http://$(HOST):$(PORT)"
	@echo "make test   – install and run the whole test suite"
	@echo "make bench  – run the benchmarks (prints BENCH lines, writes bench/results.json)"
	@echo "make load   – 50 users for 60 s against gunicorn on PostgreSQL (prints a table, writes bench/load.json)"
	@echo "make lint   – ruff (lint and format check) and mypy"

# System packages: Pango and HarfBuzz subsetting for WeasyPrint, gettext for translations, Node for the
# NL Design System CSS, Chromium for the browser tests, the DejaVu font for the letters, poppler-utils
# (pdftoppm, pdftotext) to look at rendered letters. Installed with apt-get when missing and root.
sysdeps:
	@missing=""; \
	ldconfig -p | grep -q 'libpango-1.0.so.0' || missing="$$missing libpango-1.0-0 libpangoft2-1.0-0"; \
	ldconfig -p | grep -q 'libharfbuzz-subset.so.0' || missing="$$missing libharfbuzz-subset0"; \
	command -v msgfmt >/dev/null || missing="$$missing gettext"; \
	command -v npm >/dev/null || missing="$$missing nodejs npm"; \
	command -v chromium >/dev/null || missing="$$missing chromium"; \
	test -f $(FONT_DIR)/DejaVuSans.ttf || missing="$$missing fonts-dejavu-core"; \
	command -v pdftoppm >/dev/null || missing="$$missing poppler-utils"; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "Installing missing system packages:$$missing"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	  else \
	    echo "WARNING: missing system packages:$$missing (install them with apt-get as root)"; \
	  fi; \
	fi

$(VENV)/.installed: pyproject.toml
	@$(MAKE) --no-print-directory sysdeps
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	@touch $@

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error

static/vendor/utrecht-components.css static/vendor/utrecht-html.css static/vendor/rhc-tokens.css &: node_modules/.package-lock.json
	mkdir -p static/vendor
	cp node_modules/@utrecht/component-library-css/dist/index.css static/vendor/utrecht-components.css
	cp node_modules/@utrecht/component-library-css/dist/html.css static/vendor/utrecht-html.css
	cp node_modules/@rijkshuisstijl-community/design-tokens/dist/index.css static/vendor/rhc-tokens.css

$(LETTER_FONTS): static/vendor/fonts/%.ttf:
	@$(MAKE) --no-print-directory sysdeps
	mkdir -p static/vendor/fonts
	cp $(FONT_DIR)/$*.ttf $@

locale/%/LC_MESSAGES/django.mo: locale/%/LC_MESSAGES/django.po
	msgfmt --check -o $@ $<

messages: $(patsubst %.po,%.mo,$(wildcard locale/*/LC_MESSAGES/django.po))

install: $(VENV)/.installed $(VENDOR_CSS) $(LETTER_FONTS) messages .env

# Local development settings, so that manage.py commands in this checkout work without extra variables.
# Variables set in the environment win over this file; the test suite sets its own.
.env:
	@printf '# Written by make for local development; see README.md, Configuration.\nDEBUG=true\nDEMO=true\n' > .env
	@echo "Wrote .env (DEBUG=true, DEMO=true): manage.py commands in this checkout use it."

run: install
	@export DEBUG=$${DEBUG:-true} DEMO=$${DEMO:-true} SITE_URL=$${SITE_URL:-http://$(HOST):$(PORT)}; \
	$(MANAGE) migrate --noinput && \
	$(MANAGE) load_reference_data && \
	$(MANAGE) seed_demo && \
	if [ -n "$$CELERY_BROKER_URL" ]; then \
	  echo "Celery worker (met beat) start op $$CELERY_BROKER_URL"; \
	  $(VENV)/bin/celery -A nplvportal worker --beat --loglevel=INFO --concurrency=2 & worker=$$!; \
	  trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	else \
	  echo "Geen CELERY_BROKER_URL: taken draaien in het webproces (ingebouwde standaard)."; \
	fi; \
	echo ""; echo "Het portaal draait op http://$(HOST):$(PORT)/  (stoppen met Ctrl+C)"; echo ""; \
	$(MANAGE) runserver $(HOST):$(PORT)

# Whole files per worker (module fixtures are built once), in collection order: tests/conftest.py puts the
# longest files first.
test: install
	$(PY) -m pytest -n $(PYTEST_WORKERS) --dist loadfile --no-loadscope-reorder $(PYTEST_ARGS)

bench: install
	$(PY) -m bench

# Needs DATABASE_URL pointing at PostgreSQL (a database of its own is created beside it and dropped after).
load: install
	$(PY) -m bench.load $(LOAD_ARGS)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy

worker: install
	$(VENV)/bin/celery -A nplvportal worker --beat --loglevel=INFO

clean:
	rm -rf $(VENV) node_modules static/vendor staticfiles .pytest_cache
