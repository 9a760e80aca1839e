# AI Factory Studio — `make run` serves the studio, `make test` runs the whole suite.
.PHONY: setup run test bench lint

setup:
	bash scripts/setup.sh

run: setup
	bash scripts/run.sh

test: setup
	bash scripts/test.sh

lint: setup
	.venv/bin/ruff check .

bench: setup
	.venv/bin/python bench/run_all.py
