# Two entry points for a fresh machine:  make run   |   make test
VENV   ?= .venv
PY      = $(VENV)/bin/python
FLASK   = $(VENV)/bin/flask --app app
HOST   ?= 127.0.0.1
PORT   ?= 5000

.PHONY: install run test test-fast test-pg browser nginx two-servers backup restore

$(VENV)/.installed: pyproject.toml
	python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[test]'
	touch $@

install: $(VENV)/.installed

## install, create/upgrade the database through the migrations, load demo data, serve on 127.0.0.1
run: install
	$(FLASK) db upgrade
	$(FLASK) demo-data --if-empty
	$(FLASK) run --host $(HOST) --port $(PORT)

## install (including Debian's Chromium for the browser tests) and run the whole test suite
test: install browser
	$(PY) -m pytest

## the suite without the browser tests
test-fast: install
	$(PY) -m pytest -m "not browser"

browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "Installing Debian's chromium for the browser tests"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq chromium >/dev/null; }

## Debian's nginx, for the two-server check (run as the current user under a temp dir, not as a service)
nginx:
	@command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || { \
	  echo "Installing Debian's nginx for the two-server check"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq nginx >/dev/null; }

## nginx in front of two gunicorn servers, one RQ worker, PostgreSQL, Redis and an S3 server: checked end to end
two-servers: install nginx
	bench/two_servers.sh
