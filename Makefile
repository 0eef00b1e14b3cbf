# Two commands for a newcomer: `make demo` and `make test`. Everything else is set up by them.
SHELL := /bin/bash
PYTHON ?= python3
export UV_PYTHON_DOWNLOADS := never
export UV_PYTHON := $(shell command -v python3.11 || command -v $(PYTHON))
export DBT_SEND_ANONYMOUS_USAGE_STATS := false
export DAGSTER_HOME ?= $(CURDIR)/.dagster

# uv is run as a module of the machine's python, wherever pip put it.
UV := $(PYTHON) -m uv
UV_READY := $(shell $(PYTHON) -m uv --version >/dev/null 2>&1 && echo yes)
VENV := .venv
STAMP := $(VENV)/.synced
MANIFEST := dbt_project/target/manifest.json
DBT_SOURCES := $(shell find dbt_project -path dbt_project/target -prune -o -type f \( -name '*.sql' -o -name '*.yml' -o -name '*.csv' \) -print 2>/dev/null)

.PHONY: demo test ui docs env prepare browser clean help

help:
	@echo "make demo   set up, generate the synthetic demo data and build the whole warehouse"
	@echo "make test   run the test suite"
	@echo "make ui     Dagster UI on http://127.0.0.1:3000"
	@echo "make docs   build and serve the dbt docs (data dictionary)"

$(STAMP): pyproject.toml uv.lock
ifneq ($(UV_READY),yes)
	$(PYTHON) -m pip install --quiet uv || $(PYTHON) -m pip install --quiet --user uv
endif
	$(UV) sync --frozen --all-groups
	@touch $@

env: $(STAMP)

# dagster-dbt reads the manifest when the definitions load: prepare it in the build, never at import.
$(MANIFEST): $(STAMP) $(DBT_SOURCES)
	$(VENV)/bin/cci prepare

prepare: $(MANIFEST)

demo: $(MANIFEST) $(DAGSTER_HOME)/dagster.yaml
	$(VENV)/bin/cci init-secret
	$(VENV)/bin/cci demo-data
	$(VENV)/bin/cci run

# Browser tests drive Debian's chromium (never a downloaded browser); install it when missing.
browser:
	@if [ ! -x /usr/bin/chromium ]; then \
	  if [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null; then \
	    echo "installing Debian chromium for the browser tests"; \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
	      || echo "could not install chromium: browser tests will skip (or fail under CI)"; \
	  else echo "chromium missing and not root: browser tests will skip (or fail under CI)"; fi; \
	fi

test: $(MANIFEST) browser
	$(VENV)/bin/python -m pytest -n 2 --dist loadgroup

ui: $(MANIFEST) $(DAGSTER_HOME)/dagster.yaml
	$(VENV)/bin/cci init-secret
	$(VENV)/bin/dagster dev -h 127.0.0.1 -p 3000

$(DAGSTER_HOME)/dagster.yaml: pipelines/dagster.yaml
	@mkdir -p $(DAGSTER_HOME)
	cp pipelines/dagster.yaml $@

docs: $(MANIFEST)
	$(VENV)/bin/cci docs --serve

clean:
	rm -rf $(VENV) dbt_project/target dbt_project/logs .dagster
