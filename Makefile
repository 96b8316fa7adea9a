# qbsim — the two set-up commands of a fresh machine are `make run` and `make test` (see README).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: install run test lint bench load load-postgres coverage clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev,postgres]'
	touch $(STAMP)

install: $(STAMP)

## Run the whole stack end to end on the embedded default (SQLite, in-process).
run: install
	$(BIN)/qbsim run

lint: install
	$(BIN)/ruff check .

## Install and pass the tests (what CI runs). The benchmarks run once each, untimed, so they cannot rot.
test: install lint
	$(BIN)/python -m pytest tests
	$(BIN)/python -m pytest benchmarks --benchmark-disable -q

## The qbXML codec beside its floor and peers, three runs side by side: JSON + Markdown ratio table in .bench/.
bench: install
	$(BIN)/qbsim bench --json .bench/qbxml.json --runs 3
	$(BIN)/python -m pytest benchmarks/e2e --benchmark-only --benchmark-group-by=group

## Load: the connector served on localhost, locust driving many customers' Web Connectors against it.
## Tune with LOAD_ARGS (locust options), e.g. make load LOAD_ARGS="--users 50 --spawn-rate 10 --run-time 5m".
LOAD_ARGS ?= --users 20 --spawn-rate 5 --run-time 1m
load: install
	$(BIN)/python -m load.run $(LOAD_ARGS)

## The same with the connector's store on a throwaway PostgreSQL 15 cluster (scripts/with-postgres).
load-postgres: install
	scripts/with-postgres bash -c 'QBSIM_LOAD_CONNECTOR_DB="$$QBSIM_POSTGRES_URL" $(BIN)/python -m load.run $(LOAD_ARGS)'

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .load.db .load.db-wal .load.db-shm load-results* load-connector.log
