# Receiving webhooks: package webhook. Its tests, examples and the
# seed corpus of FuzzParse run in `make test` (so in CI); like the other fuzz
# targets (mk/fuzz.mk), the open-ended fuzz run is not in CI_TARGETS.

fuzz: fuzz-webhook

.PHONY: fuzz-webhook
fuzz-webhook: ## Fuzz webhook.Parse (the delivery decoder) for FUZZTIME.
	$(GO) test -run '^$$' -fuzz '^FuzzParse$$' -fuzztime $(FUZZTIME) ./webhook/
