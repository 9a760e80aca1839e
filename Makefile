# AI Factory Studio — `make run` serves the studio, `make test` runs the whole suite.
.PHONY: setup run test bench lint screenshots

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

# Remake the README's screenshots (docs/screenshots/) from the browser tests; the test suite itself
# writes its screenshots under var/test-screenshots/ and never touches the README's.
screenshots: setup
	STUDIO_SCREENSHOT_DIR=docs/screenshots .venv/bin/pytest -m browser -q -p no:cacheprovider
	bash scripts/proposal_screenshots.sh
