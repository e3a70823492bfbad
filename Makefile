# Two commands for a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
MO := catalog/translations/ja/LC_MESSAGES/messages.mo

.PHONY: run test install install-test translations browser-deps clean

run: install translations
	$(BIN)/catalog init
	$(BIN)/catalog demo
	$(BIN)/catalog serve --host 127.0.0.1 --port 5000

test: install-test translations browser-deps
	$(BIN)/pytest

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

$(VENV)/.installed: setup.cfg pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

translations: $(MO)

# The browser tests drive Debian's Chromium through Playwright (never `playwright install`,
# which downloads a browser build) and check accessibility with axe-core from npm.
# A Japanese font makes the screenshots readable. Both steps do nothing when already done.
CHROMIUM ?= /usr/bin/chromium
browser-deps: node_modules/.package-lock.json
	@test -x $(CHROMIUM) && test -n "$$(fc-list :lang=ja 2>/dev/null)" || { apt-get update && \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y chromium fonts-ipafont-gothic; }

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

$(MO): catalog/translations/ja/LC_MESSAGES/messages.po $(VENV)/.installed
	$(BIN)/pybabel compile --statistics -d catalog/translations

# Refresh the message catalogue after changing user-visible text; then translate the
# new entries in catalog/translations/ja/LC_MESSAGES/messages.po.
messages: install
	$(BIN)/pybabel extract -F babel.cfg -k _ -k gettext -k lazy_gettext -k ngettext:1,2 \
	  --no-location --sort-output -o catalog/translations/messages.pot \
	  catalog access_control ingest harvesters templates
	$(BIN)/pybabel update --no-fuzzy-matching -i catalog/translations/messages.pot \
	  -d catalog/translations

clean:
	rm -rf $(VENV) instance .pytest_cache node_modules test-artifacts
