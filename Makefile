# partoo-go — developer tasks. `make help` lists them.
#
# Go tools are pinned in tools/go.mod and run with `go tool -modfile=tools/go.mod`;
# nothing is installed globally. Each topic below adds its targets and
# appends to CI_TARGETS the checks that `make ci` must run.

GO        ?= go
TOOL      := $(GO) tool -modfile=tools/go.mod
GOTEST    := $(GO) test
CI_TARGETS :=

.DEFAULT_GOAL := help

.PHONY: help
help: ## List the targets.
	@grep -hE '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | sort | awk 'BEGIN {FS = ":.*## "}; {printf "  %-18s %s\n", $$1, $$2}' \
		| sed -e 's/$$(RESILIENCE_COUNT)/$(RESILIENCE_COUNT)/g' -e 's/$$(GO_NEWEST)/$(GO_NEWEST)/g'

.PHONY: generate
generate: ## Regenerate api/openapi-bundled.yaml (from Partoo's verbatim bundle and api/repairs.yaml), gen/, internal/apispec/, services.gen.go and the benchmarks' ogen peer (bench/ogenapi).
	$(GO) generate ./...
	cd bench && $(GO) generate ./...

# Every directory that go generate writes; check-generated diffs them all.
GENERATED_DIRS := api/openapi-bundled.yaml gen internal/apispec services.gen.go bench/ogenapi README.md

.PHONY: check-generated
check-generated: ## Regenerate and fail if any generated code differs from what is committed.
	$(GO) generate ./...
	cd bench && $(GO) generate ./...
	@if ! git diff --quiet -- $(GENERATED_DIRS) || [ -n "$$(git ls-files --others --exclude-standard -- $(GENERATED_DIRS))" ]; then \
		echo "check-generated: generated code differs from the spec; run 'make generate' and commit:"; \
		git --no-pager diff --stat -- $(GENERATED_DIRS); git ls-files --others --exclude-standard -- $(GENERATED_DIRS); exit 1; \
	fi
	@echo "check-generated: $(GENERATED_DIRS) up to date"

# The Go modules of the repository: the root module (the client), the
# tools module (generators, linters, pipeline tests) and the OpenTelemetry
# module (otel/, kept apart so that the client's graph has no OpenTelemetry)
# the benchmark module (bench/, which holds ogen's client of the same
# spec as a peer, kept apart so that the client's graph has no ogen) and the
# shared rate limit (redislimit/, kept apart so that the client's graph has
# no Redis client).
MODULES := . tools otel bench redislimit

# make test says which step runs before each one, so that a long step does
# not look like a hang. tools/pipeline (minutes: it copies the repository and
# runs make in the copy) runs alone, from its directory: the go command then
# streams its output, and the package prints each command it runs, with the
# time elapsed, as it goes.
.PHONY: test
test: ## Run every test once, with the race detector, in every module (CI runs it; go test -short ./... is the fast loop).
	@echo "make test [1/5]: the root module, $$($(GO) list ./... | wc -l) packages (go test prints each as it ends)"
	$(GOTEST) -race -count=1 ./...
	@echo "make test [2/5]: the tools module but tools/pipeline and tools/footprint (make bench-check runs it), $$(cd tools && $(GO) list ./... | grep -vcE '/tools/(pipeline|footprint)$$') packages (cmd/specgen takes the longest)"
	cd tools && $(GOTEST) -race -count=1 $$($(GO) list ./... | grep -vE '/tools/(pipeline|footprint)$$')
	@echo "make test [3/5]: tools/pipeline: make update-spec and the generated code in copies of the repository (the longest step; each command and update-spec step is printed as it starts and ends)"
	cd tools/pipeline && $(GOTEST) -race -count=1 -timeout 45m
	@echo "make test [4/5]: the otel module"
	cd otel && $(GOTEST) -race -count=1 ./...
	@echo "make test [5/5]: the redislimit module"
	cd redislimit && $(GOTEST) -race -count=1 ./...
	@test -x tools/prism/node_modules/.bin/prism || echo "make test: NOTE: the Prism contract tests in tools/contract were SKIPPED (Prism is not installed); 'make contract' installs it with npm and runs them (CI does)."
	@command -v redis-server >/dev/null || echo "make test: NOTE: the redislimit tests against a real Redis were SKIPPED (redis-server is not installed); 'apt-get install redis-server' installs it (.ci/run does)."

