# Datapunk Lake: `make run` and `make test` install what is missing, build, and go.
SHELL := /bin/bash
export CARGO_TARGET_DIR ?= $(HOME)/.cache/datapunk-lake/target
export CARGO_TERM_COLOR ?= never
LAKE_BIN := $(CARGO_TARGET_DIR)/debug/lake
APP_BIN := $(CARGO_TARGET_DIR)/debug/datapunk-lake
# The lake `make run` opens (created on first run): the platform data folder, as the app's
# "Create lake" default.
LAKE ?= $(or $(XDG_DATA_HOME),$(HOME)/.local/share)/org.datapunk.lake/lake

.PHONY: check-windows deps ui build run demo test lint unit ui-test e2e dist check-boundaries bindings audit fuzz bench bench-takeout bench-app bench-tpch bench-spatial bench-lineage bench-time bench-metrics bench-vector fmt

deps:
	@bash scripts/install-deps.sh

# The web UI, embedded into the app at compile time (ui/dist).
# Rebuilt only when a UI source changed: the app embeds ui/dist, so a fresh dist would make
# cargo rebuild the app in every stage of `make test`.
UI_INPUTS := $(shell find ui/src -type f 2>/dev/null) $(wildcard ui/index.html ui/package.json \
  ui/package-lock.json ui/vite.config.ts ui/tsconfig.json)
ui: deps ui/dist/index.html

ui/dist/index.html: $(UI_INPUTS)
	npm --prefix ui run build

build: ui
	cargo build --workspace --locked

# Opens the app on the default lake; on the very first run it is seeded with sample data (the
# `make demo` tour) so there is something to explore.
run: build
	@if [ ! -e "$(LAKE)/catalog.sqlite" ]; then LAKE_DIR="$(LAKE)" LAKE_BIN=$(LAKE_BIN) bash scripts/demo.sh >/dev/null; fi
	$(APP_BIN) --lake "$(LAKE)"

# The command-line tour: imports a small German Takeout and some CSV into a demo lake.
demo: build
	LAKE_BIN=$(LAKE_BIN) bash scripts/demo.sh

# The workspace's own crates only: `--all` would also reformat the vendored Polars.
fmt:
	cargo fmt

# Clippy runs as the compiler wrapper of the workspace's own crates during the one debug build
# (what `cargo clippy` does, but producing the binaries and test executables as well), so
# `make test` compiles Polars and every other dependency once, not once to check and once to
# build. `make test` exports it to every stage, so the tests and the e2e reuse that build.
CLIPPY_ENV := CLIPPY_ARGS=-D__CLIPPY_HACKERY__warnings__CLIPPY_HACKERY__ \
  RUSTC_WORKSPACE_WRAPPER=$$(rustup which clippy-driver 2>/dev/null || command -v clippy-driver)

lint: ui
	@# Without clippy-driver the wrapper would be empty and the build would lint nothing.
	@test -x "$$(rustup which clippy-driver 2>/dev/null || command -v clippy-driver)" || { \
	  echo "error: clippy is not installed: rustup component add clippy"; exit 1; }
	cargo fmt -- --check
	$(CLIPPY_ENV) cargo build --workspace --all-targets --locked
	npm --prefix ui run lint
	node --check tests/e2e/scenario.mjs && node --check tests/e2e/webdriver.mjs

# lake-core must never depend on Tauri (the engine serves the CLI and the app alike).
check-boundaries:
	@if cargo tree -p lake-core -e normal,build | grep -qi tauri; then \
	  echo "error: lake-core depends on tauri"; exit 1; fi
	@echo "lake-core has no tauri dependency"
	@# Nothing leaves the machine: no HTTP or TLS client may be linked into any binary.
	@tree=$$(cargo tree --workspace -e normal --prefix none) || exit 1; \
	net=$$(echo "$$tree" | grep -E '^(reqwest|hyper|hyper-util|rustls|ureq|curl|isahc|attohttpc|h2|native-tls|openssl) ' | sort -u); \
	if [ -n "$$net" ]; then echo "error: a network client is in the dependency graph:"; echo "$$net"; \
	  echo "(see vendor/polars/VENDORED.md, patch 7)"; exit 1; fi
	@echo "no HTTP or TLS client in the dependency graph"

