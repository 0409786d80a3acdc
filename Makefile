# make lab   set up .venv with the lesson's dependencies only (first time only) and open the notebooks in JupyterLab
# make test  set up .venv for tests (first time only), lint, and run every test, notebooks and browser included
# make setup only set up .venv for tests (install with the test and cluster extras, compile the training engine)
# PYTHON=python3.11 (any of these) names the Python 3.11 or newer that creates .venv; the default is python3
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test
# Test processes (pytest-xdist); each test file runs whole on one of them, slowest first (tests/conftest.py).
WORKERS ?= 2
XDIST = -n $(WORKERS) --dist loadfile --no-loadscope-reorder

.PHONY: setup lab test test-matrix execute release bench clean python-version

# The lesson: runtime dependencies only.
$(STAMP): pyproject.toml | python-version
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e .
	$(PY) -c "from init_utils.engine import warm; warm()"   # compile the training engine once, into numba's cache
	touch $(STAMP)

# The project needs Python 3.11 or newer (pyproject.toml): check the interpreter before pip fails inside the venv.
# An existing venv is checked instead of $(PYTHON), so a venv an older Python made is named, not reused, and one
# whose Python is gone (uninstalled or upgraded) is named too.
FIX = make $(or $(MAKECMDGOALS),lab) PYTHON=python3.11
CHECK = import sys; v = sys.version_info; sys.exit(None if v >= (3, 11) else \
  "%s Python %d.%d: the lab needs Python 3.11 or newer. %s" % (sys.argv[1], v[0], v[1], sys.argv[2]))
python-version:
	@if test -L $(PY) && ! test -e $(PY); then echo "$(VENV)'s Python ($$(readlink $(PY))) no longer exists: remove \
	$(VENV) (rm -rf $(VENV), or make clean), then make $(or $(MAKECMDGOALS),lab)" >&2; exit 1; \
	elif test -x $(PY); then $(PY) -c '$(CHECK)' "$(VENV) was made by" "Remove it (rm -rf $(VENV), or make clean), then $(FIX)"; \
	elif command -v $(PYTHON) >/dev/null; then $(PYTHON) -c '$(CHECK)' "$(PYTHON) is" "Choose another: $(FIX)"; \
	else echo "$(PYTHON) not found: the lab needs Python 3.11 or newer. Name it: $(FIX)" >&2; exit 1; fi

# Tests and batch grading on Dask: the extras on top.
$(TEST_STAMP): $(STAMP)
	$(PY) -m pip install --quiet -e '.[test,cluster]'
	touch $(TEST_STAMP)

# nbgrader goes into its own folder, used only by the test that runs it on the source notebook,
# so its JupyterLab extension never appears in the learner's lab or the browser tests.
NBGRADER := $(VENV)/nbgrader-lib/.installed
$(NBGRADER): $(STAMP)
	$(PY) -m pip install --quiet --target $(VENV)/nbgrader-lib 'nbgrader>=0.9,<0.10'
	touch $(NBGRADER)

# JupyterLab refuses to start as root unless told; containers and some CI machines run as root.
ALLOW_ROOT := $(if $(filter 0,$(shell id -u)),--allow-root,)

setup: $(TEST_STAMP)

# hide_globs keeps the solved notebook (source/) and the nbval settings out of the learner's file browser.
# The lab's Terminal starts in this folder (the server's working directory), so the README's commands work there as
# written. The venv's bin/ goes first on PATH, as activating the venv would put it, for `python`, `pip` and
# `initlab-grade` in that Terminal (unless the shell's own startup files put another first). Naming the shell keeps it
# from being a login shell, which JupyterLab starts when make lab's output is not a terminal: /etc/profile resets PATH.
lab: $(STAMP)
	PATH="$(abspath $(VENV))/bin:$$PATH" VIRTUAL_ENV="$(abspath $(VENV))" $(VENV)/bin/jupyter lab $(ALLOW_ROOT) notebooks/ \
	  --ContentsManager.hide_globs="['__pycache__', '*.pyc', '*.pyo', '.DS_Store', '*~', 'source', 'nbval_sanitize.cfg']" \
	  --ServerApp.terminado_settings="{'shell_command': ['$${SHELL:-/bin/sh}']}"

# nbval runs the solved notebook in a fresh kernel (the one execution of it in a test run) and compares every
# output with the stored one, through the sanitizers of notebooks/nbval_sanitize.cfg.
NBVAL := --nbval --nbval-current-env --nbval-sanitize-with notebooks/nbval_sanitize.cfg
SOURCE_NB := notebooks/source/Initialization_solution.ipynb

# Lint first (rules in pyproject.toml), then every test on $(WORKERS) processes, the ten slowest named at the end.
test: $(TEST_STAMP) $(NBGRADER)
	$(PY) -m ruff check .
	$(PY) -m pytest $(XDIST) --durations=10 tests $(NBVAL) $(SOURCE_NB)

# The numeric and notebook tests again under other CPU configurations (see .ci/cpu-matrix).
test-matrix: $(TEST_STAMP)
	PY=$(PY) XDIST='$(XDIST)' .ci/cpu-matrix

# Speed, as ratios to baselines measured in the same run (see benchmarks/).
bench: $(STAMP)
	$(PY) benchmarks/bench_training.py
	$(PY) benchmarks/bench_explorer.py

clean:
	rm -rf $(VENV) build dist *.egg-info .pytest_cache .ruff_cache

# Re-run the solved source notebook and store its outputs (instructors, after editing it). Widget state is not
# stored, so a stored widget view would show "model not found": keep only its picture and text fallbacks.
execute: $(STAMP)
	$(VENV)/bin/jupyter nbconvert --to notebook --execute --inplace --ExecutePreprocessor.store_widget_state=False $(SOURCE_NB)
	$(VENV)/bin/jupyter nbconvert --to notebook --inplace --coalesce-streams $(SOURCE_NB)
	$(PY) -c "import sys, nbformat; nb = nbformat.read(sys.argv[1], as_version=4); [o.get('data', {}).pop('application/vnd.jupyter.widget-view+json', None) for c in nb.cells for o in c.get('outputs', [])]; nbformat.write(nb, sys.argv[1])" $(SOURCE_NB)

# Generate the student notebook from the solved source.
release: $(STAMP)
	$(PY) -m instructor_tools.release
