# Otklik — the two commands: `make run` and `make test` (see README.md).
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
OTKLIK := $(BIN)/otklik
HOST ?= 127.0.0.1
PORT ?= 8000
# PostgreSQL for the second test run (pytest-django creates and drops test_<name>).
OTKLIK_TEST_PG_URL ?= postgres://postgres@127.0.0.1:5432/otklik
PYTEST_ARGS ?=

.PHONY: install run test lint check test-sqlite test-postgres browser mailserver pdftools gost clean docs

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $@

install: $(VENV)/.installed

run: install
	$(OTKLIK) setup --demo
	@echo
	@echo "Отклик: http://$(HOST):$(PORT)/  — войдите под одним из пользователей выше"
	@echo "(пароли показаны один раз; новые: $(OTKLIK) setup --demo --reset-demo-passwords)"
	@echo "API: http://$(HOST):$(PORT)/api/docs/   Остановить: Ctrl-C"
	$(OTKLIK) serve --host $(HOST) --port $(PORT)

# Debian's Chromium for the browser tests (Playwright drives it; no browser download).
browser:
	@if [ ! -x /usr/bin/chromium ]; then \
	  echo "Installing Debian's chromium for the browser tests…"; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium >/dev/null; \
	fi

# Debian's dovecot for the e-mail channel's tests (started by the tests themselves, as a
# temporary instance on a free port; the system service is never used).
mailserver:
	@if [ ! -x /usr/sbin/dovecot ]; then \
	  echo "Installing Debian's dovecot-imapd for the e-mail tests…"; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq dovecot-imapd >/dev/null; \
	fi

# poppler-utils (pdftoppm: the tests render the monthly PDF) and the DejaVu fonts (Cyrillic in
# the PDF report) from Debian; nothing is downloaded at run time.
pdftools:
	@if [ ! -x /usr/bin/pdftoppm ] || [ ! -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ]; then \
	  echo "Installing Debian's poppler-utils and fonts-dejavu-core for the PDF report…"; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq poppler-utils fonts-dejavu-core >/dev/null; \
	fi

# OpenSSL's GOST engine (Debian's libengine-gost-openssl): Streebog hashes of registered
# documents and the check of qualified signatures (ГОСТ Р 34.10-2012 CMS); the tests make real
# GOST keys, certificates and signatures with it.
gost:
	@if ! openssl engine gost -c >/dev/null 2>&1; then \
	  echo "Installing Debian's libengine-gost-openssl for GOST signatures…"; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq libengine-gost-openssl >/dev/null; \
	fi

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-cache

check: install
	$(OTKLIK) check --fail-level WARNING
	$(OTKLIK) makemigrations --check --dry-run
	OTKLIK_PROFILE=production OTKLIK_SECRET_KEY=ci-$$(head -c 48 /dev/urandom | base64 | tr -d '/+=') \
	  OTKLIK_ALLOWED_HOSTS=cur.example.ru OTKLIK_DATABASE_URL=sqlite:///:memory: \
	  $(OTKLIK) check --deploy --fail-level WARNING

test-sqlite: install browser mailserver pdftools gost
	OTKLIK_DATABASE_URL=sqlite:///$(CURDIR)/var/test.sqlite3 $(BIN)/pytest -n 2 $(PYTEST_ARGS)

test-postgres: install browser mailserver pdftools gost
	OTKLIK_DATABASE_URL=$(OTKLIK_TEST_PG_URL) $(BIN)/pytest -n 2 $(PYTEST_ARGS)

test: lint check test-sqlite test-postgres

docs: install
	$(OTKLIK) permissions --write docs/permissions.md

clean:
	rm -rf $(VENV) var
