# Two commands do all set-up on a fresh Debian machine with Python ≥ 3.11:
#   make run   — install, then start the tool on the bundled data
#   make test  — install (Python packages and gdal-bin for ogrinfo), then lint and run every test
VENV ?= .venv
PY := $(VENV)/bin/python
DEBIAN_PACKAGES := gdal-bin fonts-noto-cjk

.PHONY: setup sysdeps run test build preview clean

setup: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $@

# ogrinfo (gdal-bin) reads exports back in the tests; Noto CJK draws Chinese labels.
sysdeps:
	@missing=""; \
	command -v ogrinfo >/dev/null || missing="$$missing gdal-bin"; \
	fc-list 2>/dev/null | grep -q "Noto Sans CJK" || missing="$$missing fonts-noto-cjk"; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	  else \
	    echo "please install:$$missing (sudo apt-get install$$missing)"; exit 1; \
	  fi; \
	fi

run: setup sysdeps
	$(VENV)/bin/shmap layers
	$(VENV)/bin/shmap preview -o layers-preview.png

test: setup sysdeps
	$(VENV)/bin/ruff check .
	$(VENV)/bin/pytest

build: setup
	$(VENV)/bin/shmap build
	$(VENV)/bin/shmap validate

preview: setup
	$(VENV)/bin/shmap preview -o docs/layers.png

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache *.egg-info layers-preview.png
