// Package ogenapi is the Partoo client that ogen generates from the same
// spec as the partoo module, for the operations the benchmarks measure
// (the paths under /webhooks). It exists only as a peer in the benchmarks
// of this module; the partoo module never imports it.
//
// The go:generate line is in this file, whose name sorts after ogen's
// files: go generate reads a package's files in that order, so ogen may
// remove one of them (a spec without defaults needs no oas_defaults_gen.go)
// without go generate failing to open it afterwards.
package ogenapi

//go:generate go run ../internal/ogenpeer -spec ../../api/openapi-bundled.yaml -prefix /webhooks -- -package ogenapi -target . -clean
