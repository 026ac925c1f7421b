# Two commands do all set-up on a fresh Debian machine with Python ≥ 3.11:
#   make run   — install, then start the map app on the bundled data (http://127.0.0.1:8501)
#   make test  — install (Python packages; Debian gdal-bin, chromium, fonts-noto-cjk, npm,
#                poppler-utils, postgresql + postgis, python3-qgis where it can), lint,
#                type-check (mypy, configured in pyproject.toml), run every test
VENV ?= .venv
PY := $(VENV)/bin/python

.PHONY: setup assets app-sysdeps sysdeps run test bench build preview clean

setup: $(VENV)/.installed assets

$(VENV)/.installed: pyproject.toml
	python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip "setuptools>=77"
	$(PY) -m pip install --quiet -e '.[test]'
	touch $@

# Leaflet and its plugins, from the npm registry into static/vendor/ (pinned, hashed):
# the map is served by the app itself and needs no CDN.
assets:
	@python3 scripts/fetch_web_assets.py

# What the app needs of Debian: Noto CJK draws Chinese in the PNG and the briefing,
# chromium makes the map's PNG, npm fetches the map's libraries once.
APP_DEBS = fc-list 2>/dev/null | grep -q "Noto Sans CJK" || missing="$$missing fonts-noto-cjk"; \
	command -v chromium >/dev/null || missing="$$missing chromium"; \
	command -v npm >/dev/null || missing="$$missing npm";
# What the tests need besides: ogrinfo (gdal-bin) reads exports back; python3-gdal brings
# GDAL's validate_gpkg.py, run on every GeoPackage; pdftotext reads the briefing's PDF;
# PostgreSQL with PostGIS (and psql) take `shmap export --postgis` and `shmap serve --postgis`.
TEST_DEBS = command -v ogrinfo >/dev/null || missing="$$missing gdal-bin"; \
	[ -f /usr/lib/python3/dist-packages/osgeo_utils/samples/validate_gpkg.py ] || missing="$$missing python3-gdal"; \
	command -v pdftotext >/dev/null || missing="$$missing poppler-utils"; \
	ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing="$$missing postgresql"; \
	ls /usr/share/postgresql/*/extension/postgis.control >/dev/null 2>&1 || missing="$$missing postgresql-15-postgis-3";
INSTALL_MISSING = if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	  else \
	    echo "please install:$$missing (sudo apt-get install$$missing)"; exit 1; \
	  fi; \
	fi

app-sysdeps:
	@missing=""; $(APP_DEBS) $(INSTALL_MISSING)

# Headless QGIS (python3-qgis, several hundred MB) opens the exported project and PostGIS
# tables in the tests: installed where it can be; where it cannot, its tests say they are
# skipped and why.
sysdeps:
	@missing=""; $(APP_DEBS) $(TEST_DEBS) $(INSTALL_MISSING)
	@if [ "$$(id -u)" = 0 ] && ! /usr/bin/python3 -c "import qgis.core" 2>/dev/null; then \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-qgis \
	   >/dev/null 2>&1) || echo "python3-qgis could not be installed: its tests will be skipped"; \
	fi

run: app-sysdeps setup
	$(VENV)/bin/streamlit run app.py --server.address 127.0.0.1 --server.port 8501

# Every test, on all cores (pytest-xdist): a module stays on one worker (--dist loadfile)
# so its module fixtures (a cluster, a service) start once, and the app server and Chromium
# start once per worker (tests/conftest.py); the heaviest modules go first
# (tests/conftest.py orders them; --no-loadscope-reorder keeps that order).
PYTEST_PARALLEL ?= -n auto --dist loadfile --no-loadscope-reorder
test: sysdeps setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy
	$(VENV)/bin/pytest $(PYTEST_PARALLEL)

# Benchmarks print figures (no pass/fail): make bench N=1000000;
# make bench N=10000000 ENGINE=dask [ARGS=--spatial]
N ?= 100000
ENGINE ?= memory
ARGS ?=
bench: setup
	$(PY) benchmarks/run.py --n $(N) --engine $(ENGINE) $(ARGS)

build: setup
	$(VENV)/bin/shmap build
	$(VENV)/bin/shmap validate

preview: setup
	$(VENV)/bin/shmap preview -o docs/layers.png

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .mypy_cache *.egg-info artifacts static/vendor
