# The README's two commands: `make demo` and `make test`. Both set everything up first.
VENV ?= .venv
PYTEST_ARGS ?=

.PHONY: setup demo test lint bench eval clean-case

setup:
	@scripts/setup.sh
	@scripts/setup-web.sh

demo: setup
	$(VENV)/bin/overheard demo --serve

test: setup
	$(VENV)/bin/python -m pytest $(PYTEST_ARGS)

lint: setup
	$(VENV)/bin/ruff check src tests
	$(VENV)/bin/ruff format --check src tests
	$(VENV)/bin/mypy src/overheard/store src/overheard/ingest src/overheard/export src/overheard/pipeline

bench: setup
	$(VENV)/bin/overheard bench ingest

clean-case:
	rm -rf overheard-case
