# Every target bootstraps .venv from the locked dependency set on first use.
VENV    ?= .venv
PYTHON  ?= python3
BIN     := $(VENV)/bin
STAMP   := $(VENV)/.installed-$(shell cat pyproject.toml requirements.lock | cksum | cut -d' ' -f1)

.PHONY: install demo demo-quick test test-services lint format bench bench-smoke warehouse clean

$(STAMP): pyproject.toml requirements.lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade 'pip>=24'
	$(BIN)/python -m pip install -q -c requirements.lock -e '.[dev,bench]'
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)  ## migrate, seed and serve the demo city on 127.0.0.1:5000
	$(BIN)/recycle demo

demo-quick: $(STAMP)  ## the demo without serving (CI smoke)
	$(BIN)/recycle demo --quick --no-serve

test: $(STAMP)  ## the whole suite on the embedded default (SQLite, eager Celery)
	bash .ci/install-browser.sh
	$(BIN)/pytest -q

test-services: $(STAMP)  ## the suite on PostgreSQL + Redis with a real Celery worker
	bash .ci/services-suite.sh

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

warehouse: $(STAMP)  ## build the DuckDB warehouse from the app database
	$(BIN)/recycle warehouse

bench-smoke: $(STAMP)  ## every benchmark in its few-second smoke mode
	$(BIN)/python benchmarks/solomon.py --smoke
	$(BIN)/python benchmarks/city.py --smoke
	$(BIN)/python benchmarks/warehouse.py --smoke
	$(BIN)/python benchmarks/auction.py --smoke
	$(BIN)/python benchmarks/load.py --smoke
	$(BIN)/python benchmarks/feed.py --smoke

clean:
	rm -rf $(VENV) instance .pytest_cache .ruff_cache
