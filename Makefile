# Two entry points for a fresh machine: `make demo` and `make test`.
PY ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: setup browser demo test bench clean

$(BIN)/python:
	$(PY) -m venv $(VENV) || python3 -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(STAMP): $(BIN)/python pyproject.toml
	# torch first, pinned: any other request pulls a multi-GB CUDA build.
	$(BIN)/pip install -q torch==2.13.0
	$(BIN)/pip install -q -e '.[test]'
	# selenium (browser tests) asks for a newer certifi than the registry mirror has: install it
	# and its pinned dependencies without resolution.
	$(BIN)/pip install -q --no-deps selenium==4.52.0 websocket-client==1.9.2 trio==0.35.0 trio-websocket==0.12.2 \
	  PySocks==1.7.1 outcome==1.3.0.post0 sniffio==1.3.1 wsproto==1.3.2 h11==0.16.0
	touch $(STAMP)

setup: $(STAMP)

demo: setup
	rm -rf demo-out demo.db
	HF_HUB_OFFLINE=1 $(BIN)/storyline --db demo.db analyze examples/ --out demo-out
	@echo "Report written to $(CURDIR)/demo-out/report.html (also report.json, report.md)"

# Browser tests need Debian's chromium + chromium-driver; installed when we can (root with apt),
# otherwise those tests skip and say why.
browser:
	@if [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromedriver ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null) \
	      || echo "could not install chromium; browser tests will be skipped"; \
	  else echo "chromium not installed (needs root + apt); browser tests will be skipped"; fi; \
	fi

test: setup browser
	HF_HUB_OFFLINE=1 $(BIN)/python -m pytest

clean:
	rm -rf demo-out demo.db .pytest_cache
