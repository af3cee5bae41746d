# The front door: `make run` and `make test` set up .venv on first use.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-$(shell cat pyproject.toml constraints.txt | cksum | cut -d' ' -f1)
APP    ?= examples/echo_demo
RUNTIME ?= micropython
# Boards: BOARD is a qpyshim board (esp32, quectel, unix) for image, flash and
# deploy, and a MicroPython board (ESP32_GENERIC, ...) for firmware.
BOARD  ?=
PORT   ?=
IMAGE  ?= build/fs.img
CONFIG ?=
FIRMWARE ?=
MICROPY_DIR ?=
DIR    ?=
RESET  ?=
need_port = $(if $(PORT),,$(error PORT is not set, e.g. make $@ PORT=/dev/ttyUSB0))

.PHONY: run test bench setup clean image flash deploy board firmware coverage

setup: $(STAMP)

$(STAMP): pyproject.toml constraints.txt
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 10))' || \
		{ echo "qpyshim needs Python 3.10 or newer (found: $$($(PYTHON) --version))"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[test]'
	@rm -f $(VENV)/.installed-*
	@touch $@

run: $(STAMP)
	$(BIN)/qpyshim run --runtime $(RUNTIME) $(APP)

test: $(STAMP)
	$(BIN)/python -m pytest

# Line coverage of shim/ on CPython over the whole suite (slower than `make test`).
coverage: $(STAMP)
	rm -rf .coverage-data && mkdir .coverage-data
	-COVERAGE_RCFILE=$(CURDIR)/.coveragerc COVERAGE_FILE=$(CURDIR)/.coverage-data/.coverage \
		$(BIN)/python -m coverage run -m pytest -q -p no:cacheprovider
	COVERAGE_RCFILE=$(CURDIR)/.coveragerc COVERAGE_FILE=$(CURDIR)/.coverage-data/.coverage \
		$(BIN)/python -m coverage combine -q
	COVERAGE_RCFILE=$(CURDIR)/.coveragerc COVERAGE_FILE=$(CURDIR)/.coverage-data/.coverage \
		$(BIN)/python -m coverage report --precision=1

bench: $(STAMP)
	$(BIN)/python bench/run.py

# The image is a build output: build/ is git-ignored.
image: $(STAMP)
	@mkdir -p $(dir $(IMAGE))
	$(BIN)/qpyshim image --board $(or $(BOARD),esp32) $(APP) -o $(IMAGE) $(if $(CONFIG),--config $(CONFIG))

flash: $(STAMP)
	$(need_port)
	$(BIN)/qpyshim flash --board $(or $(BOARD),esp32) --port $(PORT) $(if $(FIRMWARE),--firmware $(FIRMWARE)) $(IMAGE)

deploy: $(STAMP)
	$(need_port)
	$(BIN)/qpyshim deploy --port $(PORT) $(if $(BOARD),--board $(BOARD)) $(if $(CONFIG),--config $(CONFIG)) $(if $(RESET),--reset) $(APP)

board: $(STAMP)
	$(BIN)/qpyshim board $(if $(DIR),--dir $(DIR))

firmware: $(STAMP)
	$(BIN)/qpyshim firmware --board $(or $(BOARD),ESP32_GENERIC) $(if $(MICROPY_DIR),--micropython-dir $(MICROPY_DIR))

clean:
	rm -rf $(VENV) .pytest_cache *.egg-info .coverage-data build dist
