// Package ogenapi is the Partoo client that ogen generates from the same
// spec as the partoo module, for the operations the benchmarks measure
// (the paths under /webhooks). It exists only as a peer in the benchmarks
// of this module; the partoo module never imports it.
package ogenapi

//go:generate go run ../internal/ogenpeer -spec ../../api/openapi-bundled.yaml -prefix /webhooks -- -package ogenapi -target . -clean
