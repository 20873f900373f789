# The two commands a new user needs:  `make run`  and  `make test`.
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp

.PHONY: run test test-unit lint bench
HOST ?= 127.0.0.1
PORT ?= 8080

$(STAMP): pyproject.toml
	python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

run: $(STAMP)  # make run PORT=8090 HOST=0.0.0.0
	$(VENV)/bin/atensi serve --host $(HOST) --port $(PORT)

test: $(STAMP)
	scripts/test.sh

test-unit: $(STAMP)  # plain logic, no database, server or browser (pytest -m unit)
	$(VENV)/bin/pytest -q -m unit

lint: $(STAMP)
	$(VENV)/bin/ruff check .

bench: $(STAMP)
	$(PY) bench/engine.py
	$(PY) bench/api.py
	$(PY) bench/timers.py
