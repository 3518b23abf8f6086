# The one test command is `make test` (see README.md).
#   make test                                  Odoo-free suite + full Odoo suite
#   make test ADDONS=flexi_loyalty TAGS=/flexi_loyalty   narrow the Odoo run
#   make test-install                          each addon alone in its own database
#   make test-compat                           Odoo's own tests with our addons installed
#   make bench [BENCH=loyalty]                 benchmarks on a fresh database
#   make demo [PERSIST=1] [PORT=8069]          the demo shop on http://localhost:8069
#   make load [LOAD_ARGS=--duration=6m]        real servers under Locust (load/report/)
PYTHON ?= python3
ADDONS ?=
TAGS ?=
BENCH ?=
PERSIST ?=
PORT ?= 8069
LOAD_ARGS ?=

.PHONY: test test-install test-compat bench demo load lint

test:
	$(PYTHON) scripts/harness.py test --addons "$(ADDONS)" --tags "$(TAGS)"

test-install:
	$(PYTHON) scripts/harness.py install --addons "$(ADDONS)"

test-compat:
	$(PYTHON) scripts/compat.py --tags "$(TAGS)"

bench:
	$(PYTHON) scripts/harness.py bench --addons "$(ADDONS)" --only "$(BENCH)"

demo:
	$(PYTHON) scripts/harness.py demo --port $(PORT) $(if $(PERSIST),--persist)

# Locust lives in its own virtualenv: Odoo's gevent and greenlet stay as they are.
.venv-load/bin/locust: requirements-load.txt
	$(PYTHON) -m venv .venv-load
	.venv-load/bin/pip install -q -r requirements-load.txt
	touch $@

load: .venv-load/bin/locust
	$(PYTHON) scripts/load.py $(LOAD_ARGS)

lint:
	ruff check . && ruff format --check .
