# Spec pipeline: take a new spec in one command, lint it, gate
# breaking changes, keep other teams' codegen pipelines working, and keep the
# module clean for `go get`. The programs live in tools/cmd (speclint,
# specbreaking, updatespec); docs/maintaining.md is the maintainer's
# walkthrough.

SPEC_FILE := api/openapi-bundled.yaml
SPEC_SEED ?= tools/spectest/testdata/seed-getWebhook.md
BASE      ?= HEAD~1
CONSUMER  := examples/consumer-pipeline

.PHONY: update-spec
update-spec: ## Take a new spec: make update-spec SPEC=path [SOURCE=partoo [ORIGIN=url]] [SEED=path] (lint, replace, regenerate, diff, test, next steps).
	@test -n "$(SPEC)" || { echo "usage: make update-spec SPEC=/path/to/openapi-bundled.yaml [SOURCE=partoo]"; exit 2; }
	$(GO) -C tools run ./cmd/updatespec -root "$(CURDIR)" -spec "$(abspath $(SPEC))" $(if $(SOURCE),-source "$(SOURCE)") $(if $(ORIGIN),-origin "$(ORIGIN)") $(if $(SEED),-new-seed "$(abspath $(SEED))")

.PHONY: spec-lint
spec-lint: ## Lint the spec: kin-openapi with ECMAScript patterns, plus our rules.
	$(GO) -C tools run ./cmd/speclint -spec "$(CURDIR)/$(SPEC_FILE)" -seed "$(abspath $(SPEC_SEED))" -provenance "$(CURDIR)/api/provenance.yaml"

.PHONY: breaking
breaking: ## Fail on undeclared breaking spec changes since BASE (default HEAD~1).
	$(GO) -C tools run ./cmd/specbreaking -root "$(CURDIR)" -base "$(BASE)"

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
HYGIENE_FORBIDDEN := github.com/oapi-codegen/oapi-codegen/v2|github.com/oasdiff/oasdiff|github.com/getkin/kin-openapi

.PHONY: hygiene
hygiene: ## Root go.mod has no replace/tool and no generator in its graph; go mod verify everywhere.
	@if grep -nE '^[[:space:]]*(replace|tool)([[:space:]]|\()' go.mod; then \
		echo "hygiene: the root go.mod must have no replace and no tool directive (tools go in tools/go.mod)"; exit 1; fi
	@if $(GO) list -m all | grep -E '^($(HYGIENE_FORBIDDEN))( |$$)'; then \
		echo "hygiene: the root module graph must not contain a generator or OpenAPI library"; exit 1; fi
	$(GO) mod verify
	cd tools && $(GO) mod verify
	cd $(CONSUMER) && $(GO) mod verify
	@echo "hygiene: ok"

CI_TARGETS += spec-lint breaking consumer-check hygiene
