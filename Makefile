# Entry points. `make run` starts a demo gateway with the Jiangnan channel and bank simulator;
# `make test` runs every test. Both install missing Debian packages first (scripts/install-deps.sh).
#
# SWIFT_BUILD_FLAGS is passed to `swift build`; the tests that run `make run` inside `swift test` pass
# --ignore-lock there, since `swift test` holds the .build lock while tests run.

SWIFT ?= swift
SWIFT_BUILD_FLAGS ?=
RUN_DIR ?= .run
export RUN_DIR
PG_TEST_DIR ?= $(CURDIR)/.build/postgres
PG_TEST_PORT ?= 55432

.PHONY: all build run test guide bench bench-recon bench-limits bench-statements clean-run deps test-deps

all: build

deps:
	scripts/install-deps.sh

test-deps:
	scripts/install-deps.sh --test

build: deps
	$(SWIFT) build $(SWIFT_BUILD_FLAGS)

run: build
	scripts/run-demo.sh

# Every gateway answer the tests receive is checked against docs/*openapi.yaml and recorded here; after the
# suite, APICoverageTests fails on any mismatch and on any documented error code that no test produced.
API_COVERAGE_FILE ?= $(CURDIR)/.build/api-coverage.jsonl

# The tests find the built products in GATEWAY_BIN_DIR, the plugin fixtures in GATEWAY_FIXTURES_DIR,
# the bank simulator in JIANGNAN_SIM_BIN, schemathesis in SCHEMATHESIS and a PostgreSQL server in
# GATEWAY_TEST_POSTGRES_URL: a private cluster in PG_TEST_DIR on 127.0.0.1:PG_TEST_PORT (scripts/postgres.sh),
# stopped afterwards, pass or fail, unless it was already running before.
test: test-deps build
	@if [ -f scripts/build-fixtures.sh ]; then bash scripts/build-fixtures.sh "$(CURDIR)/.build/fixtures"; fi
	rm -f "$(API_COVERAGE_FILE)"
	if [ -z "$$(bash scripts/postgres.sh url "$(PG_TEST_DIR)" 2>/dev/null)" ]; then \
		trap 'bash scripts/postgres.sh stop "$(PG_TEST_DIR)"' EXIT; trap 'exit 130' INT TERM; fi; \
	pg_url="$$(bash scripts/postgres.sh start "$(PG_TEST_DIR)" "$(PG_TEST_PORT)")" || exit 1; \
	bin="$$($(SWIFT) build --show-bin-path)" && \
	GATEWAY_BIN_DIR="$$bin" \
	GATEWAY_FIXTURES_DIR="$(CURDIR)/.build/fixtures" \
	JIANGNAN_SIM_BIN="$$bin/jiangnan-sim" \
	HAIXI_SIM_BIN="$$bin/haixi-sim" \
	SCHEMATHESIS="$(CURDIR)/.build/venv/bin/schemathesis" \
	GATEWAY_TEST_POSTGRES_URL="$$pg_url" \
	GATEWAY_API_COVERAGE_FILE="$(API_COVERAGE_FILE)" \
	$(SWIFT) test && \
	GATEWAY_API_COVERAGE_FILE="$(API_COVERAGE_FILE)" GATEWAY_API_COVERAGE_CHECK=1 \
	$(SWIFT) test --skip-build --filter APICoverageTests

# Runs the partner guide's command blocks as written (docs/PARTNER-GUIDE.md, scripts/run-guide.sh): a generated
# plugin package, installed into a running gateway, pays and reconciles. Its state and the package's build cache
# stay in .build/partner-guide, so a re-run builds incrementally.
guide: build
	GUIDE_WORK="$(CURDIR)/.build/partner-guide" GATEWAY_BIN_DIR="$$($(SWIFT) build --show-bin-path)" \
		bash scripts/run-guide.sh docs/PARTNER-GUIDE.md

# The start of a bench recipe: BENCH_POSTGRES_URL as given, else the private cluster of `make test` (started
# here and stopped at the end unless it was already running).
with_bench_postgres = if [ -z "$$BENCH_POSTGRES_URL" ]; then \
		if [ -z "$$(bash scripts/postgres.sh url "$(PG_TEST_DIR)" 2>/dev/null)" ]; then \
			trap 'bash scripts/postgres.sh stop "$(PG_TEST_DIR)"' EXIT; trap 'exit 130' INT TERM; fi; \
		BENCH_POSTGRES_URL="$$(bash scripts/postgres.sh start "$(PG_TEST_DIR)" "$(PG_TEST_PORT)")" || exit 1; \
		export BENCH_POSTGRES_URL; \
	fi;

# Release build, then the simulator directly and through the gateway, on SQLite and on PostgreSQL (the private
# cluster of `make test` unless BENCH_POSTGRES_URL names another), three runs each; prints the table that
# BENCHMARKS.md records.
bench: deps
	$(with_bench_postgres) bash scripts/bench.sh && bash scripts/bench-limits.sh && bash scripts/bench-recon.sh && bash scripts/bench-statements.sh

# Limits only: throughput with one hot daily cap against none, SQLite and PostgreSQL; see BENCHMARKS.md.
bench-limits: deps
	$(with_bench_postgres) bash scripts/bench-limits.sh

# Reconciliation only: 100k to 2M rows against pandas, SQLite (and PostgreSQL at 2M); see BENCHMARKS.md.
bench-statements: deps
	bash scripts/bench-statements.sh

bench-recon: deps
	$(with_bench_postgres) bash scripts/bench-recon.sh

# Removes the demo's state (ledger, installed plugins, configs, logs) under RUN_DIR.
clean-run:
	@case "$(RUN_DIR)" in ""|/|.|..) echo "clean-run: refusing to remove RUN_DIR='$(RUN_DIR)'" >&2; exit 1;; esac
	rm -rf -- "$(RUN_DIR)"
