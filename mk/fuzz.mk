# Fuzzing. `make test` already runs every fuzz target's seed corpus; these
# targets explore beyond it. They are not in CI_TARGETS: a fuzz run is open
# ended and CI must be quick and reproducible.

FUZZTIME ?= 20s

# fuzz has no recipe of its own, so other fragments may add their fuzz
# targets as prerequisites (`fuzz: fuzz-xyz`) without conflict.
.PHONY: fuzz
fuzz: fuzz-custom-headers ## Run every fuzz target for FUZZTIME each (default 20s).

.PHONY: fuzz-custom-headers
fuzz-custom-headers: ## Fuzz ValidateCustomHeaders against a JSON Schema 2020-12 oracle for FUZZTIME.
	cd tools && $(GO) test -run '^$$' -fuzz '^FuzzValidateCustomHeaders$$' -fuzztime $(FUZZTIME) ./conformance