# Go 1.27 is the newest release, 1.26 the oldest still supported (the go
# directive); the go command fetches go1.27.3 from the module proxy.
GO_NEWEST ?= go1.27.3

# make bench-check gates the allocation budget (TestAllocsOverGen) on the
# go directive's release, and this target, through GO_NEWEST, on
# $(GO_NEWEST), whose encoding/json allocates fewer objects (BENCHMARKS.md).
.PHONY: test-newest-go
test-newest-go: ## The root module's tests on the newest Go release ($(GO_NEWEST)).
	GOTOOLCHAIN=$(GO_NEWEST) $(GO) version
	GOTOOLCHAIN=$(GO_NEWEST) GO_NEWEST=$(GO_NEWEST) $(GOTEST) -count=1 ./...

.PHONY: vet
vet: ## go vet every module.
	@for m in $(MODULES); do echo "go vet ($$m)"; (cd $$m && $(GO) vet ./...) || exit 1; done

.PHONY: staticcheck
staticcheck: ## staticcheck every module (pinned in tools/go.mod).
	$(TOOL) staticcheck ./...
	cd tools && $(GO) tool staticcheck ./...
	cd otel && $(GO) tool -modfile=../tools/go.mod staticcheck ./...
	cd redislimit && $(GO) tool -modfile=../tools/go.mod staticcheck ./...

.PHONY: lint
lint: vet staticcheck ## go vet + staticcheck.

.PHONY: tidy-check
tidy-check: ## Fail if a go.mod/go.sum is not tidy or a Go file is not gofmt-formatted.
	@for m in $(MODULES); do (cd $$m && $(GO) mod tidy -diff) || exit 1; done
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || { echo "not gofmt-formatted:"; gofmt -l $$(git ls-files '*.go'); exit 1; }

# The demo: the README's first command. Without PARTOO_API_KEY
# it runs against a fake Partoo started in-process (package partootest), so it
# needs only Go: no key, no network. With PARTOO_API_KEY (and PARTOO_SERVER=
# sandbox|production) it talks to the real API and only reads, unless
# DEMO_ARGS=-write.

DEMO_ARGS ?=
MOCK_ARGS ?=

.PHONY: demo
demo: ## Walk through the client against an in-process fake Partoo (no key, no network).
	$(GO) run ./examples/demo $(DEMO_ARGS)

.PHONY: mock
mock: ## Run cmd/partoo-mock, a standalone fake Partoo (MOCK_ARGS, e.g. "-addr 127.0.0.1:9090 -seed hooks.json").
	$(GO) run ./cmd/partoo-mock $(MOCK_ARGS)

# Spec pipeline: take a new spec in one command, lint it, gate
# breaking changes, keep other teams' codegen pipelines working, and keep the
# module clean for `go get`. The programs live in tools/cmd (specgen,
# updatespec), the lint of the committed spec is tools/spectest's
# TestSpecLint; docs/maintaining.md is the maintainer's walkthrough.

SPEC_FILE := api/openapi-bundled.yaml
BASE      ?= HEAD~1
CONSUMER  := examples/consumer-pipeline

.PHONY: update-spec
update-spec: ## Take a new spec: make update-spec SPEC=path [SOURCE=partoo [ORIGIN=url] [REPAIRS=overlay]] (lint, replace, regenerate, diff, test, next steps).
	@test -n "$(SPEC)" || { echo "usage: make update-spec SPEC=/path/to/openapi-bundled.yaml [SOURCE=partoo [REPAIRS=/path/to/repairs.yaml]]"; exit 2; }
	$(GO) -C tools run ./cmd/updatespec -root "$(CURDIR)" -spec "$(abspath $(SPEC))" $(if $(SOURCE),-source "$(SOURCE)") $(if $(ORIGIN),-origin "$(ORIGIN)") $(if $(REPAIRS),-repairs "$(abspath $(REPAIRS))")

# Bundling a multi-file reference (such as Partoo's rest_api/v2/index.yml)
# into the one file update-spec takes, with Redocly CLI pinned in
# tools/redocly (installed with npm ci; its install scripts are not run).
# Redocly 1.34 reads YAML as leniently as the references are written
# (flow sequences with deficient indentation); --force keeps the bundle
# when references resolve to nothing (discriminator mappings to missing
# schemas), which spec-lint then reports with their repairs.
REDOCLY_DIR := tools/redocly
REDOCLY     := $(CURDIR)/$(REDOCLY_DIR)/node_modules/.bin/redocly

