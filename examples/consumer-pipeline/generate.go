// Package consumer stands for another team's code: a service (the "webhook
// relay") with its own OpenAPI spec, api/relay.yaml, whose schemas reuse
// Partoo's WebhookItem and CustomHeaders by $ref to partoo-go's bundled spec.
//
// Its oapi-codegen configuration (oapi-codegen.yaml) maps that spec file to
// partoo-go's generated package with import-mapping, so the relay's
// generated client (package relayapi) uses gen.WebhookItem and
// gen.CustomHeaders instead of generating copies of them: values move
// between the relay and a partoo.Client without conversion, and partoo's
// local validation applies to them.
//
// The team pins oapi-codegen in its own go.mod (a tool directive) and runs
// `go generate ./...`; the generated code is committed.
package consumer

//go:generate go tool oapi-codegen -config oapi-codegen.yaml api/relay.yaml
