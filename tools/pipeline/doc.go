// Package pipeline holds the end-to-end tests of the spec pipeline: the
// generation from a synthetic spec of a few hundred operations, `make
// update-spec` on a mutated spec, and the module hygiene of `go get` through
// a local module proxy. Each test works on a copy of the repository in a
// temporary directory and runs the go command there; the work tree is never
// modified.
package pipeline
