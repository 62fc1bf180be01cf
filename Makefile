# Beta Skill Payments. Two commands: `make sandbox` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: sandbox test test-fast lint typecheck docs bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

## Run the API on 127.0.0.1:8000 with embedded defaults; prints tokens and URLs.
sandbox: $(STAMP)
	$(BIN)/skillpay sandbox --host 127.0.0.1 --port 8000

## Run the whole suite (unit, contract, integration, e2e, BDD, property); the BDD
## scenarios run on both stacks and land in reports/cucumber.json (docs/qa.md).
test: $(STAMP)
	@mkdir -p reports
	$(BIN)/python -m pytest --cucumberjson=reports/cucumber.json $(PYTEST_FLAGS)

test-fast: $(STAMP)
	$(BIN)/python -m pytest -m "unit or property" -q

lint: $(STAMP)
	$(BIN)/ruff check domain application adapters entrypoints tests

typecheck: $(STAMP)
	$(BIN)/mypy

## Benchmarks (not part of `make test`): history queries over 1M payments, reconciliation
## of 1M against 1M (the first run seeds bench/.data/history.db, a minute or two); then
## the HTTP ones against baselines measured in the same run (docs/benchmarks.md): signed
## callback ingest, checkout creation, sustained end to end, two instances against one.
## They start their own processes and scratch databases on PostgreSQL (127.0.0.1:5432)
## and use wrk when installed (apt-get install wrk).
bench: $(STAMP)
	$(BIN)/python -m bench.history
	$(BIN)/python -m bench.analytics
	$(BIN)/python -m bench.reconcile
	$(BIN)/python -m bench.ingest
	$(BIN)/python -m bench.checkout
	$(BIN)/python -m bench.sustained
	$(BIN)/python -m bench.scale

## The long reliability runs: 10,000 fault-soak flows, 200 crash points; figures in
## artifacts/reliability-figures.json.
.PHONY: reliability
reliability: $(STAMP)
	SKILLPAY_SOAK_FLOWS=10000 SKILLPAY_CRASH_RUNS=200 $(BIN)/python -m pytest tests/reliability -q -s

docs: $(STAMP)
	$(BIN)/python -m entrypoints.docs_errors > docs/errors.md

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis skillpay.db* .sandbox
