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
