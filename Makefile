# legaldesk: `make run` serves the app with demo data, `make test` runs the whole suite.
VENV ?= .venv
PYTHON ?= python3
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 5000
# Development server over plain http on loopback: cookies cannot be "Secure" there.
# Production is the default (it refuses the built-in secret key): ask for development explicitly.
DEV_ENV := LEGALDESK_DEPLOYMENT=development \
	LEGALDESK_SESSION_COOKIE_SECURE=false LEGALDESK_REMEMBER_COOKIE_SECURE=false

.PHONY: run test test-sqlite test-postgres install install-test translations catalog lint bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: $(BIN)/python setup.cfg pyproject.toml
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

install: $(VENV)/.installed translations

install-test: $(VENV)/.installed-test translations

translations: $(VENV)/.installed
	$(BIN)/pybabel compile --use-fuzzy -d legaldesk/translations >/dev/null

run: install
	$(DEV_ENV) $(BIN)/legaldesk db upgrade
	$(DEV_ENV) $(BIN)/legaldesk demo --if-empty
	$(DEV_ENV) $(BIN)/legaldesk serve --scheduler --host $(HOST) --port $(PORT)

test: install-test
	LEGALDESK_TEST_DB=sqlite $(BIN)/pytest
	LEGALDESK_TEST_DB=postgres $(BIN)/pytest

test-sqlite: install-test
	LEGALDESK_TEST_DB=sqlite $(BIN)/pytest

test-postgres: install-test
	LEGALDESK_TEST_DB=postgres $(BIN)/pytest

# After changing user-visible strings: refresh the template and the English catalogue, then
# translate the new empty msgstr entries (tests/test_i18n.py fails while one is missing).
catalog: $(VENV)/.installed
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext -k N_ -o legaldesk/translations/messages.pot .
	$(BIN)/pybabel update -i legaldesk/translations/messages.pot -d legaldesk/translations --no-fuzzy-matching

lint: install-test
	$(BIN)/ruff check legaldesk tests bench

clean:
	rm -rf $(VENV) *.egg-info .pytest_cache .ruff_cache