# The engine and the CLI type-checked for Windows (MinGW; not part of `make test`).
check-windows:
	bash scripts/check-windows.sh

# Regenerates ui/src/bindings/*.ts from the Rust types (a test fails when they drift).
bindings:
	UPDATE_BINDINGS=1 cargo test -p lake-app bindings

unit: ui
	$(CLIPPY_ENV) cargo test --workspace --no-fail-fast --locked

ui-test: deps
	npm --prefix ui test

# The real app window under Xvfb (tauri-driver + WebKitWebDriver); screenshots in tests/e2e/out.
# It runs on the app as a user installs it: the debug build packaged as a .deb, installed, and
# removed again (tests/e2e/installed.sh; where it cannot install, on the build, and says why).
e2e: ui
	bash tests/e2e/installed.sh

# The app and the lake CLI as .deb and .rpm packages in dist/ (scripts/dist.sh: a release
# build, LTO and stripped; PROFILE=debug for a quick one).
dist: deps
	bash scripts/dist.sh

# Dependency advisories (cargo audit, npm audit --omit=dev); each says so when its advisory
# service cannot be reached from this machine.
audit:
	bash scripts/audit.sh

# cargo fuzz over every reader of hostile input and the SQL guard: FUZZ_SECONDS per target
# (default 600), after replaying every saved finding in fuzz/regressions/.
FUZZ_SECONDS ?= 600
fuzz:
	bash scripts/fuzz.sh $(FUZZ_SECONDS)

# `make test` does not build these (a release build of Polars on nightly costs CI 20+ minutes
# cold); the `unit` stage runs the same target bodies on the debug build instead: saved
# findings, seeds and seeded mutations (crates/lake-cli/tests/fuzzreplay.rs).

# Each stage in turn, with how long it took (scripts/timed-stages.sh).
test: deps
	@bash scripts/disk-room.sh
	@$(CLIPPY_ENV) bash scripts/timed-stages.sh lint check-boundaries unit ui-test e2e audit

# `make bench` runs bench/run.sh, which ends with the Takeout bench (bench/takeout.sh).
bench: deps
	bash bench/run.sh

# Google Takeout only: lake import vs google_takeout_parser, Records.json vs DuckDB (SCALE=20 by default).
bench-takeout: deps
	bash bench/takeout.sh

# The desktop app only: cold start and idle memory vs a Tauri hello-world, 1M rows to the grid.
bench-app: deps
	bash bench/app.sh

# Spatial (POINTS=10000000 by default): the lake's R-tree vs DuckDB's RTREE index (spatial
# extension, offline) and SQLite's R*Tree: build, a 1% box query, index size, the map's viewport.
bench-spatial: deps
	bash bench/spatial.sh

# The lineage graph at 1,000 datasets (N=1000): the engine's graph and the app's drawing of it.
bench-lineage: deps
	bash bench/lineage.sh

# The timeline's density counts at three zooms against DuckDB on the same files.
bench-time: deps
	bash bench/time.sh

# Metrics and the result cache: recording's cost per TPC-H SF1 query, a cached repeat against
# DuckDB, lake metrics / lake report over a year of 100,000 queries; then the app's Monitoring
# page drawing that year in the real window (Xvfb).
bench-metrics: deps
	bash bench/metrics.sh
	bash bench/monitor.sh

# Vectors (N=100000 x DIM=384): the .npy import, and the nearest 10 by exact scan against DuckDB
# on the same Parquet files (and DuckDB's vss HNSW index for scale).
bench-vector: deps
	bash bench/vector.sh

# TPC-H (SF=1 by default): the 22 queries through the lake, DuckDB and raw Polars, answers
# checked against DuckDB's, per-query medians and ratios.
bench-tpch: deps
	bash bench/tpch.sh
