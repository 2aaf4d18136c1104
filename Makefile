# Two commands on a fresh machine: `make demo` and `make test`.
# Both create .venv and install reportmine into it first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DB ?= reportmine.db

.PHONY: demo test install benchmark clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[test]"
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/reportmine --db $(DB) ingest corpus
	$(BIN)/reportmine --db $(DB) reports
	@echo
	$(BIN)/reportmine --db $(DB) ask "Which areas merged their exploitation panel with a neighbour?" --k 3
	@echo
	$(BIN)/reportmine --db $(DB) compare -o briefing.html
	@echo
	@echo "Next: open briefing.html                             (shared learning across partnerships)"
	@echo "      $(BIN)/reportmine --db $(DB) show kestermoor    (a report as text)"
	@echo "      $(BIN)/reportmine --db $(DB) export passages --format csv -o passages.csv"

test: $(STAMP)
	$(BIN)/python -m pytest -q

benchmark: $(STAMP)
	$(BIN)/python benchmarks/parse.py
	$(BIN)/python benchmarks/tag.py
	$(BIN)/python benchmarks/ask.py
	$(BIN)/python benchmarks/nightly.py

clean:
	rm -rf $(VENV) $(DB) briefing.html briefing_files $(DB).lock $(basename $(DB)).blobs .pytest_cache benchmarks/.cache
