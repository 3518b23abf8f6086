# The one test command is `make test` (see README.md).
#   make test                                  Odoo-free suite + full Odoo suite
#   make test ADDONS=flexi_loyalty TAGS=/flexi_loyalty   narrow the Odoo run
#   make test-install                          each addon alone in its own database
#   make bench [BENCH=loyalty]                 benchmarks on a fresh database
PYTHON ?= python3
ADDONS ?=
TAGS ?=
BENCH ?=

.PHONY: test test-install bench lint

test:
	$(PYTHON) scripts/harness.py test --addons "$(ADDONS)" --tags "$(TAGS)"

test-install:
	$(PYTHON) scripts/harness.py install --addons "$(ADDONS)"

bench:
	$(PYTHON) scripts/harness.py bench --addons "$(ADDONS)" --only "$(BENCH)"

lint:
	ruff check . && ruff format --check .
