# Two commands: `make run` (the demo portal) and `make test` (what CI runs).
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: run test lint install services system-packages demo bench frontend clean

$(BIN)/python:
	$(PYTHON) -c 'import sys; assert sys.version_info[:2] == (3, 11), "Python 3.11 is required"'
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: requirements-dev.lock $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.lock
	touch $@

install: $(VENV)/.installed

# The embedded default: SQLite and a file-system broker, so a machine with only Python runs
# the whole portal, with a real Celery worker and beat scheduler beside the web server.
# Links in emails and letters (SITE_URL) follow PORT unless SITE_URL is set.
run: export SITE_URL ?= http://127.0.0.1:$(PORT)
run: install
	$(BIN)/python manage.py migrate --no-input -v0
	$(BIN)/python manage.py seed_demo --if-empty
	@echo "Starting web, worker and beat: open http://127.0.0.1:$(PORT) (Ctrl-C stops all three)"
	@trap 'kill 0' INT TERM EXIT; \
	  $(BIN)/celery -A ehcp_portal worker --loglevel=INFO --pool=solo --without-mingle --without-gossip & \
	  $(BIN)/celery -A ehcp_portal beat --loglevel=INFO & \
	  $(BIN)/python manage.py runserver 127.0.0.1:$(PORT) --noreload & \
	  wait -n

demo: install
	$(BIN)/python manage.py migrate --no-input -v0
	$(BIN)/python manage.py seed_demo --reset

# PostgreSQL and Redis, started (or installed, when root on Debian) if they are not running.
services:
	bash .ci/services.sh

system-packages:
	bash .ci/system-packages.sh

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

test: install services system-packages
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	DJANGO_SETTINGS_MODULE=ehcp_portal.settings.test $(BIN)/python manage.py check
	DJANGO_SETTINGS_MODULE=ehcp_portal.settings.test $(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/python -m pytest

bench: install services
	$(BIN)/python bench/run.py

frontend:
	bash frontend/build.sh

clean:
	rm -rf $(VENV) var
