# Twinport — the two commands: `make run` and `make test`. Everything else is a helper of those.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
UV := .tools/bin/uv
export UV_PYTHON_DOWNLOADS := never
export UV_PROJECT_ENVIRONMENT := $(VENV)

HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: help venv install run web worker test test-fast lint format messages bench demo clean

help:
	@echo "make run    – install, migrate, load the demo cities, serve http://$(HOST):$(PORT) + a Celery worker"
	@echo "make test   – install if needed and run the whole test suite"
	@echo "make lint   – ruff + makemigrations --check"
	@echo "make bench  – benchmarks (bench/)"
	@echo "make messages – extract and compile translations"

$(UV):
	$(PYTHON) -m venv .tools
	.tools/bin/pip install -q 'uv>=0.13,<0.14'

# The venv is rebuilt when the lock changes; the stamp file records the last successful sync.
$(VENV)/.synced: $(UV) pyproject.toml uv.lock
	@test -x $(PY) || $(UV) venv -q --python $(PYTHON) $(VENV)
	$(UV) sync --frozen --all-groups
	@touch $@

venv install: $(VENV)/.synced

# Compiled translations (.mo) are build products, made from the committed .po files with Babel
# (pure Python, so no system gettext is needed to install; `make messages` needs gettext's xgettext).
compilemessages: $(VENV)/.synced
	@for po in locale/*/LC_MESSAGES/*.po; do \
	    [ -e "$$po" ] || continue; \
	    $(VENV)/bin/pybabel -q compile -i "$$po" -o "$${po%.po}.mo" || exit 1; \
	done

messages: $(VENV)/.synced
	DJANGO_DEBUG=true $(PY) manage.py makemessages -l fi --no-obsolete \
	    --ignore '.venv/*' --ignore '.tools/*' --ignore 'var/*' --ignore 'tests/*' --ignore 'bench/*'
	$(MAKE) compilemessages

# Web server in the foreground, one Celery worker (with beat) beside it. Ctrl-C reaches both (same
# process group); the trap also stops the worker when the web server ends any other way.
run: export DJANGO_DEBUG ?= true
run: $(VENV)/.synced compilemessages
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_demo
	@$(VENV)/bin/celery -A marketplace worker -B -Q default,harvest,quality,fetch --loglevel=INFO \
	    --schedule var/celerybeat-schedule --concurrency 2 & worker=$$!; \
	trap 'kill -TERM $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT; \
	trap 'exit 130' INT TERM; \
	$(PY) manage.py load_demo --logins; \
	echo "Twinport: http://$(HOST):$(PORT)/  (API: /api/docs/, admin: /admin/) — Ctrl-C stops web server and worker"; \
	$(PY) manage.py runserver $(HOST):$(PORT)

test: $(VENV)/.synced compilemessages lint
	$(PY) -m pytest $(PYTEST_ARGS)

test-fast: $(VENV)/.synced
	$(PY) -m pytest -x -q -m "not browser" $(PYTEST_ARGS)

lint: $(VENV)/.synced
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	DJANGO_DEBUG=true $(PY) manage.py makemigrations --check --dry-run

format: $(VENV)/.synced
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

bench: $(VENV)/.synced
	$(PY) -m bench $(BENCH_ARGS)

demo: $(VENV)/.synced
	DJANGO_DEBUG=true $(PY) manage.py migrate --noinput
	DJANGO_DEBUG=true $(PY) manage.py load_demo

clean:
	rm -rf $(VENV) .tools var .pytest_cache .ruff_cache

# What CI runs (as root, on a fresh clone): installs and starts PostgreSQL, Redis and Chromium itself,
# then `make test` on SQLite and the suite again on PostgreSQL + Redis. See .ci/run.
.PHONY: ci
ci:
	bash .ci/run
