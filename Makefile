# The two commands of the README's quick start, and what they need.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)
DEMO := instance/demo-extract
COUNTY := instance/bench-county-extract
PORT ?= 8050
# Test workers: three on this 2-core machine, as the tests wait on the browser, the servers and the databases
# they start about as often as they compute (7 min against 8 with two). make test JOBS=1: one after another.
JOBS ?= 3

.PHONY: demo test services browser bench

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -e '.[test]'
	rm -f $(VENV)/.installed-* && touch $@

## make demo: install, write and load the small demo agency, run the app on the embedded DuckDB
## (with Chromium, which draws the data books' charts)
demo: $(STAMP) browser
	test -f $(DEMO)/manifest.json || $(BIN)/statboard demo-data $(DEMO) --scale small
	$(BIN)/statboard load $(DEMO)
	# the published figures and the delegate agencies' contracts, once (a second import is a new version)
	$(BIN)/statboard versions | grep -q ' cfsr-national ' || $(BIN)/statboard import-aggregates \
	  tests/data/cfsr-national-2025-08.csv --format cfsr-profile --source cfsr-national
	test ! -f $(DEMO)/provider-reported.csv || $(BIN)/statboard versions | grep -q ' provider-reports ' || \
	  $(BIN)/statboard import-aggregates $(DEMO)/provider-reported.csv --source provider-reports
	test ! -f $(DEMO)/contracts.toml || $(BIN)/statboard contracts list >/dev/null 2>&1 || \
	  $(BIN)/statboard contracts load $(DEMO)/contracts.toml
	STATBOARD_ENV=development $(BIN)/statboard users demo
	STATBOARD_ENV=development $(BIN)/statboard dev --port $(PORT)

## make test: install, make sure PostgreSQL is up and Chromium is here, run the whole suite
test: $(STAMP) services browser
	$(BIN)/pytest -n $(JOBS) --dist loadfile

services:
	@pg_isready -q -h 127.0.0.1 -p 5432 || pg_ctlcluster --skip-systemctl-redirect $$(ls /etc/postgresql) main start || true

# The browser tests and the data books' charts use Debian's Chromium (no browser downloads here); install it
# when missing.
browser:
	@test -x /usr/bin/chromium -a -x /usr/bin/chromedriver || \
	  (DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium chromium-driver >/dev/null || \
	   (apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium chromium-driver >/dev/null)) || \
	  echo "could not install chromium and chromium-driver: the browser tests need them (apt-get install chromium chromium-driver)"

## make bench: the figures the issues set targets for (see README.md, "Benchmarks")
bench: $(STAMP) browser
	test -f $(COUNTY)/manifest.json || $(BIN)/statboard demo-data $(COUNTY) --scale county
	$(BIN)/python bench/load_county.py --extract $(COUNTY)
	$(BIN)/python bench/measures_county.py --extract $(COUNTY)
	$(BIN)/python bench/pages_county.py --extract $(COUNTY)
	$(BIN)/python bench/databook_county.py --extract $(COUNTY)
	$(BIN)/python bench/signin_county.py --extract $(COUNTY)
	$(BIN)/python bench/meeting_county.py --extract $(COUNTY)
