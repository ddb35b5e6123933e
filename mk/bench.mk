# Benchmarks and footprint (issue 8): what the wrapper costs on top of raw
# net/http, and what importing partoo adds to a program. The benchmarks are
# in bench_test.go, the two minimal programs in internal/footprint/, and the
# measuring, checking and reporting program in tools/cmd/benchreport.
# BENCHMARKS.md explains the method.
#
# CI runs bench-smoke (every benchmark once, so they cannot rot) and
# footprint-check (deterministic: packages, binary size, init allocations and
# static scan, consumer modules; about 20 s). It does not run
# bench-check: its time targets (Get within 10% of raw net/http on loopback,
# init within 50 µs) depend on the machine's load, and a shared 2-core runner
# cannot hold a 10% bound reliably. Run make bench-check on a quiet machine
# before a release, and make bench-report to publish.

BENCH_COUNT    ?= 6
BENCH_TIME     ?= 1s
FOOTPRINT_RUNS ?= 31
BENCH_DIR      := $(CURDIR)/.cache/bench
BENCH_PATTERN  := ^BenchmarkWrapper
BENCHREPORT    := $(GO) -C tools run ./cmd/benchreport
BENCHSTAT      := $(TOOL) benchstat

.PHONY: bench
bench: ## Benchmarks vs raw net/http: BENCH_COUNT rounds (default 6), summarised with benchstat.
	@mkdir -p $(BENCH_DIR)
	$(GO) test -c -o $(BENCH_DIR)/partoo.test .
	@rm -f $(BENCH_DIR)/bench.txt
	@for i in $$(seq $(BENCH_COUNT)); do \
		echo "bench: round $$i of $(BENCH_COUNT)"; \
		$(BENCH_DIR)/partoo.test -test.run '^$$' -test.bench '$(BENCH_PATTERN)' \
			-test.benchtime $(BENCH_TIME) -test.count 1 >> $(BENCH_DIR)/bench.txt || { cat $(BENCH_DIR)/bench.txt; exit 1; }; \
	done
	@{ $(BENCHSTAT) -filter '.name:/^Wrapper(Get|GetInMemory|List)$$/' -col '/path@(raw generated client wire)' $(BENCH_DIR)/bench.txt && \
	   echo && $(BENCHSTAT) -filter '.name:/Interleaved$$/' "interleaved=$(BENCH_DIR)/bench.txt" && \
	   echo && $(BENCHSTAT) -filter '.name:WrapperValidateCustomHeaders' -col /headers $(BENCH_DIR)/bench.txt; \
	} > $(BENCH_DIR)/benchstat.txt
	@cat $(BENCH_DIR)/benchstat.txt

.PHONY: footprint
footprint: ## Minimal partoo program vs raw net/http: packages, binary size, init time, consumer modules.
	$(BENCHREPORT) footprint -root "$(CURDIR)" -runs $(FOOTPRINT_RUNS) -out "$(BENCH_DIR)/footprint.json"

.PHONY: bench-smoke
bench-smoke: ## Run every benchmark of bench_test.go once, to catch breakage (run by make ci; measures nothing).
	$(GO) test -run '^$$' -bench '$(BENCH_PATTERN)' -benchtime 1x .

CI_TARGETS += bench-smoke

.PHONY: footprint-check
footprint-check: footprint ## Footprint targets that do not depend on timing (run by make ci).
	$(BENCHREPORT) check -timing=false -footprint "$(BENCH_DIR)/footprint.json"

CI_TARGETS += footprint-check

.PHONY: bench-check
bench-check: bench footprint ## Run bench and footprint, then fail if a target of issue 8 is missed.
	$(BENCHREPORT) check -bench "$(BENCH_DIR)/bench.txt" -footprint "$(BENCH_DIR)/footprint.json"

.PHONY: bench-report
bench-report: bench footprint ## Run bench and footprint, then rewrite BENCHMARKS.md.
	$(BENCHREPORT) report -bench "$(BENCH_DIR)/bench.txt" -footprint "$(BENCH_DIR)/footprint.json" \
		-benchstat "$(BENCH_DIR)/benchstat.txt" -out "$(CURDIR)/BENCHMARKS.md"
	-$(BENCHREPORT) check -bench "$(BENCH_DIR)/bench.txt" -footprint "$(BENCH_DIR)/footprint.json"
