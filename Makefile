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
generate: ## Regenerate gen/ from api/openapi-bundled.yaml.
	$(GO) generate ./...

# Every directory that go generate writes; check-generated diffs them all.
GENERATED_DIRS := gen internal/mockapi

.PHONY: check-generated
check-generated: ## Regenerate and fail if any generated code differs from what is committed.
	$(GO) generate ./...
	@if ! git diff --quiet -- $(GENERATED_DIRS) || [ -n "$$(git ls-files --others --exclude-standard -- $(GENERATED_DIRS))" ]; then \
		echo "check-generated: generated code differs from the spec; run 'make generate' and commit:"; \
		git --no-pager diff --stat -- $(GENERATED_DIRS); git ls-files --others --exclude-standard -- $(GENERATED_DIRS); exit 1; \
	fi
	@echo "check-generated: $(GENERATED_DIRS) up to date"

.PHONY: test
test: ## Run every test with the race detector (root module and tools module).
	$(GOTEST) -race -count=1 ./...
	cd tools && $(GOTEST) -race -count=1 ./...

.PHONY: vet
vet: ## go vet both modules.
	$(GO) vet ./...
	cd tools && $(GO) vet ./...

.PHONY: staticcheck
staticcheck: ## staticcheck both modules (pinned in tools/go.mod).
	$(TOOL) staticcheck ./...
	cd tools && $(GO) tool staticcheck ./...

.PHONY: lint
lint: vet staticcheck ## go vet + staticcheck.

.PHONY: tidy-check
tidy-check: ## Fail if go.mod/go.sum of either module are not tidy.
	$(GO) mod tidy -diff
	cd tools && $(GO) mod tidy -diff

-include mk/*.mk

.PHONY: ci
ci: check-generated tidy-check lint test $(CI_TARGETS) ## Everything CI checks.
	@echo "make ci: all checks passed"
