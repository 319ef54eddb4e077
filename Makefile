# pqfl-kit: every set-up step lives here, so a fresh Debian/Ubuntu machine needs only `make lab`
# (open the kit) or `make test` (run every test). Both create .venv and install what they need.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PORT ?= 8888
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
PYTEST_ARGS ?=
export KERAS_BACKEND ?= jax
export PYTHONHASHSEED ?= 0

LIBOQS := $(VENV)/liboqs/.pqfl-liboqs-0.16.0

.PHONY: lab apps test test-fast lint bench venv liboqs system-build-deps system-test-deps notebooks clean help student-release grade

help:
	@echo "make lab    - open the kit in JupyterLab (creates .venv on first run)"
	@echo "make test   - run every test: unit, notebooks (nbval), browser (Chromium), broker (RabbitMQ)"
	@echo "make apps   - serve every notebook as a Voila app"
	@echo "make lint   - ruff (package, tests, notebooks) and mypy (package); part of make test"
	@echo "make bench  - run the benchmarks under benchmarks/ and print their ratio tables"
	@echo "make liboqs - build liboqs 0.16.0 into .venv/liboqs (the PQC backend Binder learners get)"
	@echo "make student-release - an assessed copy for a class (no solutions) in build/student (OUT=...)"
	@echo "make grade SUBMISSIONS=folder - autograde handed-in notebooks into grades.csv (GRADES=...)"

$(VENV)/.python-ok:
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "pqfl-kit needs Python >= 3.11 (found " + sys.version.split()[0] + ")"'
	@$(PYTHON) -m venv --help >/dev/null 2>&1 && $(PYTHON) -c 'import ensurepip' 2>/dev/null || \
	  ($(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq python3-venv)
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	touch $@

$(VENV)/.lab-ok: $(VENV)/.python-ok requirements.txt pyproject.toml
	$(BIN)/pip install -q -r requirements.txt
	$(BIN)/pip install -q --no-deps -e .
	touch $@

$(VENV)/.test-ok: $(VENV)/.lab-ok requirements-test.txt
	$(BIN)/pip install -q -r requirements-test.txt
	touch $@

venv: $(VENV)/.test-ok

# liboqs (ML-KEM + ML-DSA) from ../shared/vendor when present, else git tag 0.16.0 from GitHub.
system-build-deps:
	@missing=""; \
	command -v cmake >/dev/null || missing="$$missing cmake"; \
	command -v ninja >/dev/null || missing="$$missing ninja-build"; \
	command -v cc >/dev/null || missing="$$missing gcc"; \
	command -v git >/dev/null || missing="$$missing git"; \
	if [ -n "$$missing" ]; then \
	  echo "installing Debian packages:$$missing"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing; \
	fi

$(LIBOQS): $(VENV)/.python-ok tools/build_liboqs.sh
	$(MAKE) --no-print-directory system-build-deps
	PYTHON=$(BIN)/python bash tools/build_liboqs.sh

liboqs: $(LIBOQS)

# Debian's Chromium drives the Voila apps; Debian's RabbitMQ is the real broker of the broker tests.
system-test-deps:
	@missing=""; \
	[ -x /usr/bin/chromium ] || missing="$$missing chromium"; \
	[ -x /usr/lib/rabbitmq/bin/rabbitmq-server ] || missing="$$missing rabbitmq-server"; \
	if [ -n "$$missing" ]; then \
	  echo "installing Debian packages:$$missing"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing; \
	fi

# The kit runs without liboqs (OpenSSL backend), so a failed liboqs build does not stop `make lab`.
lab: $(VENV)/.lab-ok
	@$(MAKE) --no-print-directory liboqs || echo "liboqs could not be built: the kit uses its OpenSSL backend."
	JUPYTER_CONFIG_PATH="$(CURDIR)/etc/jupyter$${JUPYTER_CONFIG_PATH:+:$$JUPYTER_CONFIG_PATH}" \
	$(BIN)/jupyter lab --ServerApp.ip=127.0.0.1 --ServerApp.port=$(PORT) \
	  $$([ "$$(id -u)" = 0 ] && echo --ServerApp.allow_root=True) notebooks/00_start_here.ipynb

# The app gallery (Voila's landing page) opens in the browser; each card opens an app view (title,
# introduction, app). etc/jupyter/voila.py is the configuration; lesson links go to `make lab` on $(PORT).
apps: APPS_PORT ?= 8866
apps: $(VENV)/.lab-ok
	@$(MAKE) --no-print-directory liboqs || echo "liboqs could not be built: the kit uses its OpenSSL backend."
	JUPYTER_CONFIG_PATH="$(CURDIR)/etc/jupyter$${JUPYTER_CONFIG_PATH:+:$$JUPYTER_CONFIG_PATH}" \
	PQFL_LAB_URL=http://127.0.0.1:$(PORT)/ $(BIN)/voila notebooks --Voila.ip=127.0.0.1 --port=$(APPS_PORT)

# Both PQC backends are tested: liboqs must build and load here (PQFL_REQUIRE_LIBOQS=1).
test: $(VENV)/.test-ok system-test-deps $(LIBOQS)
	$(MAKE) --no-print-directory lint
	PQFL_REQUIRE_LIBOQS=1 PQFL_PQC_BACKEND=liboqs $(BIN)/python -m pytest tests notebooks --nbval-lax --nbval-current-env \
	  --nbval-sanitize-with tests/nbval_sanitize.cfg --nbval-cell-timeout=600 \
	  -p no:cacheprovider $(PYTEST_ARGS)

# ruff checks the package, tests, benchmarks, tools and notebooks; mypy the package (pyproject.toml);
# every notebook's app cell carries the `app` tag that Voila's app view keeps, and nbval's markers
# are cell tags, not comments in the learners' code.
lint: $(VENV)/.test-ok
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/python tools/tag_app_cells.py --check
	$(BIN)/python tools/nbval_tags.py --check

# Unit tests only (nothing that starts a kernel, browser, broker or server, or takes over 2 s): < 60 s.
test-fast: $(VENV)/.test-ok
	$(BIN)/python -m pytest tests -m "not browser and not broker and not slow and not kernel" -p no:cacheprovider \
	  $(PYTEST_ARGS)

bench: $(VENV)/.test-ok $(LIBOQS)
	@for b in benchmarks/bench_*.py; do echo "== $$b"; $(BIN)/python $$b || exit 1; done

# Re-execute every notebook (or NB="02 05") in place (after changing one) and refresh the navigation links.
notebooks: $(VENV)/.lab-ok $(LIBOQS)
	$(BIN)/python tools/add_navigation.py
	PQFL_PQC_BACKEND=liboqs $(BIN)/python tools/execute_notebooks.py $(NB)

# Classroom mode (docs/teaching.md): the student release has no solutions and check() only records;
# the autograder re-runs handed-in notebooks with this full kit and writes one CSV row per notebook.
student-release: $(VENV)/.lab-ok
	$(BIN)/python tools/make_student_release.py $(or $(OUT),build/student)

grade: $(VENV)/.lab-ok
	@[ -n "$(SUBMISSIONS)" ] || { echo "usage: make grade SUBMISSIONS=folder-of-notebooks [GRADES=grades.csv]"; exit 2; }
	$(BIN)/python tools/autograde.py "$(SUBMISSIONS)" --out "$(or $(GRADES),grades.csv)"

clean:
	rm -rf $(VENV) test-artifacts .pytest_cache