$(REDOCLY): $(REDOCLY_DIR)/package.json $(REDOCLY_DIR)/package-lock.json
	@command -v npm >/dev/null || { echo "bundle-spec: npm is required to install Redocly CLI"; exit 1; }
	cd $(REDOCLY_DIR) && npm ci --ignore-scripts --no-audit --no-fund
	@test -x $@ || { echo "bundle-spec: npm ci did not install $@"; exit 1; }
	@touch $@

.PHONY: bundle-spec
bundle-spec: $(REDOCLY) ## Bundle a multi-file reference: make bundle-spec REF=path/to/index.yml OUT=/path/to/bundle.yaml.
	@test -n "$(REF)" -a -n "$(OUT)" || { echo "usage: make bundle-spec REF=path/to/index.yml OUT=/path/to/bundle.yaml"; exit 2; }
	$(REDOCLY) bundle --force "$(abspath $(REF))" -o "$(abspath $(OUT))"

# spec-lint runs TestSpecLint in its package's directory, where go test
# prints the report when the test passes too; GOFLAGS=-v lists every
# advisory finding.
.PHONY: spec-lint
spec-lint: ## Lint the spec: kin-openapi with ECMAScript patterns, plus our rules.
	$(GO) -C tools/spectest test -count=1 -run '^TestSpecLint$$'

# The breaking-change gate: oasdiff decides what breaks, from the spec at
# BASE to the work tree's; the project's rule decides when a break is
# allowed (docs/maintaining.md): a "BREAKING-CHANGE: <what>" trailer (or
# "BREAKING CHANGE:") in a commit of BASE..HEAD, or a Version in version.go
# on a new compatibility line (a higher major; while in v0, a higher minor).
# A single-commit clone, or a BASE without the spec, has nothing to compare.
# oasdiff is built first (go tool -n), so that a failure of the go command
# is never read as oasdiff's exit 1, "breaking changes found". BASE reaches
# the shell through the environment, never pasted into the recipe's text.
OASDIFF_MODULE ?= tools
VERSION_RE := s/^[[:space:]]*\(const[[:space:]][[:space:]]*\)\{0,1\}Version[[:space:]]*=[[:space:]]*"v\{0,1\}\([0-9][0-9]*\)\.\([0-9][0-9]*\)\.[0-9][0-9]*[-+"].*/\2 \3/p

