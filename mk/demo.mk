# The quickstart: the README's first command. Without PARTOO_API_KEY
# it runs against a fake Partoo started in-process (package partootest), so it
# needs only Go: no key, no network. With PARTOO_API_KEY (and PARTOO_SERVER=
# sandbox|production) it talks to the real API and only reads, unless
# DEMO_ARGS=-write.

DEMO_ARGS ?=
MOCK_ARGS ?=

.PHONY: demo
demo: ## Walk through the client against an in-process fake Partoo (no key, no network).
	$(GO) run ./examples/quickstart $(DEMO_ARGS)

.PHONY: mock
mock: ## Run cmd/partoo-mock, a standalone fake Partoo (MOCK_ARGS, e.g. "-addr 127.0.0.1:9090 -seed hooks.json").
	$(GO) run ./cmd/partoo-mock $(MOCK_ARGS)
