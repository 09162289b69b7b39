# CertRadar. Quick start: `make run` (serve the app) and `make test` (every test, browser included).
# Each target creates or reuses .venv and installs what it needs; only Python 3.11+, make and git
# are assumed.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PY     := $(BIN)/python

.PHONY: run dev cluster test test-fast validate stats bench load browser postgres haproxy clean help

help:
	@echo "make run     - set up and start the app with the production settings (.streamlit/config.toml)"
	@echo "make dev     - the same, reloading on every saved change (file watcher on)"
	@echo "make cluster - 2 replicas + HAProxy + a throwaway PostgreSQL on this machine (deploy/)"
	@echo "make test    - set up and run every test, browser, PostgreSQL and HAProxy tests included"
	@echo "make bench   - run the benchmarks (rerun latency, adaptive-test simulation, calibration)"
	@echo "make load    - the load benchmark: simulated users against a real server (about 40 min, loopback only)"

$(PY):
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "CertRadar needs Python 3.11 or newer (found %s)" % sys.version.split()[0])'
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(VENV)/.stamp-run: requirements.txt | $(PY)
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.stamp-dev: requirements.txt requirements-dev.txt | $(PY)
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@ $(VENV)/.stamp-run

# deploy/serve.py is `streamlit run app.py` that loads the app, bank and catalogue while starting.
run: $(VENV)/.stamp-run
	$(PY) -m deploy.serve

# Development: Streamlit's file watcher back on, and a rerun on every saved change.
dev: $(VENV)/.stamp-run
	$(BIN)/streamlit run app.py --server.fileWatcherType auto --server.runOnSave true

# Two replicas (REPLICAS=n for more) behind HAProxy on CERTRADAR_PORT (8501), one throwaway
# PostgreSQL; Ctrl-C stops everything.
REPLICAS ?= 2
cluster: $(VENV)/.stamp-dev
	@bash scripts/ensure-haproxy.sh > /dev/null
	@bash scripts/ensure-postgres.sh > /dev/null
	$(PY) -m deploy.cluster --replicas $(REPLICAS)

validate: $(VENV)/.stamp-run
	$(PY) -m questions validate

stats: $(VENV)/.stamp-run
	$(PY) -m questions stats

browser: $(VENV)/.stamp-dev
	@PYTHON=$(PY) bash scripts/ensure-chromium.sh > /dev/null

postgres:
	@bash scripts/ensure-postgres.sh

haproxy:
	@bash scripts/ensure-haproxy.sh

test: $(VENV)/.stamp-dev
	$(PY) -m questions validate
	@CHROMIUM_PATH="$$(PYTHON=$(PY) bash scripts/ensure-chromium.sh)" || exit 1; \
	bash scripts/ensure-postgres.sh || [ -z "$$CI" ] || exit 1; \
	bash scripts/ensure-haproxy.sh || [ -z "$$CI" ] || exit 1; \
	export CHROMIUM_PATH; echo "Browser tests use $$CHROMIUM_PATH"; \
	$(PY) -m pytest

test-fast: $(VENV)/.stamp-dev
	$(PY) -m pytest -m "not browser"

bench: $(VENV)/.stamp-dev
	$(PY) bench/rerun_latency.py --markdown docs/benchmarks.md
	$(PY) bench/cat_simulation.py --markdown docs/benchmarks.md
	$(PY) bench/calibration.py --markdown docs/benchmarks.md

# Simulated users over Streamlit's websocket protocol (bench/load.py): levels of 25-400 users on
# one server, Streamlit's defaults for comparison, two replicas behind HAProxy, a 1,000-session
# memory soak and the cold start. Loopback only; every run stops by itself.
load: $(VENV)/.stamp-dev
	@bash scripts/ensure-haproxy.sh > /dev/null
	@bash scripts/ensure-postgres.sh > /dev/null
	$(PY) bench/load.py --markdown docs/benchmarks.md
	$(PY) bench/load.py --users 25 --defaults --markdown docs/benchmarks.md
	$(PY) bench/load.py --users 200,400 --postgres --no-baseline --markdown docs/benchmarks.md
	$(PY) bench/load.py --users 200,400 --replicas 2 --no-baseline --markdown docs/benchmarks.md
	$(PY) bench/load.py --soak 1000 --markdown docs/benchmarks.md
	$(PY) bench/load.py --cold-start 2 --markdown docs/benchmarks.md

clean:
	rm -rf $(VENV) .pytest_cache test-artifacts