.PHONY: breaking
breaking: export BASE := $(BASE)
breaking: ## Fail on undeclared breaking spec changes since BASE (default HEAD~1).
	@if ! git rev-parse --verify --quiet "$$BASE^{commit}" >/dev/null; then \
		if [ "$$(git rev-list --count HEAD)" = 1 ]; then \
			echo "breaking: no base: this clone has a single commit ('git fetch --deepen=1' brings the parent of a shallow one); nothing to compare, passing."; exit 0; \
		fi; \
		echo "breaking: the base \"$$BASE\" is not a commit of this repository" >&2; exit 1; \
	fi; \
	if ! git cat-file -e "$$BASE:$(SPEC_FILE)" 2>/dev/null; then \
		echo "breaking: $$BASE has no $(SPEC_FILE); nothing to compare, passing."; exit 0; \
	fi; \
	oasdiff=$$($(GO) -C '$(OASDIFF_MODULE)' tool -n oasdiff) || { echo "breaking: cannot build oasdiff in $(OASDIFF_MODULE)" >&2; exit 1; }; \
	echo "breaking: oasdiff breaking, $(SPEC_FILE) from $$BASE to the work tree:"; \
	git show "$$BASE:$(SPEC_FILE)" | "$$oasdiff" breaking - '$(CURDIR)/$(SPEC_FILE)' \
		--color never --flatten-allof --allow-external-refs=false --fail-on ERR; \
	case $$? in \
		0) echo "breaking: no breaking (ERR) change."; exit 0;; \
		1) ;; \
		*) echo "breaking: oasdiff failed (see above)" >&2; exit 1;; \
	esac; \
	trailer=$$(git log --format=%B "$$BASE..HEAD" | grep -m1 -E '^BREAKING[- ]CHANGE:[[:blank:]]*[^[:space:]]'); \
	if [ -n "$$trailer" ]; then echo "breaking: breaking change(s), declared by the commit trailer \"$$trailer\"."; exit 0; fi; \
	set -- $$(git show "$$BASE:version.go" 2>/dev/null | sed -n '$(VERSION_RE)' | head -n 1) $$(sed -n '$(VERSION_RE)' version.go 2>/dev/null | head -n 1); \
	if [ $$# = 4 ] && { [ "$$3" -gt "$$1" ] || { [ "$$1$$3" = 00 ] && [ "$$4" -gt "$$2" ]; }; }; then \
		echo "breaking: breaking change(s), declared by the version bump $$1.$$2 -> $$3.$$4."; exit 0; \
	fi; \
	echo "breaking: FAIL: breaking (ERR) change(s) since $$BASE, and no declaration. Declare them in one of two ways:" >&2; \
	echo "  - a trailer line 'BREAKING-CHANGE: <what breaks and what users must do>' in the commit message;" >&2; \
	echo "  - a new compatibility line in version.go: 0.y.z -> 0.(y+1).0 while in v0, X.y.z -> (X+1).0.0 (and the /v(X+1) module path) from v1 on." >&2; \
	echo "Then record the change in CHANGELOG.md." >&2; exit 1

.PHONY: consumer-check
consumer-check: ## examples/consumer-pipeline: regenerate with no diff, vet, test, tidy.
	cd $(CONSUMER) && $(GO) generate ./...
	@if ! git diff --quiet -- $(CONSUMER) || [ -n "$$(git ls-files --others --exclude-standard -- $(CONSUMER))" ]; then \
		echo "consumer-check: regenerating $(CONSUMER) gives a diff; run 'cd $(CONSUMER) && go generate ./...' and commit:"; \
		git --no-pager diff --stat -- $(CONSUMER); git ls-files --others --exclude-standard -- $(CONSUMER); exit 1; \
	fi
	cd $(CONSUMER) && $(GO) vet ./... && $(GO) test -race -count=1 ./...
	cd $(CONSUMER) && $(GO) mod tidy -diff
	@echo "consumer-check: $(CONSUMER) is up to date and passes"

# Modules a consumer of partoo must never see in its module graph.
HYGIENE_FORBIDDEN := github.com/oapi-codegen/oapi-codegen/v2|github.com/oasdiff/oasdiff|github.com/getkin/kin-openapi|github.com/redis/go-redis/v9|github.com/go-redis/redis_rate/v10

.PHONY: hygiene
hygiene: ## Root go.mod has no replace/tool and no generator in its graph; go mod verify everywhere.
	@if grep -nE '^[[:space:]]*(replace|tool)([[:space:]]|\()' go.mod; then \
		echo "hygiene: the root go.mod must have no replace and no tool directive (tools go in tools/go.mod)"; exit 1; fi
	@if $(GO) list -m all | grep -E '^($(HYGIENE_FORBIDDEN))( |$$)'; then \
		echo "hygiene: the root module graph must not contain a generator, an OpenAPI library or a Redis client"; exit 1; fi
	$(GO) mod verify
	cd tools && $(GO) mod verify
	cd redislimit && $(GO) mod verify
	cd $(CONSUMER) && $(GO) mod verify
	@echo "hygiene: ok"

CI_TARGETS += spec-lint breaking consumer-check hygiene

# Contract test: Stoplight Prism, an independent implementation of
# OpenAPI, mocks api/openapi-bundled.yaml, and tools/contract drives every
# operation through partoo.Client against it. Prism is pinned in
# tools/prism/package-lock.json and installed with `npm ci` into
# tools/prism/node_modules (ignored by git); its install scripts are not run.

PRISM_DIR := tools/prism
PRISM     := $(CURDIR)/$(PRISM_DIR)/node_modules/.bin/prism

.PHONY: prism-install
prism-install: $(PRISM) ## Install the pinned Prism (tools/prism) with npm ci.

$(PRISM): $(PRISM_DIR)/package.json $(PRISM_DIR)/package-lock.json
	@command -v npm >/dev/null || { echo "contract: npm is required to install Prism (Prism 5.16.0 declares Node.js >= 24.18; it also runs on Node.js 20 with an EBADENGINE warning)"; exit 1; }
	cd $(PRISM_DIR) && npm ci --ignore-scripts --no-audit --no-fund
	@test -x $@ || { echo "contract: npm ci did not install $@"; exit 1; }
	@touch $@

.PHONY: contract
contract: $(PRISM) ## Contract test of the client against Prism mocking the spec (fails if Prism is missing).
	cd tools && PARTOO_CONTRACT=1 PRISM=$(PRISM) $(GO) test -count=1 -run '^(TestContract|TestPrismLimitationWithVerbatimSpec|TestUnicodeSafePattern)$$' ./contract

CI_TARGETS += contract

# Benchmarks and footprint: what partoo.Client costs over the generated client
# and raw net/http, and what importing partoo adds to a program. The
# benchmarks are in bench_test.go, and BENCHMARKS.md has the method and the
# results. The figures that do not depend on the machine's load are gated by
# tests: TestAllocsOverGen (allocs_test.go) and the package tools/footprint.
#
# CI runs bench-smoke, which runs every benchmark once so that none can rot
# (it measures nothing), and bench-check, which runs those tests once: the
# allocations per request, the packages and bytes partoo adds, no parser
# linked, no regexp compiled at init; it prints the init time partoo adds,
# ungated. make test leaves them to bench-check: it does not run
# tools/footprint, and TestAllocsOverGen skips itself under the race detector.
# bench measures everything, wall time included, in 15 rounds, and takes
# about 4 minutes on 2 cores; benchstat and BENCHMARKS.md report the ratios.

BENCH_ROUNDS   ?= 15
BENCH_TIME     ?= 0.5s
BENCH_DIR      := $(CURDIR)/.cache/bench

.PHONY: bench
bench: ## Every benchmark, the init time partoo adds included, BENCH_ROUNDS runs (default 15), summarised by benchstat.
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
	cd tools && $(GOTEST) -run '^$$' -bench '^BenchmarkInitAddedByPartoo$$' -benchtime 20x -count $(BENCH_ROUNDS) ./footprint >> $(BENCH_DIR)/bench.txt \
		|| { cat $(BENCH_DIR)/bench.txt; exit 1; }
	$(TOOL) benchstat $(BENCH_DIR)/bench.txt > $(BENCH_DIR)/benchstat.txt
	@cat $(BENCH_DIR)/benchstat.txt
	@$(MAKE) --no-print-directory bench-peer

# The peer comparison: bench/ (its own module) runs raw, gen, client, ogen
# and control (a second client, to show the noise) interleaved, on both
# supported Go releases. Each round runs the Go 1.26 binary, then the
# $(GO_NEWEST) one, so both see the same machine; benchstat prints the
# medians side by side, one column per release.
PEER_ROUNDS ?= $(BENCH_ROUNDS)
# Each entry is a -test.bench pattern (go test splits it at slashes, one
# pattern per level of sub-benchmark) and the -test.benchtime it runs with.
PEER_RUNS := '^BenchmarkPeerInMemory$$/^(Get|Create|List)$$' $(BENCH_TIME) \
	'^BenchmarkPeerLoopback$$' $(BENCH_TIME) \
	'^BenchmarkPeerInMemory$$/^LargePage$$' 1x \
	'^BenchmarkPeerLargePage$$' 1x

.PHONY: bench-peer
bench-peer: ## partoo.Client against raw, gen and ogen's client of the same spec, on Go 1.26 and $(GO_NEWEST), PEER_ROUNDS interleaved rounds.
	@mkdir -p $(BENCH_DIR)
	cd bench && $(GO) test -c -o $(BENCH_DIR)/peer-go1.26.test .
	cd bench && GOTOOLCHAIN=$(GO_NEWEST) $(GO) test -c -o $(BENCH_DIR)/peer-$(GO_NEWEST).test .
	@rm -f $(BENCH_DIR)/peer-go1.26.txt $(BENCH_DIR)/peer-$(GO_NEWEST).txt
	@for i in $$(seq $(PEER_ROUNDS)); do \
		echo "bench-peer: round $$i of $(PEER_ROUNDS)"; \
		for v in go1.26 $(GO_NEWEST); do \
			set -- $(PEER_RUNS); \
			while [ $$# -gt 0 ]; do \
				$(BENCH_DIR)/peer-$$v.test -test.run '^$$' -test.bench "$$1" -test.benchtime "$$2" -test.count 1 \
					>> $(BENCH_DIR)/peer-$$v.txt || { cat $(BENCH_DIR)/peer-$$v.txt; exit 1; }; \
				shift 2; \
			done; \
		done; \
	done
	$(TOOL) benchstat -table .name -col .file go1.26=$(BENCH_DIR)/peer-go1.26.txt $(GO_NEWEST)=$(BENCH_DIR)/peer-$(GO_NEWEST).txt > $(BENCH_DIR)/peer-benchstat.txt
	@cat $(BENCH_DIR)/peer-benchstat.txt

.PHONY: bench-smoke
bench-smoke: ## Run every benchmark once to catch breakage (measures nothing), and the tests of the bench module's generator of the ogen peer (run by make ci).
	$(GOTEST) -run '^$$' -bench . -benchtime 1x .
	cd bench && $(GOTEST) -short -run '^$$' -bench . -benchtime 1x .
	cd bench && $(GOTEST) -count=1 ./internal/...

.PHONY: bench-check
bench-check: ## Gate what a loaded machine cannot change: allocations per request (without -race) and what importing partoo adds; prints the init time partoo adds, ungated.
	$(GOTEST) -count=1 -v -run '^TestAllocsOverGen$$' .
	cd tools && $(GOTEST) -count=1 -v -bench '^BenchmarkInitAddedByPartoo$$' -benchtime 20x ./footprint

CI_TARGETS += bench-smoke bench-check

# Resilience: the fault-injection suite of resilience_test.go (retries,
# Retry-After, timeouts, bounded reads, no duplicate writes, no goroutine
# leak, no API key in any output), run many times under the race detector
# to hunt flakiness. `make test` runs it once; CI does not repeat it.

RESILIENCE_COUNT ?= 20

.PHONY: resilience
resilience: ## Run the fault-injection suite (TestResilience) $(RESILIENCE_COUNT) times with -race.
	$(GOTEST) -race -count=$(RESILIENCE_COUNT) -run '^TestResilience$$' .

# Fuzzing. `make test` already runs every fuzz target's seed corpus; these
# targets explore beyond it. They are not in CI_TARGETS: a fuzz run is open
# ended and CI must be quick and reproducible.

FUZZTIME ?= 20s

.PHONY: fuzz
fuzz: fuzz-custom-headers fuzz-decode fuzz-webhook ## Run every fuzz target for FUZZTIME each (default 20s).

.PHONY: fuzz-decode
fuzz-decode: ## Fuzz the answer decoder against encoding/json for FUZZTIME, on Go 1.26 and $(GO_NEWEST).
	$(GO) test -run '^$$' -fuzz '^FuzzDecode$$' -fuzztime $(FUZZTIME) .
	GOTOOLCHAIN=$(GO_NEWEST) $(GO) test -run '^$$' -fuzz '^FuzzDecode$$' -fuzztime $(FUZZTIME) .

.PHONY: fuzz-custom-headers
fuzz-custom-headers: ## Fuzz ValidateCustomHeaders against a JSON Schema 2020-12 oracle, and the client against the fake, for FUZZTIME each.
	cd tools && $(GO) test -run '^$$' -fuzz '^FuzzValidateCustomHeaders$$' -fuzztime $(FUZZTIME) ./conformance
	cd tools && $(GO) test -run '^$$' -fuzz '^FuzzCheckHeadersJSON$$' -fuzztime $(FUZZTIME) ./conformance
	$(GO) test -run '^$$' -fuzz '^FuzzCustomHeadersAgree$$' -fuzztime $(FUZZTIME) ./partootest

# Receiving webhooks: package webhook. Its tests, examples and the
# seed corpus of FuzzParse run in `make test` (so in CI); like the other fuzz
# targets (above), the open-ended fuzz run is not in CI_TARGETS.
.PHONY: fuzz-webhook
fuzz-webhook: ## Fuzz webhook.Parse (the delivery decoder) for FUZZTIME.
	$(GO) test -run '^$$' -fuzz '^FuzzParse$$' -fuzztime $(FUZZTIME) ./webhook/


.PHONY: check
check: check-generated tidy-check lint test-newest-go $(CI_TARGETS) ## Every check but the tests of `make test` (CI runs make test, then make check).
	@echo "make check: all checks passed"

.PHONY: ci
ci: test check ## Everything CI checks: make test, then make check.
	@echo "make ci: all checks passed"
