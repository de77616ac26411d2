# antipersona: two commands for a new machine (Python 3.11 and make):
#   make run   - create .venv, install, audit the bundled example site served locally, open the report
#   make test  - install what the tests need (Chromium included) and run the whole suite
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
PY     := $(VENV)/bin/python
PIP    := $(PY) -m pip
STAMP  := $(VENV)/.installed
TESTSTAMP := $(VENV)/.installed-test
CHROMIUM ?= /usr/bin/chromium
DEMO_DIR := .antipersona-demo
export PIP_DISABLE_PIP_VERSION_CHECK=1

.PHONY: run test eval bench lint install install-test chromium demo app clean

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(PY)
	$(PIP) install --quiet -e .
	touch $@

install: $(STAMP)

$(TESTSTAMP): pyproject.toml requirements/trained.txt | $(STAMP)
	$(PIP) install --quiet -e '.[test]'
	$(PIP) install --quiet --no-deps --require-hashes -r requirements/trained.txt
	touch $@

install-test: $(TESTSTAMP) chromium

# Browser tests drive Debian's Chromium through Playwright (no browser download).
chromium:
	@if [ ! -x "$(CHROMIUM)" ]; then \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; fi; \
	fi

test: install-test
	$(PY) -m ruff check .
	$(PY) -m pytest -n 2 --dist loadgroup -q

demo: install
	$(PY) -m audit.demo --out $(DEMO_DIR)

run: demo
	ANTIPERSONA_DB=$(DEMO_DIR)/antipersona.db $(PY) -m audit app --db $(DEMO_DIR)/antipersona.db

eval: install
	$(PY) -m audit.evaluate --write docs/accuracy.md

bench: install-test
	$(PIP) install --quiet -e '.[bench]'
	$(PY) bench/run_all.py --write docs/benchmarks.md

lint: install-test
	$(PY) -m ruff check .

clean:
	rm -rf $(VENV) $(DEMO_DIR) .pytest_cache .ruff_cache test-output
