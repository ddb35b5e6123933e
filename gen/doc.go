// Package gen holds the types and the low-level client that oapi-codegen
// generates from Partoo's OpenAPI document (api/openapi-bundled.yaml). Every
// other file of this package is generated: run go generate ./... from the
// module root after changing the spec, never edit them by hand. This file is
// the only one written by hand.
//
// # Where to start
//
// Most programs use the client of the root package, partoo.NewClient, and
// meet this package only through its types:
//
//   - the request bodies, such as [CreateWebhooksPayload],
//     [WebhookCreateItem] and [UpdateWebhookPayload];
//   - the resources the API answers with, such as [WebhookItem];
//   - the query parameters of each operation, such as [GetWebhookListParams];
//   - the enumerations, such as [EventType] and its constants
//     ([EventTypeBusinessCreated], ...); unknown values still decode, so a
//     value Partoo adds later does not break a running program;
//   - the payloads Partoo delivers to a webhook, such as [WebhookEvent] and
//     [BusinessEvent], which package webhook decodes for you.
//
// Optional fields are pointers (maps and slices are nil when absent).
//
// The generated [Client] and [ClientWithResponses] send requests with no
// authentication, retries or error mapping of their own. partoo.Client's
// Raw method returns a ClientWithResponses wired to its transport, so the
// generated methods called through it get all of that; prefer the services
// of partoo.Client (client.Webhooks.List, ...), which also page through
// lists and return Go errors.
//
// The servers of the spec are the constants [ServerURLProductionServer] and
// [ServerURLSandboxServerDevEnvironmentForClientsPartners]; partoo.Production
// and partoo.Sandbox name them.
//
// Other code generators can reuse these types instead of generating their
// own, with oapi-codegen's import-mapping: the type names follow the schema
// names of the spec and stay stable from one regeneration to the next.
package gen
