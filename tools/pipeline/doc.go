// Package pipeline holds the end-to-end tests of the spec pipeline: `make
// update-spec` on a Partoo-shaped bundle of 77 operations and on mutated
// specs, the module hygiene of `go get` through a local module proxy, and
// the repository's references (no tracker words, no dead Markdown links). Each test works on a copy of the repository in a
// temporary directory and runs the go command there; the work tree is never
// modified.
package pipeline
