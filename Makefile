# Two commands on a fresh machine:  make run   and   make test
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export SAKSFINN_HOME ?= $(CURDIR)/.saksfinn
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export PREFECT_HOME ?= $(CURDIR)/.saksfinn/prefect

.PHONY: run install system-deps test test-fast bench corpus train reader clean

run: install system-deps
	@mkdir -p "$(PREFECT_HOME)"
	$(BIN)/saksfinn ingest corpus/documents
	$(BIN)/saksfinn status
	$(BIN)/saksfinn search "heltidskultur erfaringer" --top 3

install: $(STAMP)

# torch first, from the local CPU wheel: otherwise sentence-transformers pulls a CUDA build.
$(STAMP): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q torch==2.13.0
	$(BIN)/pip install -q -c constraints.txt -e '.[test]'
	touch $(STAMP)

# OCR, the browser, PostgreSQL for end-to-end tests and Apertium's Nynorsk-Bokmål pair (query
# translation, README "Search"): installed when missing and we are root; optional otherwise
# (the tests that need them then skip, saying why; search then works without translation).
system-deps:
	@if ! command -v tesseract >/dev/null || ! command -v chromium >/dev/null || ! command -v apertium >/dev/null || ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq tesseract-ocr tesseract-ocr-nor chromium postgresql apertium-nno-nob >/dev/null) \
	      || echo "note: could not install tesseract/chromium/postgresql/apertium; OCR, browser, PostgreSQL and Apertium tests will be skipped"; \
	  else echo "note: tesseract, chromium, postgresql or apertium missing; OCR falls back to needs_ocr, those tests skip"; fi; \
	fi

test: install system-deps reader
	@mkdir -p "$(PREFECT_HOME)"
	$(BIN)/python -m pytest -q

test-fast: install
	$(BIN)/python -m pytest -q -m "not slow"

bench: install
	$(BIN)/python bench/run_all.py

# The prose classifiers (extractors/data/prose_model.*) from eval/annotations and ../shared/corpus;
# seeded, offline, a few minutes on 2 cores. The artefact is committed: make run does not need this.
train: install
	$(BIN)/python eval/prose_train.py
	$(BIN)/python eval/prose_train.py --features e5
	$(BIN)/python eval/prose_train.py --features pooled
	$(BIN)/python eval/prose_reader_train.py

# The fine-tuned prose reader's weights (14 MB, not committed): generated from eval/annotations and
# ../shared/corpus when missing — the final fit only, with the committed model's settings (5.5 min
# on 2 cores from an empty cache, seeded); the committed calibration (prose_model_reader.*) is kept.
# Without ../shared ingest uses the pooled model.
READER_WEIGHTS = extractors/data/prose_reader.pt
reader: install
	@if [ ! -f $(READER_WEIGHTS) ] && [ -d ../shared/corpus ]; then $(BIN)/python eval/prose_reader_train.py --weights-only; \
	elif [ ! -f $(READER_WEIGHTS) ]; then echo "note: no ../shared/corpus, prose reader not generated; the pooled prose model runs"; fi

corpus: install
	$(BIN)/python corpus/make_corpus.py

clean:
	rm -rf $(VENV) .saksfinn .pytest_cache
