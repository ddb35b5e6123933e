# partoo-go — developer tasks. `make help` lists them.
#
# Go tools are pinned in tools/go.mod and run with `go tool -modfile=tools/go.mod`;
# nothing is installed globally. Each topic adds its targets in mk/*.mk and
# appends to CI_TARGETS the checks that `make ci` must run.

GO        ?= go
TOOL      := $(GO) tool -modfile=tools/go.mod
GOTEST    := $(GO) test
CI_TARGETS :=

.DEFAULT_GOAL := help

.PHONY: help
help: ## List the targets.
	@grep -hE '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | sort | awk 'BEGIN {FS = ":.*## "}; {printf "  %-18s %s\n", $$1, $$2}'

.PHONY: generate
generate: ## Regenerate gen/, internal/apispec/ and services.gen.go from api/openapi-bundled.yaml.
	$(GO) generate ./...

# Every directory that go generate writes; check-generated diffs them all.
GENERATED_DIRS := gen internal/apispec services.gen.go

.PHONY: check-generated
check-generated: ## Regenerate and fail if any generated code differs from what is committed.
	$(GO) generate ./...
	@if ! git diff --quiet -- $(GENERATED_DIRS) || [ -n "$$(git ls-files --others --exclude-standard -- $(GENERATED_DIRS))" ]; then \
		echo "check-generated: generated code differs from the spec; run 'make generate' and commit:"; \
		git --no-pager diff --stat -- $(GENERATED_DIRS); git ls-files --others --exclude-standard -- $(GENERATED_DIRS); exit 1; \
	fi
	@echo "check-generated: $(GENERATED_DIRS) up to date"

# The Go modules of the repository: the root module (the client), the
# tools module (generators, linters, pipeline tests) and the OpenTelemetry
# module (otel/, kept apart so that the client's graph has no OpenTelemetry).
MODULES := . tools otel

.PHONY: test
test: ## Run every test once, with the race detector, in every module (CI runs it; go test -short skips the slow pipeline tests).
	$(GOTEST) -race -count=1 ./...
	cd tools && $(GOTEST) -race -count=1 ./...
	cd otel && $(GOTEST) -race -count=1 ./...
	@test -x tools/prism/node_modules/.bin/prism || echo "make test: NOTE: the Prism contract tests in tools/contract were SKIPPED (Prism is not installed); 'make contract' installs it with npm and runs them (CI does)."

# Go 1.27 is the newest release, 1.26 the oldest still supported (the go
# directive); the go command fetches go1.27.3 from the module proxy.
GO_NEWEST ?= go1.27.3

.PHONY: test-newest-go
test-newest-go: ## The root module's tests on the newest Go release ($(GO_NEWEST)).
	GOTOOLCHAIN=$(GO_NEWEST) $(GO) version
	GOTOOLCHAIN=$(GO_NEWEST) $(GOTEST) -count=1 ./...

.PHONY: vet
vet: ## go vet every module.
	@for m in $(MODULES); do echo "go vet ($$m)"; (cd $$m && $(GO) vet ./...) || exit 1; done

.PHONY: staticcheck
staticcheck: ## staticcheck every module (pinned in tools/go.mod).
	$(TOOL) staticcheck ./...
	cd tools && $(GO) tool staticcheck ./...
	cd otel && $(GO) tool -modfile=../tools/go.mod staticcheck ./...

.PHONY: lint
lint: vet staticcheck ## go vet + staticcheck.

.PHONY: tidy-check
tidy-check: ## Fail if a go.mod/go.sum is not tidy or a Go file is not gofmt-formatted.
	@for m in $(MODULES); do (cd $$m && $(GO) mod tidy -diff) || exit 1; done
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || { echo "not gofmt-formatted:"; gofmt -l $$(git ls-files '*.go'); exit 1; }

-include mk/*.mk

.PHONY: check
check: check-generated tidy-check lint test-newest-go $(CI_TARGETS) ## Every check but the tests of `make test` (CI runs make test, then make check).
	@echo "make check: all checks passed"

.PHONY: ci
ci: test check ## Everything CI checks: make test, then make check.
	@echo "make ci: all checks passed"
