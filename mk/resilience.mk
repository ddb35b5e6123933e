# Resilience (issue 5): the fault-injection suite of resilience_test.go —
# retries, Retry-After, timeouts, bounded reads, no duplicate writes, no
# goroutine leak, no API key in any output — run several times under the race
# detector to catch flakiness. `make test` runs it once as well.

RESILIENCE_COUNT ?= 3

.PHONY: resilience
resilience: ## Run the fault-injection suite (TestResilience) $(RESILIENCE_COUNT) times with -race.
	$(GOTEST) -race -count=$(RESILIENCE_COUNT) -run '^TestResilience$$' .

CI_TARGETS += resilience
