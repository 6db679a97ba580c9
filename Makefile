# Two commands on a fresh machine (Python >= 3.12 somewhere; see README):
#   make lab    set everything up and open the course in JupyterLab at the welcome lesson
#   make test   set everything up and run the whole test suite
PY := .venv/bin/python

.PHONY: lab test setup bench labs sync lite site clean

setup:
	@bash tools/bootstrap.sh

# --allow-root only where it is needed (containers, CI images run as root)
ROOT_FLAG := $(shell [ "$$(id -u)" = 0 ] && echo --allow-root)

# The whole repository is browsable; the browser opens at the welcome lesson.
lab: setup
	$(PY) -m jupyter lab $(ROOT_FLAG) --ServerApp.root_dir="$(CURDIR)" \
		--LabApp.default_url=/lab/tree/lessons/00_welcome.ipynb

# Two workers (pytest-xdist); each file stays on one worker, so a notebook's cells run in
# order in one kernel. TEST_WORKERS=0 runs everything in this process.
TEST_WORKERS ?= 2
test: setup
	$(PY) -m pytest -n $(TEST_WORKERS) --dist loadfile

bench: setup
	$(PY) benchmarks/run.py

labs: setup
	$(PY) tools/make_labs.py
	$(PY) tools/sync_notebooks.py

# The course as a static JupyterLite site in _build/lite (Python in the browser); serve it
# with `python -m http.server -d _build/lite`. The first build needs PyPI (then cached).
lite: setup
	$(PY) tools/build_lite.py

# The course website: every lesson and lab executed, rendered with Sphinx + MyST-NB into
# _build/site/html (offline; installs the `site` extra into .venv the first time).
site: setup
	@$(PY) -c "import myst_nb, sphinx_book_theme" 2>/dev/null || \
		$(PY) -m pip install --quiet --disable-pip-version-check -e ".[site]"
	$(PY) tools/build_site.py --jobs 2

# After changing the repository URL, the version or [tool.risklab] ref in pyproject.toml.
sync: setup
	$(PY) tools/sync_notebooks.py

clean:
	rm -rf .venv .pytest_cache _build
