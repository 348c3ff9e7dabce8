# Datapunk Lake: `make run` and `make test` install what is missing, build, and go.
SHELL := /bin/bash
export CARGO_TARGET_DIR ?= $(HOME)/.cache/datapunk-lake/target
export CARGO_TERM_COLOR ?= never
LAKE_BIN := $(CARGO_TARGET_DIR)/debug/lake

.PHONY: deps build run test lint unit check-boundaries bench bench-takeout fmt

deps:
	@bash scripts/install-deps.sh

build: deps
	cargo build -p lake-cli

run: build
	LAKE_BIN=$(LAKE_BIN) bash scripts/demo.sh

fmt:
	cargo fmt --all

lint: deps
	cargo fmt --all -- --check
	cargo clippy --workspace --all-targets -- -D warnings

# lake-core must never depend on Tauri (the engine serves the CLI and the app alike).
check-boundaries:
	@if cargo tree -p lake-core -e normal,build | grep -qi tauri; then \
	  echo "error: lake-core depends on tauri"; exit 1; fi
	@echo "lake-core has no tauri dependency"

unit: deps
	cargo build -p lake-cli
	cargo test --workspace --no-fail-fast

test: lint check-boundaries unit

# `make bench` runs bench/run.sh, which ends with the Takeout bench (bench/takeout.sh).
bench: deps
	bash bench/run.sh

# Google Takeout only: lake import vs google_takeout_parser, Records.json vs DuckDB (SCALE=20 by default).
bench-takeout: deps
	bash bench/takeout.sh
