// Package footprint holds the tests of what importing partoo adds to a
// program. They build the programs of testdata (partoo, a minimal program
// that uses the client; nethttp, the same with net/http alone; initallocs,
// which prints its allocation profile) in a temporary module that requires
// partoo as a consumer would, and check that partoo adds at most 15
// non-standard packages and 3 MB of binary (default and stripped), that no
// YAML, OpenAPI, JSON Schema or generator package is linked, and that no
// regular expression is compiled during package initialization.
// BenchmarkInitAddedByPartoo measures the init time of the packages only
// partoo brings, for benchstat; it is never gated.
//
// make bench-check runs them; go test -short skips them (they build five
// binaries). The package has no code of its own.
package footprint
