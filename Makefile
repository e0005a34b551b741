# Kinlink: `make demo` and `make test` do all set-up on a fresh machine.
SHELL := /bin/bash
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: demo test test-sqlite test-postgres install system-deps lint messages bench serve clean

$(STAMP): pyproject.toml
	@$(MAKE) --no-print-directory system-deps
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	touch $(STAMP)

install: $(STAMP) messages

# Debian packages the build and the browser tests need; installed only when missing.
system-deps:
	@missing=""; \
	command -v pkg-config >/dev/null || missing="$$missing pkg-config"; \
	pkg-config --exists icu-uc 2>/dev/null || missing="$$missing libicu-dev"; \
	command -v msgfmt >/dev/null || missing="$$missing gettext"; \
	command -v chromium >/dev/null || missing="$$missing chromium"; \
	if [ -n "$$missing" ]; then \
	  echo "installing Debian packages:$$missing"; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing >/dev/null; \
	fi

messages: $(STAMP)
	@if [ -d src/kinlink/locale ]; then \
	  cd src/kinlink && DJANGO_SETTINGS_MODULE=kinlink.settings.test ../../$(BIN)/django-admin compilemessages -v0; \
	fi

demo: install
	$(BIN)/kinlink demo

serve: install
	$(BIN)/kinlink serve

test: install
	@$(MAKE) --no-print-directory test-sqlite
	@$(MAKE) --no-print-directory test-postgres

test-sqlite: install
	@echo "== tests on SQLite"
	DB=sqlite $(BIN)/pytest -n 2 -m "not browser and not two_nodes" -p no:cacheprovider

test-postgres: install
	@echo "== tests on PostgreSQL (and the browser tests)"
	scripts/with-postgres.sh $(BIN)/pytest -n 2 -p no:cacheprovider

lint: install
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench || true

# The quick benchmarks (about 10 minutes); the 1,000,000-record runs are in bench/RESULTS.md.
bench: install
	$(BIN)/pip install -q -e '.[dev,bench]'
	$(BIN)/python bench/matching/run.py --children 20000 --requests 2000 --seed 1
	$(BIN)/python bench/matching/febrl.py
	$(BIN)/python bench/stats/run.py --cases 100000 --db sqlite --repeat 3 --refresh-repeat 1

clean:
	rm -rf $(VENV) var .pytest_cache
