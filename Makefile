# CertRadar. Quick start: `make run` (serve the app) and `make test` (every test, browser included).
# Each target creates or reuses .venv and installs what it needs; only Python 3.11+, make and git
# are assumed.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PY     := $(BIN)/python

.PHONY: run test test-fast validate stats bench browser postgres clean help

help:
	@echo "make run    - set up and start the app (honours STREAMLIT_SERVER_PORT etc.)"
	@echo "make test   - set up and run every test, browser and PostgreSQL tests included"
	@echo "make bench  - run the benchmarks (rerun latency, adaptive-test simulation, calibration)"

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

run: $(VENV)/.stamp-run
	$(BIN)/streamlit run app.py

validate: $(VENV)/.stamp-run
	$(PY) -m questions validate

stats: $(VENV)/.stamp-run
	$(PY) -m questions stats

browser: $(VENV)/.stamp-dev
	@PYTHON=$(PY) bash scripts/ensure-chromium.sh > /dev/null

postgres:
	@bash scripts/ensure-postgres.sh

test: $(VENV)/.stamp-dev
	$(PY) -m questions validate
	@CHROMIUM_PATH="$$(PYTHON=$(PY) bash scripts/ensure-chromium.sh)" || exit 1; \
	bash scripts/ensure-postgres.sh || [ -z "$$CI" ] || exit 1; \
	export CHROMIUM_PATH; echo "Browser tests use $$CHROMIUM_PATH"; \
	$(PY) -m pytest

test-fast: $(VENV)/.stamp-dev
	$(PY) -m pytest -m "not browser"

bench: $(VENV)/.stamp-dev
	$(PY) bench/rerun_latency.py --markdown docs/benchmarks.md
	$(PY) bench/cat_simulation.py --markdown docs/benchmarks.md
	$(PY) bench/calibration.py --markdown docs/benchmarks.md

clean:
	rm -rf $(VENV) .pytest_cache test-artifacts
