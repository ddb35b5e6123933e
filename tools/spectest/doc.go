// Package spectest holds the tests of the bundled spec itself
// (api/openapi-bundled.yaml). It lives in the tools module so that the YAML
// and OpenAPI libraries it needs never reach the client's go.mod.
package spectest
