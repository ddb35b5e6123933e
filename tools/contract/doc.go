// Package contract holds the contract test of the partoo client against an
// independent implementation of the spec: Stoplight Prism (pinned in
// tools/prism), mocking api/openapi-bundled.yaml. Run it with `make
// contract`, which installs Prism and makes its absence a failure; a plain
// `go test ./...` skips it when Prism is not installed.
//
// It lives in the tools module because it reads the spec with kin-openapi
// and YAML libraries, which must never reach the client's go.mod.
package contract
