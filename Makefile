# Newsline. `make run` and `make test` are the two commands a newcomer needs (README.md).
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell sha1sum requirements.txt | cut -c1-12)

PG_URL ?= postgres://postgres@127.0.0.1:5432/test
# The broker in database 14, the cache in 15 (config/settings.py derives the cache's from REDIS_URL).
TEST_REDIS_URL ?= redis://127.0.0.1:6379/14
# pytest-xdist processes: one per CPU. Each has its own PostgreSQL test database, cache key prefix and
# Celery queue (tests/conftest.py), so they never see each other's rows, cache entries or tasks.
TEST_WORKERS ?= auto
HOST ?= 127.0.0.1
PORT ?= 8000
FCM_PORT ?= 9099

# The address make run serves on; every link it makes (card urls, images, deep links, the printed
# login) uses SITE_URL. Binding to all interfaces (HOST=0.0.0.0)? Name the address phones reach:
# make run HOST=0.0.0.0 SITE_URL=http://192.168.1.20:8000
SITE_URL ?= http://$(HOST):$(PORT)
# The embedded mode: SQLite file in var/, in-process cache, Celery on a broker in files (var/broker)
# with a worker and beat beside runserver, sending to the loopback FCM emulator.
RUN_ENV := DEBUG=1 SITE_URL=$(SITE_URL) CELERY_BROKER_URL=filesystem:// FCM_ENDPOINT=http://127.0.0.1:$(FCM_PORT)
# Tests run against the real services (pytest-django turns DEBUG off while they run).
TEST_ENV := DEBUG=1 DATABASE_URL=$(PG_URL) REDIS_URL=$(TEST_REDIS_URL)
# The browser tests run beside the other passes, so they have their own database and Redis (broker 12, cache 13).
BROWSER_PG_URL ?= postgres://postgres@127.0.0.1:5432/browser
BROWSER_REDIS_URL ?= redis://127.0.0.1:6379/12
# Every Celery queue (backend/queues.py): make run's one worker consumes them all; production runs a pool per queue.
QUEUES := celery,celery-push,celery-site,celery-media,celery-maintenance
# Debian's Chromium, which Playwright drives (Playwright's own browser download is not reachable here).
CHROMIUM := /usr/bin/chromium
# Varnish with vmod xkey (deploy/varnish/), which the e2e tests put in front of a live server.
VARNISHD := /usr/sbin/varnishd

.PHONY: help venv run browser varnish test test-pg test-e2e test-sqlite test-browser lint format services bench-api bench-push bench-web bench-events bench-dashboard clean

help:
	@echo "make run    - install, migrate, load demo content, serve http://$(HOST):$(PORT) (SQLite; HOST=, PORT= to change)"
	@echo "make test   - install, make sure PostgreSQL and Redis run, run the whole suite"
	@echo "make lint   - ruff, import-linter (the layers) and mypy"
	@echo "make bench-api - the read API at 2,000 and 100,000 articles: uncached, cached, Varnish, vs bare Django and nginx"
	@echo "make bench-web - Lighthouse scores, weight and req/s of an English and a Sorani article page, vs the API"
	@echo "make bench-push - one alert to 10k and 100k devices through Celery + firebase-admin, vs the bare SDK"
	@echo "make bench-dashboard - the editor dashboard on a week of 1M views/day, 70 alerts, 500k devices: uncached, cached, vs a bare admin page"
	@echo "make bench-events - view beacons/s from registered devices and most read p50/p99 (100k articles, 1M views/day)"

venv: $(STAMP)

$(STAMP): requirements.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	@rm -f $(VENV)/.installed-*
	@touch $@

run: venv
	$(RUN_ENV) $(BIN)/python manage.py migrate --no-input
	@echo "FCM emulator on http://127.0.0.1:$(FCM_PORT) (alerts are 'delivered' there: curl 127.0.0.1:$(FCM_PORT)/_emulator/messages)"
	@echo "Celery worker and beat beside the server (scheduled publishing, alerts, quiet hours); log: var/worker.log"
	mkdir -p var
	$(BIN)/python -m devtools.fcm_emulator --port $(FCM_PORT) & emulator=$$!; \
	$(RUN_ENV) $(BIN)/celery -A config worker -B --pool=solo --loglevel=INFO -s var/celerybeat-schedule -Q $(QUEUES) \
	  >var/worker.log 2>&1 & worker=$$!; \
	trap 'kill $$emulator $$worker 2>/dev/null' EXIT INT TERM; \
	$(RUN_ENV) $(BIN)/python manage.py seed_demo; \
	$(RUN_ENV) $(BIN)/python manage.py runserver $(HOST):$(PORT)

