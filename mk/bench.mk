# Benchmarks and footprint: what partoo.Client costs over the generated client
# and raw net/http, and what importing partoo adds to a program. The
# benchmarks are in bench_test.go. tools/cmd/benchcheck checks the figures
# that do not depend on the machine's load, and BENCHMARKS.md has the method
# and the results.
#
# CI runs bench-smoke, which runs every benchmark once so that none can rot
# (it measures nothing), and bench-check, which checks the allocations, the
# in-memory CPU ratios (with a tolerance) and the footprint in under a
# minute. bench measures everything, wall time included, in 15 rounds, and
# takes about 3 minutes on 2 cores.

BENCH_ROUNDS   ?= 15
BENCH_TIME     ?= 0.5s
BENCH_DIR      := $(CURDIR)/.cache/bench
BENCH_FILE     ?=
BENCHCHECK     := $(GO) -C tools run ./cmd/benchcheck -root "$(CURDIR)"

.PHONY: bench
bench: ## Every benchmark, BENCH_ROUNDS runs of the test binary (default 15), summarised by benchstat.
	@mkdir -p $(BENCH_DIR)
	$(GO) test -c -o $(BENCH_DIR)/partoo.test .
	@rm -f $(BENCH_DIR)/bench.txt
	@for i in $$(seq $(BENCH_ROUNDS)); do \
		echo "bench: round $$i of $(BENCH_ROUNDS)"; \
		$(BENCH_DIR)/partoo.test -test.run '^$$' -test.bench '^Benchmark(InMemory|Loopback|RequestBuild)$$' \
			-test.benchtime $(BENCH_TIME) -test.count 1 >> $(BENCH_DIR)/bench.txt && \
		$(BENCH_DIR)/partoo.test -test.run '^$$' -test.bench '^BenchmarkLargePage$$' \
			-test.benchtime 1x -test.count 1 >> $(BENCH_DIR)/bench.txt || { cat $(BENCH_DIR)/bench.txt; exit 1; }; \
	done
	$(TOOL) benchstat $(BENCH_DIR)/bench.txt > $(BENCH_DIR)/benchstat.txt
	@cat $(BENCH_DIR)/benchstat.txt

.PHONY: bench-smoke
bench-smoke: ## Run every benchmark once to catch breakage; measures nothing (run by make ci).
	$(GOTEST) -run '^$$' -bench . -benchtime 1x .

.PHONY: bench-check
bench-check: ## Check allocations, in-memory CPU ratios and footprint (BENCH_FILE=.cache/bench/bench.txt reuses make bench's output).
	$(BENCHCHECK) $(if $(BENCH_FILE),-bench "$(abspath $(BENCH_FILE))")

.PHONY: footprint-check
footprint-check: ## Check only what importing partoo adds: packages, binary size, init time, no parser, no regexp at init (bench-check includes it).
	$(BENCHCHECK) -skip-bench

CI_TARGETS += bench-smoke bench-check
