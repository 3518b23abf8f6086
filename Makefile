# The one test command is `make test` (see README.md).
#   make test                                  Odoo-free suite + full Odoo suite
#   make test ADDONS=flexi_loyalty TAGS=/flexi_loyalty   narrow the Odoo run
#   make test-install                          each addon alone in its own database
#   make bench [BENCH=loyalty]                 benchmarks on a fresh database
#   make demo [PERSIST=1] [PORT=8069]          the demo shop on http://localhost:8069
PYTHON ?= python3
ADDONS ?=
TAGS ?=
BENCH ?=
PERSIST ?=
PORT ?= 8069

.PHONY: test test-install bench demo lint

test:
	$(PYTHON) scripts/harness.py test --addons "$(ADDONS)" --tags "$(TAGS)"

test-install:
	$(PYTHON) scripts/harness.py install --addons "$(ADDONS)"

bench:
	$(PYTHON) scripts/harness.py bench --addons "$(ADDONS)" --only "$(BENCH)"

demo:
	$(PYTHON) scripts/harness.py demo --port $(PORT) $(if $(PERSIST),--persist)

lint:
	ruff check . && ruff format --check .
