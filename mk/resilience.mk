# Resilience: the fault-injection suite of resilience_test.go (retries,
# Retry-After, timeouts, bounded reads, no duplicate writes, no goroutine
# leak, no API key in any output), run many times under the race detector
# to hunt flakiness. `make test` runs it once; CI does not repeat it.

RESILIENCE_COUNT ?= 20

.PHONY: resilience
resilience: ## Run the fault-injection suite (TestResilience) $(RESILIENCE_COUNT) times with -race.
	$(GOTEST) -race -count=$(RESILIENCE_COUNT) -run '^TestResilience$$' .
