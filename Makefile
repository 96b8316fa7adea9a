# qbsim — the two set-up commands of a fresh machine are `make run` and `make test` (see README).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
RUN_STAMP := $(VENV)/.installed-run
# What a failed install prints: how to start again (a half-made .venv is removed first).
RECOVER = { echo; echo "error: installing into $(VENV) failed (the messages above say why)."; \
	echo "  qbsim needs python3 3.11 or newer with its venv module (Debian/Ubuntu: apt-get install python3-venv)"; \
	echo "  and access to the package index. Fix that, then run: rm -rf $(VENV) && make $(MAKECMDGOALS)"; \
	echo "  (PYTHON=python3.12 make ... picks another interpreter)."; exit 1; }

.PHONY: install install-run run test test-server-mode lint bench load load-postgres coverage clean

# Everything, for development and CI: the package with its dev extra (tests, lint, benchmarks, load).
$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV) || $(RECOVER)
	$(BIN)/pip install --quiet --upgrade pip || $(RECOVER)
	$(BIN)/pip install --quiet -e '.[dev,postgres]' || $(RECOVER)
	touch $(STAMP) $(RUN_STAMP)

# Only what running needs (no dev extra): what `make run` installs on a fresh machine.
$(RUN_STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV) || $(RECOVER)
	$(BIN)/pip install --quiet --upgrade pip || $(RECOVER)
	$(BIN)/pip install --quiet -e . || $(RECOVER)
	touch $(RUN_STAMP)

install: $(STAMP)

install-run: $(RUN_STAMP)

## Run the whole stack end to end on the embedded default (SQLite, in-process).
run: install-run
	$(BIN)/qbsim run

lint: install
	$(BIN)/ruff check .

## Install and pass the tests (what CI runs). The benchmarks run once each, untimed, so they cannot rot.
test: install lint
	$(BIN)/python -m pytest tests
	QBSIM_TEST_SERVER_MODE=true $(BIN)/python -m pytest tests/sim/quickbooks_fake
	$(BIN)/python -m pytest benchmarks --benchmark-disable -q

## The QuickBooks fake's suite once more, every request through its HTTP face on a free port (moto's
## TEST_SERVER_MODE; tests/sim/quickbooks_fake/helpers/served.py).
test-server-mode: install
	QBSIM_TEST_SERVER_MODE=true $(BIN)/python -m pytest tests/sim/quickbooks_fake

## The qbXML codec beside its floor and peers, three runs side by side: JSON + Markdown ratio table in .bench/.
bench: install
	$(BIN)/qbsim bench --json .bench/qbxml.json --runs 3
	$(BIN)/python -m pytest benchmarks/e2e --benchmark-only --benchmark-group-by=group

## Load: the connector served on localhost, locust driving many customers' Web Connectors against it.
## Tune with LOAD_ARGS (locust options), e.g. make load LOAD_ARGS="--users 50 --spawn-rate 10 --run-time 5m".
LOAD_ARGS ?= --users 20 --spawn-rate 5 --run-time 1m
load: install
	$(BIN)/python -m load.run $(LOAD_ARGS)

## Regenerate every computed file: both COVERAGE.md files and the fake QuickBooks' generated modules
## (each has a test that fails when it is stale).
coverage: install
	$(BIN)/python -m sim.quickbooks_fake.tools.regenerate
	$(BIN)/python -m sim.procore_fake.coverage

## The same with the connector's store on a throwaway PostgreSQL 15 cluster (scripts/with-postgres).
load-postgres: install
	scripts/with-postgres bash -c 'QBSIM_LOAD_CONNECTOR_DB="$$QBSIM_POSTGRES_URL" $(BIN)/python -m load.run $(LOAD_ARGS)'

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .load.db .load.db-wal .load.db-shm load-results* load-connector.log
