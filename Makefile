# The two commands of the README:  `make map`  (set up + build the seed map)  and  `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: map test setup lint clean

$(STAMP): pyproject.toml .ci/constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -c .ci/constraints.txt -e '.[test,dask,bench,geo]'
	touch $(STAMP)

setup: $(STAMP)

map: setup
	$(BIN)/geomap build seeds/ -o maps/index.html

test: setup
	$(BIN)/ruff check geomap tests bench
	$(BIN)/python -m pytest

lint: setup
	$(BIN)/ruff check geomap tests bench
	$(BIN)/ruff format --check geomap tests bench

clean:
	rm -rf $(VENV) maps/*.html
