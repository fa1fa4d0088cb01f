# Every target sets up what it needs (a .venv from the requirements files, the pinned CDK CLI
# from package-lock.json) and can be run again at any time.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
# The pinned CLI itself, not through npx: npx starts a Node process of its own first (its update check, a network
# call, is off in .npmrc).
CDK := node_modules/.bin/cdk

# Quiet, offline-friendly CDK CLI: no telemetry, no Node end-of-life banners.
export CDK_DISABLE_CLI_TELEMETRY := true
export JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION := 20
export NODE_NO_WARNINGS := 1

.PHONY: help setup synth test test-slow lint snapshot-update diagram docs context demo audit diff cost bench clean

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-16s %s\n", $$1, $$2}'

$(VENV)/.installed: requirements.txt requirements-dev.txt pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

setup: $(VENV)/.installed node_modules/.installed ## Create .venv and install the pinned CDK CLI

synth: setup ## Synthesize the stack into cdk.out; without credentials, offline for the example environment (ARGS="-c key=value")
	$(CDK) synth --quiet $(ARGS)

lint: setup ## ruff on the Python code
	$(PY) -m ruff check .

test: setup lint ## Unit, snapshot, nag, cfn-lint, shellcheck, emulator and end-to-end tests
	$(PY) -m pytest -n 2 --dist loadfile -m "not slow" $(PYTEST_ARGS)

test-slow: setup ## The long end-to-end runs (ten deploy/destroy cycles); CI runs them after make test
	$(PY) -m pytest -m slow $(PYTEST_ARGS)

snapshot-update: setup ## Re-record the template snapshots after an intended change
	$(PY) -m pytest tests/unit/test_snapshots.py --snapshot-update

demo: setup ## Deploy, update, destroy and audit for real against the local emulator (no AWS account; ARGS="-c tier=autoscaling")
	$(PY) -m tools.demo $(ARGS)

diagram: setup ## The architecture picture, synthesized offline: into both READMEs, or printed for ARGS="-c tier=autoscaling"
	@$(PY) -m tools.diagram$(if $(ARGS),, --write) $(ARGS)

audit: setup ## List what still costs money for the stack's tag (REGION=..., ENDPOINT=http://localhost:PORT for the emulator)
	$(PY) -m tools.audit$(if $(REGION), --region $(REGION))$(if $(ENDPOINT), --endpoint-url $(ENDPOINT))

bench: setup ## Benchmark synth, tests and the deploy round trip against their floors (RUNS=5; SLOW=1 times make test-slow too)
	$(PY) -m bench.bench --runs $(or $(RUNS),5)$(if $(SLOW), --with-slow)

docs: diagram ## Regenerate what the code drives: the picture, both READMEs' settings tables, cdk.json's defaults
	$(PY) -m tools.settings_docs --write

context: setup ## Re-record cdk.context.json's lookups for the example environment from the emulator
	$(PY) -m tools.record_context

cost: synth ## What the synthesized stack costs, per resource, hour and month (REGION=... to price another region; assumptions LCU=..., LOG_GB=..., DNS_QUERIES=..., KMS_REQUESTS=..., SPOT_DISCOUNT=...)
	@$(PY) -m tools.cost$(if $(REGION), --region $(REGION))$(if $(LCU), --lcu $(LCU))$(if $(LOG_GB), --log-gb $(LOG_GB))$(if $(DNS_QUERIES), --dns-queries $(DNS_QUERIES))$(if $(KMS_REQUESTS), --kms-requests $(KMS_REQUESTS))$(if $(SPOT_DISCOUNT), --spot-discount $(SPOT_DISCOUNT))

diff: setup ## Review a change offline: plain-words summary, cost change, cdk diff against BASE (default: merge base with main)
	@$(PY) -m tools.review_diff $(if $(BASE),--base $(BASE)) $(ARGS)

clean: ## Remove build output (keeps .venv and node_modules)
	rm -rf cdk.out cdk.out.* .pytest_cache
