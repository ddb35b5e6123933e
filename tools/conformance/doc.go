// Package conformance checks the client's local validation against an
// independent JSON Schema 2020-12 validator run on the same schemas of the
// bundled spec. It lives in the tools module so that the validator never
// reaches the client's go.mod; it has tests only.
package conformance
