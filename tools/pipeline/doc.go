// Package pipeline holds the end-to-end tests of the spec pipeline: `make
// update-spec` on a Partoo-shaped bundle of 77 operations and on mutated
// specs, the Makefile's breaking-change gate on throwaway repositories, the
// module hygiene of `go get` through a local module proxy, and the
// repository's references (no tracker words, no dead Markdown links). The
// tests work on copies of the repository, or on throwaway repositories, in
// temporary directories, and run the go command there; the work tree is
// never modified.
package pipeline
