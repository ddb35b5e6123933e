// Package ogenapi is the Partoo client that ogen generates from the same
// spec as the partoo module. It exists only as a peer in the benchmarks of
// this module; the partoo module never imports it.
package ogenapi

//go:generate go tool ogen -loglevel error -package ogenapi -target . -clean ../../api/openapi-bundled.yaml