# Start PostgreSQL and Redis when they are installed but stopped; fail saying which is missing.
services:
	@if ! pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then \
	  if command -v pg_ctlcluster >/dev/null && [ -d /etc/postgresql ]; then \
	    echo "starting PostgreSQL"; \
	    pg_ctlcluster --skip-systemctl-redirect $$(ls /etc/postgresql | head -1) main start || true; \
	    for i in $$(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done; \
	  fi; \
	fi
	@pg_isready -q -h 127.0.0.1 -p 5432 || { echo "PostgreSQL is not reachable on 127.0.0.1:5432 and could not be started" >&2; exit 1; }
	@if ! redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then \
	  if command -v redis-server >/dev/null; then \
	    echo "starting Redis"; \
	    redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no; \
	    for i in $$(seq 1 30); do redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1 && break; sleep 1; done; \
	  fi; \
	fi
	@redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1 || { echo "Redis is not reachable on 127.0.0.1:6379 and could not be started" >&2; exit 1; }
	@echo "PostgreSQL and Redis are up"

# Install Chromium when it is missing (as root, as CI runs; the package lists are fetched only if needed).
browser:
	@test -x $(CHROMIUM) || apt-get install -y -qq chromium >/dev/null \
	  || { apt-get update -qq && apt-get install -y -qq chromium >/dev/null; }
	@test -x $(CHROMIUM) || { echo "Chromium is needed at $(CHROMIUM): apt-get install chromium" >&2; exit 1; }

# Install Varnish and its modules (vmod xkey) when missing, the same way.
XKEY_VMOD := /usr/lib/*/varnish/vmods/libvmod_xkey.so
varnish:
	@if ! test -x $(VARNISHD) || ! compgen -G '$(XKEY_VMOD)' >/dev/null; then \
	  apt-get install -y -qq varnish varnish-modules >/dev/null \
	  || { apt-get update -qq && apt-get install -y -qq varnish varnish-modules >/dev/null; }; \
	fi
	@test -x $(VARNISHD) && compgen -G '$(XKEY_VMOD)' >/dev/null \
	  || { echo "Varnish and vmod xkey are needed: apt-get install varnish varnish-modules" >&2; exit 1; }

# The four passes side by side, each target's output printed whole when it ends: the e2e and browser
# tests mostly wait on their workers, timers and Chromium, and share nothing with the others (their own
# Celery queue in Redis, their own test database; the SQLite pass uses neither service).
test: venv services browser varnish
	$(MAKE) --no-print-directory -j4 --output-sync=target test-pg test-e2e test-sqlite test-browser

# The suite on PostgreSQL and Redis, in parallel.
test-pg: venv
	$(TEST_ENV) $(BIN)/pytest -p no:cacheprovider -n $(TEST_WORKERS) --dist loadgroup -m "not e2e and not browser"

# Real Celery worker processes against the same services, one test at a time: they share the broker.
test-e2e: venv varnish
	$(TEST_ENV) $(BIN)/pytest -p no:cacheprovider -m e2e

# The embedded default must not silently break: the suite again on SQLite, no Redis.
test-sqlite: venv
	DEBUG=1 $(BIN)/pytest -p no:cacheprovider -n $(TEST_WORKERS) --dist loadgroup -m "not e2e and not once and not browser" tests/newsapi tests/backend tests/notifications tests/devtools

# Playwright driving Chromium at a live server, one test at a time: they share one browser and server.
test-browser: venv browser
	DEBUG=1 DATABASE_URL=$(BROWSER_PG_URL) REDIS_URL=$(BROWSER_REDIS_URL) $(BIN)/pytest -p no:cacheprovider -m browser tests/browser

lint: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	DEBUG=1 $(BIN)/lint-imports
	DEBUG=1 $(BIN)/mypy .

format: venv
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# 2,000 and 100,000 published articles (databases kept between runs), uncached, cached and through Varnish,
# beside a bare Django view and nginx; about 13 minutes once the data sets exist (docs/performance.md).
# Knobs: BENCH_SIZES=2000,100000 BENCH_STEPS=data,queries,plans,measure BENCH_ONLY=uncached,rendered,cached,varnish
# BENCH_DURATION=3s BENCH_ROUNDS=3 BENCH_CONNECTIONS=8, e.g. make bench-api BENCH_STEPS=data,plans
bench-api: venv services varnish
	@command -v wrk >/dev/null || apt-get install -y -qq wrk >/dev/null || { echo "wrk is needed: apt-get install wrk" >&2; exit 1; }
	@command -v nginx >/dev/null || apt-get install -y -qq nginx-light >/dev/null \
	  || { apt-get update -qq && apt-get install -y -qq nginx-light >/dev/null; } \
	  || { echo "nginx is needed: apt-get install nginx-light" >&2; exit 1; }
	$(BIN)/python tests/bench/bench_api.py

# Lighthouse (npm, pinned in tests/bench/lighthouse) with Debian's Chromium, then wrk; about 2 minutes.
bench-web: venv services browser
	@command -v wrk >/dev/null || apt-get install -y -qq wrk >/dev/null || { echo "wrk is needed: apt-get install wrk" >&2; exit 1; }
	$(BIN)/python tests/bench/bench_web.py

# About 5 minutes on 2 cores; knobs pass through (e.g. make bench-push PUSH_BATCH_SIZE=250 FCM_POOL_SIZE=50).
bench-push: venv services
	$(BIN)/python tests/bench/bench_push.py

# Rebuilds newsline_bench_dash (about 2 minutes), then measures in process on production settings (under a
# minute). Knobs: BENCH_ROUNDS=15 BENCH_STEPS=data,measure (tests/bench/bench_dashboard.py).
bench-dashboard: venv services
	$(BIN)/python tests/bench/bench_dashboard.py

# POST /api/v1/events/ and most read on gunicorn + Redis, vs bare Django; newsline_bench_events is built once
# (15-20 minutes) and kept; then about 2 minutes. Knobs: BENCH_DURATION=5s BENCH_ROUNDS=3 BENCH_CONNECTIONS=8
# BENCH_DEVICES=20000 BENCH_EVENTS_PER_BATCH=10 (tests/bench/bench_events.py).
bench-events: venv services
	@command -v wrk >/dev/null || apt-get install -y -qq wrk >/dev/null || { echo "wrk is needed: apt-get install wrk" >&2; exit 1; }
	$(BIN)/python tests/bench/bench_events.py

clean:
	rm -rf var .pytest_cache .mypy_cache .ruff_cache
